"""Why a file could not be read: one error type carrying a human reason."""


class UnreadableFileError(Exception):
    """A library file that cannot be turned into a document; the build skips it and reports `reason`."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
