"""The one shape a reader's own mark takes as a passage, wherever it was made: in Zotero
(``corpus.zotero.documents``) or inside the PDF by any reader (``corpus.pdf_annotations``).

A mark is one section of kind ``annotation``: the marked text, then the comment, on its page,
under a heading that says whose it is, what it is and its colour ("your highlight (yellow)").
Search, filters and cards read that heading back (``mark_of_heading``), so both sources are
treated the same and the index needs no column of its own for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.documents import Section

# Zotero's palette, which most readers' defaults sit close to; another colour takes the nearest name.
COLOUR_NAMES = {"#ffd400": "yellow", "#ff6666": "red", "#5fb236": "green", "#2ea8e5": "blue",
                "#a28ae5": "purple", "#e56eee": "magenta", "#f19837": "orange", "#aaaaaa": "grey"}
COLOURS = tuple(dict.fromkeys(COLOUR_NAMES.values()))  # the names a colour filter offers
COMMENT_KINDS = ("note", "text", "freetext", "comment")  # marks that are only a comment
MAX_MARK_CHARS = 4000  # a highlight over whole pages is a passage, not a mark: cut at this length
_HEADING = re.compile(r"^your (highlight|underline|squiggly|strikeout|comment|image|ink)(?: \(([a-z]+|#[0-9a-f]{6})\))?$")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Mark:
    """What a passage's heading says about the reader's mark."""

    what: str  # "highlight", "underline", "squiggly", "strikeout", "comment", ...
    colour: str | None  # a name from COLOURS, or None


def annotation_section(kind: str, text: str, comment: str, colour: str, page: int | None) -> Section | None:
    """The passage of one mark, or None when it has no words (an empty highlight, an ink stroke)."""
    text, comment = text.strip()[:MAX_MARK_CHARS], comment.strip()[:MAX_MARK_CHARS]
    if not (text or comment):
        return None
    parts = [text] if text else []
    if comment:
        parts.append(f"Comment: {comment}" if text else comment)
    what = "comment" if kind in COMMENT_KINDS or not text else kind
    name = colour_name(colour)
    heading = f"your {what} ({name})" if name else f"your {what}"
    return Section(text="\n".join(parts), page=page, heading_path=(heading,))


def colour_name(colour: str) -> str | None:
    """A "#rrggbb" colour by its palette name: exact for Zotero's own, else the nearest one."""
    colour = (colour or "").strip().lower()
    if colour in COLOUR_NAMES:
        return COLOUR_NAMES[colour]
    if not _HEX.match(colour):
        return None
    rgb = _rgb(colour)
    return min(COLOUR_NAMES.items(), key=lambda item: sum((a - b) ** 2 for a, b in zip(_rgb(item[0]), rgb)))[1]


def colour_hex(name: str | None) -> str | None:
    """The palette colour of a name (for painting a mark)."""
    return next((code for code, known in COLOUR_NAMES.items() if known == name), None)


def mark_of_heading(heading: str | None) -> Mark | None:
    """The mark a passage's heading describes; None for any other passage's heading."""
    found = _HEADING.match(heading or "")
    return Mark(found.group(1), found.group(2)) if found else None


def _rgb(code: str) -> tuple[int, int, int]:
    return int(code[1:3], 16), int(code[3:5], 16), int(code[5:7], 16)
