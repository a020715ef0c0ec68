"""Results picked for export: a "Pick" box on every card, and the hits of the picked cards, which
the download buttons export instead of everything shown (ui/downloads.py).

A pick is a checkbox whose key names the card's view and its paper, file or passage, so it holds
across re-runs of the same search; a new query clears every pick (clear_picks).
"""

from __future__ import annotations

import streamlit as st

from search import DocumentResult, Hit, PaperResult

PREFIX = "pick:"


def paper_ident(paper: PaperResult) -> str:
    return paper.paper_id or f"file:{paper.hits[0].path}"


def pick_key(view: str, ident: str) -> str:
    return f"{PREFIX}{view}:{ident}"


def pick_box(column, view: str, ident: str) -> None:
    """The card's "Pick" checkbox, drawn in `column`."""
    column.checkbox("Pick", key=pick_key(view, ident), help="Export only the picked results (the buttons above the results).")


def picked_hits(view: str, papers: list[PaperResult], documents: list[DocumentResult], hits: list[Hit]) -> list[Hit]:
    """The shown hits of the cards picked in `view` ("paper", "file" or "passage"), in card order."""
    if view == "paper":
        return [hit for paper in papers if _ticked(view, paper_ident(paper)) for hit in paper.hits]
    if view == "file":
        return [hit for document in documents if _ticked(view, document.path) for hit in document.hits]
    return [hit for hit in hits if _ticked(view, hit.chunk_id)]


def clear_picks() -> None:
    for key in [key for key in st.session_state if str(key).startswith(PREFIX)]:
        del st.session_state[key]


def _ticked(view: str, ident: str) -> bool:
    return bool(st.session_state.get(pick_key(view, ident)))
