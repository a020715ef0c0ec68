"""Domain errors of searching. Messages are complete sentences; the edges show them as-is."""

from index import PapersearchError


class EmptyQueryError(PapersearchError):
    pass


class InvalidQueryError(PapersearchError):
    pass
