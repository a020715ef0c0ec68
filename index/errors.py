"""Domain errors of the index. Each carries the fields an edge needs; its message is a complete
sentence with no command-line or page words (the CLI and the page add their own advice)."""

from __future__ import annotations

from pathlib import Path


class PapersearchError(Exception):
    """Base class: anything a user can fix by doing something different."""


class LibraryNotFoundError(PapersearchError):
    pass


class IndexNotFoundError(PapersearchError):
    """No index yet. `kept_in_milvus`: the folder holds an index kept in Milvus, which needs its store named."""

    def __init__(self, directory: Path | str, *, kept_in_milvus: bool = False, uri: str | None = None):
        self.directory, self.kept_in_milvus, self.uri = Path(directory), kept_in_milvus, uri
        if kept_in_milvus:
            message = f"The index at {directory} is kept in Milvus, not in files."
        elif uri is not None:
            message = f"No index in Milvus at {uri} for {directory}."
        else:
            message = f"No index at {directory}."
        super().__init__(message)


class CorruptIndexError(PapersearchError):
    """An index that cannot be read or trusted; a rebuild from the library's files replaces it."""

    def __init__(self, where: Path | str, problem: str):
        self.where, self.problem = where, problem
        super().__init__(f"Index at {where} {problem}.")


class ModelMismatchError(PapersearchError):
    def __init__(self, built_with: str, requested: str, detail: str = ""):
        self.built_with, self.requested = built_with, requested
        super().__init__(
            f"This index was built with model '{built_with}'{detail}, but '{requested}' was requested. "
            "Query vectors from a different model are meaningless against it."
        )


class IndexLockedError(PapersearchError):
    def __init__(self, directory: Path | str):
        self.directory = directory
        super().__init__(f"Another build is writing {directory}; try again when it ends.")


class NewerIndexError(PapersearchError):
    """An index written by a newer Papersearch: never called damaged, never replaced."""

    def __init__(self, where: Path | str, found: int, readable: int):
        self.where, self.found, self.readable = where, found, readable
        super().__init__(
            f"The index at {where} was made by a newer version of Papersearch (format {found}; this version reads "
            f"format {readable}). Upgrade Papersearch to use it; it is left as it is."
        )


class InvalidSettingsError(PapersearchError):
    pass


class IndexLocationError(PapersearchError):
    """The index folder cannot be used: it is a file, the library itself, or holds foreign files."""


class IndexWriteError(PapersearchError):
    """The disk refused a build (read-only, full, no permission); the previous index is kept."""


class UnsafePathError(PapersearchError):
    """A path from outside that would read or write beyond the library folder."""


class InvalidStoreError(PapersearchError):
    """A store value that names no store Papersearch knows."""


class StoreUnavailableError(PapersearchError):
    """The Milvus server or Milvus Lite file cannot be reached or refused a request."""

    def __init__(self, uri: str, detail: str, *, connecting: bool = False, credentials_in_uri: bool = False,
                 locked: bool = False, damaged: bool = False):
        """`uri` as it may be shown (index/store_location.redacted: no user or password). `locked`: a
        Milvus Lite file another process has open (one opener at a time); `damaged`: a Milvus Lite
        file whose own files cannot be read (a rebuild into a fresh file replaces it)."""
        self.uri, self.detail, self.connecting = uri, detail, connecting
        self.credentials_in_uri = credentials_in_uri
        self.locked, self.damaged = locked, damaged
        if locked:
            message = (f"The Milvus Lite file {uri} is open in another process; Milvus Lite lets one process "
                       "open a file at a time.")
        elif damaged:
            message = f"The Milvus Lite file {uri} is damaged ({detail})."
        elif connecting:
            message = f"Cannot reach Milvus at {uri} ({detail})."
        else:
            message = f"Milvus at {uri} failed {detail}."
        super().__init__(message)
