"""The Library view's table as data: every paper one row, filtered, sorted and cut into pages.

Kept apart from the widgets (ui/library_view.py) so that a page of 10,000 papers is a few
vectorised pandas steps whose speed and order can be tested without a browser: the frame is made
once per build and marks version (the page caches it), and each page run filters, sorts and
slices it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from papers import Catalog, PaperRecord

READING_LABELS = {"read": "read", "unread": "unread", "to-read": "to read", None: ""}
SORTS = {  # label -> (columns, ascending); ties fall back to the title
    "Title A→Z": (["sort_title"], [True]),
    "Year, newest first": (["year", "sort_title"], [False, True]),
    "Year, oldest first": (["year", "sort_title"], [True, True]),
    "Venue": (["sort_venue", "sort_title"], [True, True]),
    "First author": (["sort_author", "sort_title"], [True, True]),
    "Reading status": (["reading_order", "sort_title"], [True, True]),
}
READ_CHOICES = ["any", "read", "unread", "to read", "not marked"]
SHOWN_COLUMNS = ["Title", "Authors", "Year", "Venue", "Read", "Note", "PDF", "Tags"]


@dataclass(frozen=True)
class TableQuery:
    text: str = ""  # words that must all appear in the title or the authors, any case
    read: str = "any"  # one of READ_CHOICES
    has_note: bool = False
    has_pdf: bool = False
    tag: str | None = None
    sort: str = "Title A→Z"
    page: int = 1  # 1-based
    per_page: int = 50


def papers_frame(catalog: Catalog) -> pd.DataFrame:
    """One row per paper with what the table shows and what it sorts and filters on."""
    rows = [_row(record) for record in catalog.papers]
    frame = pd.DataFrame(rows, columns=[*SHOWN_COLUMNS, "paper_id", "year", "reading", "tags", "search_text",
                                        "sort_title", "sort_venue", "sort_author", "reading_order"])
    frame["year"] = frame["year"].astype("Int64")
    return frame


def _row(record: PaperRecord) -> list:
    authors = ", ".join(record.authors[:3]) + (" et al." if len(record.authors) > 3 else "")
    reading = READING_LABELS[record.reading] + (" (note)" if record.read_source == "note" else "")
    return [
        record.title, authors, "" if record.year is None else str(record.year), record.venue or "", reading,
        "yes" if record.notes else "", "yes" if record.pdfs else "", ", ".join(record.tags),
        record.paper_id, record.year, record.reading or "", tuple(t.casefold() for t in record.tags),
        f"{record.title} {' '.join(record.authors)}".casefold(), record.title.casefold(),
        (record.venue or "\uffff").casefold(), (record.authors[0].casefold() if record.authors else "\uffff"),
        {"to-read": 0, "unread": 1, "read": 2}.get(record.reading, 3),
    ]


def page_of(frame: pd.DataFrame, query: TableQuery) -> tuple[pd.DataFrame, int, int]:
    """(the rows of the asked page, the number of rows the filters keep, the last page number);
    a page beyond the last gives the last."""
    return page_of_kept(kept_rows(frame, query), query)


def kept_rows(frame: pd.DataFrame, query: TableQuery) -> pd.DataFrame:
    """Every row the filters keep, in the asked order (all pages)."""
    kept = frame
    for word in query.text.casefold().split():
        kept = kept[kept["search_text"].str.contains(word, regex=False)]
    if query.read == "not marked":
        kept = kept[kept["reading"] == ""]
    elif query.read != "any":
        kept = kept[kept["reading"] == query.read.replace("to read", "to-read")]
    if query.has_note:
        kept = kept[kept["Note"] == "yes"]
    if query.has_pdf:
        kept = kept[kept["PDF"] == "yes"]
    if query.tag:
        wanted = query.tag.casefold()
        kept = kept[kept["tags"].map(lambda tags: wanted in tags)]
    columns, ascending = SORTS[query.sort]
    return kept.sort_values(columns, ascending=ascending, na_position="last", kind="stable")


def page_of_kept(kept: pd.DataFrame, query: TableQuery) -> tuple[pd.DataFrame, int, int]:
    """``page_of`` for rows already filtered and sorted (``kept_rows``)."""
    total = len(kept)
    last = max(1, -(-total // query.per_page))
    page = min(max(1, query.page), last)
    start = (page - 1) * query.per_page
    return kept.iloc[start:start + query.per_page], total, last
