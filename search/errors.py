"""Domain errors of searching. Messages are complete sentences; the edges show them as-is."""

from index import PapersearchError


class EmptyQueryError(PapersearchError):
    pass


class InvalidQueryError(PapersearchError):
    pass


class UnknownItemError(PapersearchError):
    """"More like this" was asked about a passage, file, page, section or paper the index does not hold."""
