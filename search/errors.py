"""Domain errors of searching. Messages are complete sentences; the edges show them as-is."""

from index import PapersearchError


class EmptyQueryError(PapersearchError):
    pass


class InvalidQueryError(PapersearchError):
    pass


class QueryTooLongError(InvalidQueryError):
    """A query text over the limit (search/query_text.MAX_QUERY_CHARS): refused, never cut silently."""

    def __init__(self, length: int, limit: int):
        self.length, self.limit = length, limit
        super().__init__(f"The query is {length:,} characters long; the limit is {limit:,}. "
                         "Search with the paragraph or abstract that matters.")


class UnknownItemError(PapersearchError):
    """"More like this" was asked about a passage, file, page, section or paper the index does not hold."""


class SkippedItemError(UnknownItemError):
    """"More like this" was asked about a file the last build skipped (unreadable, empty, ...):
    `path` and the build's `reason`. A build does not help until the file itself is fixed."""

    def __init__(self, path: str, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path} was skipped by the last build ({reason}), so the index holds none of its text.")
