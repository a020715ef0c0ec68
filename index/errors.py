"""Domain errors of the index. Messages are complete sentences; the CLI and page show them as-is."""


class PapersearchError(Exception):
    """Base class: anything a user can fix by doing something different."""


class LibraryNotFoundError(PapersearchError):
    pass


class IndexNotFoundError(PapersearchError):
    pass


class CorruptIndexError(PapersearchError):
    pass


class ModelMismatchError(PapersearchError):
    pass



class IndexLockedError(PapersearchError):
    pass


class InvalidSettingsError(PapersearchError):
    pass


class IndexLocationError(PapersearchError):
    """The index folder cannot be used: it is a file, the library itself, or holds foreign files."""


class IndexWriteError(PapersearchError):
    """The disk refused a build (read-only, full, no permission); the previous index is kept."""


class UnsafePathError(PapersearchError):
    """A path from outside that would read or write beyond the library folder."""


class InvalidStoreError(PapersearchError):
    """A --store (or PAPERSEARCH_STORE) value that names no store Papersearch knows."""


class StoreUnavailableError(PapersearchError):
    """The Milvus server or Milvus Lite file of --store cannot be reached or refused a request."""


class WatchError(PapersearchError):
    """The library folder cannot be watched for changes (builds still work)."""
