"""The links on a paper card: arXiv, code and website, and the note's path. (The PDF itself is
opened per passage, at its page, from a served copy: ui/served_files.py.)"""

from __future__ import annotations

from papers import PaperRecord


def paper_links(record: PaperRecord) -> list[tuple[str, str | None]]:
    """(label, url) pairs in display order; a label without a url is shown as plain text."""
    links: list[tuple[str, str | None]] = []
    if record.arxiv:
        links.append(("arXiv", f"https://arxiv.org/abs/{record.arxiv}"))
    for label in ("code", "website"):
        for url in record.links.get(label, ())[:1]:
            if url.startswith("http"):
                links.append((label, url))
    for note in record.notes[:1]:
        links.append((f"note: `{note}`", None))
    return links
