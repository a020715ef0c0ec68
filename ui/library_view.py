"""The Library view beside Search: every paper of the catalog as a table that sorts, filters and
pages (10,000 papers stay quick: only one page is drawn), the papers the filters keep to download
as BibTeX, a Markdown list or CSV (ui/paper_downloads.py), the library's health in plain words with
what to do, and one paper opened with its files, list entries, notes and marks."""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from library import Library, health_in_words
from papers import Catalog
from ui.citations import show_citations
from ui.inert_text import markdown_text as md
from ui.library_table import READ_CHOICES, SHOWN_COLUMNS, SORTS, TableQuery, kept_rows, page_of_kept, papers_frame
from ui.paper_downloads import paper_downloads
from ui.paper_view import show_paper

PER_PAGE = [25, 50, 100, 200]
FOLLOWED = "lib_followed"  # a paper opened by following a citation: it need not be on this page


@st.cache_data(show_spinner=False, max_entries=4)
def cached_frame(key: tuple, _catalog: Catalog) -> pd.DataFrame:
    """The table of a build with its marks (`key`: library, build, marks version)."""
    return papers_frame(_catalog)


def library_view(lib: Library, catalog: Catalog, key: tuple) -> None:
    error = st.session_state.pop("mark_error", None)
    if error:
        st.error(md(error))
    frame = cached_frame(key, catalog)
    started = time.perf_counter()
    query, page_column = table_controls(catalog)
    kept = kept_rows(frame, query)
    rows, total, last = page_of_kept(kept, query)
    if query.page > last:  # fewer pages since the filter changed: the last one, set before its widget exists
        st.session_state["lib_page"] = last
    page_column.number_input(f"Page (of {last:,})", min_value=1, max_value=last, step=1, key="lib_page")
    shown_from = 0 if total == 0 else (min(query.page, last) - 1) * query.per_page + 1
    st.caption(f"Papers {shown_from:,}–{shown_from + len(rows) - 1 if total else 0:,} of {total:,}"
               + (f" (of {len(frame):,} in the library)" if total != len(frame) else "")
               + f" · page {min(query.page, last)} of {last} · {(time.perf_counter() - started) * 1000:.0f} ms. "
               "Read “(note)”: counted as read because you have a note on it, until you mark it otherwise.")
    ids = list(kept["paper_id"])
    paper_downloads(lambda: [p for p in map(catalog.paper, ids) if p is not None], total, catalog, "library_download",
                    "papersearch-library")
    if total:
        table = rows[SHOWN_COLUMNS].copy()
        table.index = range(shown_from, shown_from + len(rows))
        st.table(table)
    else:
        st.info("No paper matches these filters.")
    titles = dict(zip(rows["paper_id"], rows["Title"]))
    opened = catalog.paper(st.session_state.get("lib_open") or "")
    if opened is not None and opened.paper_id not in titles:  # marked out of this filter or page: it stays open
        titles[opened.paper_id] = opened.title
    chosen = None
    if titles:
        chosen = st.selectbox("Open a paper on this page", list(titles), index=None, format_func=titles.get,
                              key="lib_open", placeholder="Choose a paper to see its files, notes and marks",
                              on_change=lambda: st.session_state.pop(FOLLOWED, None))
    opened_paper(lib, catalog, st.session_state.get(FOLLOWED) or chosen)  # a followed citation shows on any filter
    health_panel(lib, key[:3])


def opened_paper(lib: Library, catalog: Catalog, paper_id: str | None) -> None:
    """The opened paper and the papers it cites or that cite it, each opening in its place."""
    record = catalog.paper(paper_id) if paper_id else None
    if record is None:
        return
    if st.session_state.get(FOLLOWED) == paper_id:
        st.caption("Opened from a citation. Choose a paper above to go back to this page's papers.")
    all_tags = sorted({tag for paper in catalog.papers for tag in paper.marked_tags}, key=str.casefold)
    show_paper(lib, record, all_tags, catalog)
    show_citations(record, catalog, f"lib-cite-{record.paper_id}",
                   on_open=lambda cited: st.session_state.update({FOLLOWED: cited}), open_help="Open this paper here")


def table_controls(catalog: Catalog):
    """Filters and sort above the table, and the column the page number goes in (drawn once the
    number of pages is known); any change of filter or sort goes back to page 1."""
    back_to_first = {"on_change": lambda: st.session_state.update(lib_page=1)}
    text_column, read_column, tag_column, sort_column = st.columns([4, 2, 2, 2])
    text = text_column.text_input("Find in titles and authors", key="lib_text", **back_to_first)
    read = read_column.selectbox("Read", READ_CHOICES, key="lib_read", **back_to_first)
    tags = sorted({tag for record in catalog.papers for tag in record.tags}, key=str.casefold)
    tag = tag_column.selectbox("Tag", ["any", *tags], key="lib_tag", **back_to_first)
    sort = sort_column.selectbox("Sort by", list(SORTS), key="lib_sort", **back_to_first)
    note_column, pdf_column, size_column, page_column = st.columns([2, 2, 2, 2])
    has_note = note_column.checkbox("Has a note", key="lib_note", **back_to_first)
    has_pdf = pdf_column.checkbox("Has a PDF", key="lib_pdf", **back_to_first)
    per_page = size_column.selectbox("Per page", PER_PAGE, index=1, key="lib_per_page", **back_to_first)
    page = int(st.session_state.setdefault("lib_page", 1))
    return TableQuery(text, read, has_note, has_pdf, None if tag == "any" else tag, sort, page, per_page), page_column


@st.cache_data(show_spinner="Checking the library…", max_entries=4)
def cached_health(key: tuple, _lib: Library) -> list:
    """Health of one build (`key`: library, build): its duplicate check compares every title with
    every other, seconds at 10,000 papers, so it runs once per build and only when asked."""
    return health_in_words(_lib.health())


def health_panel(lib: Library, key: tuple) -> None:
    """What needs the researcher's eye, in plain words, each kind with its fix (library/health_words.py)."""
    if not st.toggle("Check the library's health", key="lib_health",
                     help="PDFs without text, links to missing files, PDFs no note mentions, papers recorded twice."):
        return
    topics = cached_health(key, lib)
    if not topics:
        st.success("Nothing needs your attention: every PDF has text, every link in your notes leads to a file, every "
                   "PDF is mentioned by a note, and no paper seems recorded twice.")
    for topic in topics:
        with st.container(border=True):
            st.markdown(f"**{md(topic.title)}.** {md(topic.fix)}")
            st.markdown("\n".join(f"- {md(item)}" for item in topic.items[:200]))
            if len(topic.items) > 200:
                st.caption(f"… and {len(topic.items) - 200} more (`papers --health` lists them all).")
