"""The links on a paper card: arXiv, code and website, the local PDF at the best passage's page,
and the note's path."""

from __future__ import annotations

from pathlib import Path

from papers import PaperRecord
from search import Hit


def paper_links(record: PaperRecord, library: Path, hits: tuple[Hit, ...]) -> list[tuple[str, str | None]]:
    """(label, url) pairs in display order; a label without a url is shown as plain text."""
    links: list[tuple[str, str | None]] = []
    if record.arxiv:
        links.append(("arXiv", f"https://arxiv.org/abs/{record.arxiv}"))
    for label in ("code", "website"):
        for url in record.links.get(label, ())[:1]:
            if url.startswith("http"):
                links.append((label, url))
    page = next((hit.page for hit in hits if hit.page is not None), 1)
    for pdf in record.pdfs[:1]:
        links.append((f"local PDF, p. {page}", f"{(library / pdf).resolve().as_uri()}#page={page}"))
    for note in record.notes[:1]:
        links.append((f"note: `{note}`", None))
    return links
