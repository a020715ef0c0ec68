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
