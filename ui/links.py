"""The links on a paper card: arXiv, code and website, and the note's path. (The PDF itself is
opened per passage, at its page, from a served copy: ui/served_files.py.)"""

from __future__ import annotations

import re

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


_ZOTERO_LINK = re.compile(r"^zotero://(select|open-pdf)/(?:library|groups/\d+)/items/[23456789A-Z]{8}(?:\?page=\d+)?$")


def zotero_links(links: tuple[str, ...]) -> list[tuple[str, str]]:
    """(label, url) for a passage's zotero:// links: select the item, open the PDF at the page.
    Only links of exactly that form (made from the index's names, corpus/zotero/names.py)."""
    found = []
    for url in links:
        match = _ZOTERO_LINK.match(url)
        if match:
            page = url.rsplit("?page=", 1)[1] if "?page=" in url else None
            label = "Show in Zotero" if match.group(1) == "select" else (
                f"Open in Zotero at p. {page}" if page else "Open in Zotero")
            found.append((label, url))
    return found
