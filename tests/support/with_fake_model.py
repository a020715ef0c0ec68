"""Run the page or the CLI in a subprocess with the fake embedder instead of a real model.

    python -m tests.support.with_fake_model streamlit run app.py --server.port 8765 ...
    python -m tests.support.with_fake_model cli search "query" --library DIR --json

Every model name that starts with "fake-" is registered in the model registry (through
`embed.registry.register`, as any model is) as a `FakeEmbedder` (tests/support/fakes.py); other names load
as usual. Two variables hold a build in its embedding stage, so a test can overlap it with
searches or with a second build however busy the machine is:

  PAPERSEARCH_FAKE_EMBED_GATE   a file: every `embed_documents` call waits until it exists
                                (at most GATE_TIMEOUT seconds; the test creates it to let the build go on)
  PAPERSEARCH_FAKE_EMBED_DELAY  seconds every `embed_documents` call sleeps (default 0)

Two more make a small library's first build staged (index/staged_build.py), as a large one's is:

  PAPERSEARCH_FAKE_STAGE_FROM   stage a first build from this many passages, committing after every batch
  PAPERSEARCH_FAKE_EMBED_BATCH  passages per embedded batch

One sets the fake's size, for measuring memory as a real model's vectors would take it:

  PAPERSEARCH_FAKE_DIMENSION    dimensions of every fake model's vectors (default: the fake's own, 64)

The subprocess's fake keeps no list of the texts it embedded (nothing outside could read it, and
at 300k passages it would be the largest thing the build holds). Queries are never held. Used by tests/edges/test_load.py and bench/speed/bench_load.py.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENV_DELAY = "PAPERSEARCH_FAKE_EMBED_DELAY"
ENV_GATE = "PAPERSEARCH_FAKE_EMBED_GATE"
ENV_STAGE_FROM = "PAPERSEARCH_FAKE_STAGE_FROM"
ENV_BATCH = "PAPERSEARCH_FAKE_EMBED_BATCH"
ENV_DIMENSION = "PAPERSEARCH_FAKE_DIMENSION"
GATE_TIMEOUT = 120.0


def install() -> None:
    sys.path.insert(0, str(REPO))
    from embed import registry
    from tests.support.fakes import FAKE_PREFIX, FakeEmbedder

    delay = float(os.environ.get(ENV_DELAY) or 0)
    gate = Path(os.environ[ENV_GATE]) if os.environ.get(ENV_GATE) else None

    class DelayedFakeEmbedder(FakeEmbedder):
        def embed_documents(self, texts):
            deadline = time.monotonic() + GATE_TIMEOUT
            while gate is not None and not gate.exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(delay)
            return self._vectors(texts)

    dimension = int(os.environ.get(ENV_DIMENSION) or FakeEmbedder().dimension)
    registry.register(FAKE_PREFIX, lambda name: DelayedFakeEmbedder(name=name, dimension=dimension), prefix=True)
    if os.environ.get(ENV_STAGE_FROM):
        import index.staged_build as staged_build

        staged_build.STAGED_FROM_PASSAGES = int(os.environ[ENV_STAGE_FROM])
        staged_build.StagedCommits.min_interval = staged_build.StagedCommits.cost_ratio = 0.0
    if os.environ.get(ENV_BATCH):
        import index.passage_vectors as passage_vectors

        passage_vectors.EMBED_BATCH = int(os.environ[ENV_BATCH])


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"streamlit", "cli"}:
        print(__doc__, file=sys.stderr)
        return 2
    # Ctrl-C as in a terminal, even when the test run itself was started in the background, where
    # the shell has every child ignore SIGINT (and Python keeps an ignored SIGINT ignored)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    install()
    if argv[0] == "streamlit":
        from streamlit.web import cli as streamlit_cli

        sys.argv = ["streamlit", *argv[1:]]
        return streamlit_cli.main()
    import cli

    return cli.main(args=argv[1:], prog_name="cli.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
