"""The result downloads: passages as CSV, their papers as BibTeX and as a Markdown paper list —
the picked cards' when any is picked (ui/picks.py), else everything shown; the buttons say which.
Each file is written when its button is clicked (Streamlit calls ``data`` then), not on every run
of the page, as the Library's downloads are (ui/paper_downloads.py)."""

from __future__ import annotations

import streamlit as st

from export import hits_to_csv, to_bibtex, to_markdown_list
from papers import Catalog
from search import Hit, papers_of


def download_buttons(shown: list[Hit], catalog: Catalog, picked: list[Hit]) -> None:
    chosen = picked or shown
    papers = papers_of(chosen, catalog)
    which = "picked" if picked else "shown"
    name = "papersearch-picked" if picked else "papersearch-results"
    csv_column, bib_column, md_column = st.columns(3)
    csv_column.download_button(
        f"CSV of the {_count(len(chosen), 'passage')} {which}", data=lambda: hits_to_csv(chosen), file_name=f"{name}.csv",
        mime="text/csv", key="download", help="One row per passage. Tick “Pick” on cards to export only those.",
    )
    bib_column.download_button(
        f"BibTeX of the {_count(len(papers), 'paper')} {which}", data=lambda: to_bibtex(papers, catalog.citation_keys()),
        file_name=f"{name}.bib", mime="text/x-bibtex", key="download_bib", disabled=not papers,
    )
    md_column.download_button(
        f"Markdown list of the {_count(len(papers), 'paper')} {which}", data=lambda: to_markdown_list(papers),
        file_name=f"{name}.md", mime="text/markdown", key="download_md", disabled=not papers,
        help="In your notes' list style.",
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
