"""A query as the user typed it, made into the text search reads."""

from __future__ import annotations

from search.errors import EmptyQueryError, InvalidQueryError, QueryTooLongError

MAX_QUERY_CHARS = 100_000
"""The longest query text searched, in characters: about 40 pages, far above any abstract or
section a researcher pastes. Every edge (the CLI's QUERY, --query-file and stdin, the page's pasted
text, the MCP tools and the JSON API) refuses a longer one, because a long text is embedded window
by window and BM25-scored token by token with no progress shown: a pasted 2 MB took 563 s."""


def normalise_query(query: str) -> str:
    """Collapse whitespace; an empty query is an error the user should see, not zero results, and
    one over MAX_QUERY_CHARS (counted as given) is refused with its length and the limit."""
    check_query_length(query)
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


def check_query_length(query: str, limit: int = MAX_QUERY_CHARS) -> None:
    """Raises QueryTooLongError for a text over `limit` characters."""
    if len(query) > limit:
        raise QueryTooLongError(len(query), limit)
