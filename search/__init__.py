"""Query → ranked hits: dense (FAISS) and lexical (BM25) rankings fused, filtered by what the
paper catalog knows, and grouped into files or papers."""

from search.errors import EmptyQueryError, InvalidQueryError, QueryTooLongError, SkippedItemError, UnknownItemError
from search.filters import ResultFilter, facet_values
from search.evidence import EvidenceSettings, weigh
from search.fusion import FusionSettings, Ranked, fuse
from search.results import (
    DocumentResult,
    Hit,
    PaperResult,
    SearchResponse,
    by_paper,
    papers_of,
    search_depth,
)
from search.script import query_language, script_of
from search.long_text import query_windows
from search.query_text import MAX_QUERY_CHARS, check_query_length, normalise_query
from search.searcher import MODES, Mode, Searcher
from search.similar import LikeTarget, parse_like
from search.marks import MARK_KIND, mark_pdf, marked_text, marks_on_page

__all__ = [
    "MARK_KIND", "mark_pdf", "marked_text", "marks_on_page",
    "DocumentResult", "EmptyQueryError", "EvidenceSettings", "FusionSettings", "Hit", "InvalidQueryError", "LikeTarget",
    "MAX_QUERY_CHARS", "MODES", "Mode", "PaperResult", "QueryTooLongError", "Ranked", "check_query_length",
    "ResultFilter", "SkippedItemError", "SearchResponse", "Searcher", "by_paper", "facet_values", "fuse", "normalise_query",
    "papers_of", "parse_like", "query_language", "query_windows", "script_of", "weigh", "search_depth", "UnknownItemError",
]
