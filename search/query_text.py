"""A query as the user typed it, made into the text search reads."""

from __future__ import annotations

from search.errors import EmptyQueryError, InvalidQueryError


def normalise_query(query: str) -> str:
    """Collapse whitespace; an empty query is an error the user should see, not zero results."""
    query = " ".join(_as_text(query).split())
    if not query:
        raise EmptyQueryError("The query is empty. Type a few words describing what you are looking for.")
    return query


def _as_text(query: str) -> str:
    """A query typed in a terminal that is not UTF-8 reaches Python as undecodable bytes (lone
    surrogates). A GBK terminal is the usual cause for Chinese queries, so read them as GB18030."""
    try:
        query.encode("utf-8")
        return query
    except UnicodeEncodeError:
        pass
    try:
        return query.encode("utf-8", "surrogateescape").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        raise InvalidQueryError(
            "The query is not valid text: its bytes are neither UTF-8 nor GBK. Type it in a UTF-8 terminal, "
            "or save the query file as UTF-8."
        ) from None
