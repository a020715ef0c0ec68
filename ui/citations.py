"""A paper's citations inside the library: "cites N · cited by M in your library", opening into
the titles of those papers, each a button: on a card it searches for that paper, in the Library
view it opens that paper.

The researcher's next question after a hit is which of its references they already have and who
in their library builds on it; the links come from the catalog (papers/citation_links.py), so
showing them reads no PDF.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from papers import Catalog, PaperRecord, citation_line
from ui.inert_text import markdown_text as md

MAX_LISTED = 50  # a survey may cite hundreds; the first ones by title are enough to pick from


def show_citations(record: PaperRecord, catalog: Catalog, key: str, on_open: Callable[[str], None] | None,
                   open_help: str = "Search for this paper") -> None:
    """The citation line of a card or of the Library's opened paper; nothing when the paper neither
    cites nor is cited in the library."""
    if not record.cites and not record.cited_by:
        return
    with st.expander(citation_line(len(record.cites), len(record.cited_by))):
        for label, ids in (("Cites", record.cites), ("Cited by", record.cited_by)):
            papers = cited_papers(catalog, ids)
            if not papers:
                continue
            st.caption(f"{label} {len(papers)} in your library")
            for paper in papers[:MAX_LISTED]:
                title = f"{paper.title} ({paper.year})" if paper.year else paper.title
                if on_open is None:
                    st.markdown(f"- {md(title)}")
                else:
                    st.button(title, key=f"{key}-{label}-{paper.paper_id}", on_click=on_open, args=(paper.paper_id,),
                              help=open_help, type="tertiary", icon=":material/arrow_forward:")


def cited_papers(catalog: Catalog, ids: tuple[str, ...]) -> list[PaperRecord]:
    """The records of ``ids`` the catalog holds, by title."""
    found = [catalog.paper(paper_id) for paper_id in ids]
    return sorted((p for p in found if p is not None), key=lambda p: p.title.casefold())
