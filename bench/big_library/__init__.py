"""Big libraries (issue #23): a generator of N-file libraries from the shared data, and the
harness that measures cold builds, time to first search, resumed builds and updates on them."""
