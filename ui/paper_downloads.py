"""Download buttons for a set of papers — BibTeX, a Markdown paper list and CSV, the writers of
`papers --bibtex / --markdown / --csv` (export/) — for the papers the Library view's filters keep.

The files are made only when a button is clicked (Streamlit calls ``data`` then): a filter over
10,000 papers redraws the table without writing three exports it may never need, and a click
does not rerun the page. The Markdown list links files from the library's top folder
(``./pdfs/a.pdf``): a download has no folder of its own (export/paper_list.py)."""

from __future__ import annotations

from typing import Callable, Sequence

import streamlit as st

from export import papers_to_csv, to_bibtex, to_markdown_list
from papers import Catalog, PaperRecord


def paper_downloads(papers: Callable[[], Sequence[PaperRecord]], count: int, catalog: Catalog, key: str,
                    file_stem: str) -> None:
    """Three buttons side by side; ``papers`` gives the records, in the order shown, when asked."""
    bib_column, md_column, csv_column = st.columns(3)
    keys = catalog.citation_keys
    for column, label, suffix, mime, write in (
        (bib_column, "BibTeX", "bib", "text/x-bibtex", lambda: to_bibtex(papers(), keys())),
        (md_column, "Markdown paper list", "md", "text/markdown", lambda: to_markdown_list(papers())),
        (csv_column, "CSV", "csv", "text/csv", lambda: papers_to_csv(papers(), keys())),
    ):
        column.download_button(
            f"{label} of these {count:,} papers" if count != 1 else f"{label} of this paper",
            data=write, file_name=f"{file_stem}.{suffix}", mime=mime, key=f"{key}_{suffix}",
            disabled=not count, on_click="ignore",
            help="Every paper the filters keep (all pages), in the table's order; keys and columns as "
                 "`papersearch papers --bibtex / --markdown / --csv` write them.",
        )
