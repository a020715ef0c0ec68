"""Authors printed on page 1 of a PDF, for the papers whose metadata names none (#26: most
publishers' and arXiv's PDFs leave /Author empty).

Read conservatively, because a wrong author is worse than none: only the lines right under the
title, in the title's order, up to the abstract; a block of such lines is taken only when every
part of it is a person's name once footnote and affiliation marks ("Zeng1,2", "Vaswani∗") are read
as separators. A line with an address, an affiliation word, a URL, or a name list that cannot be
split (names separated by spaces alone) ends the block, and an unsplittable block gives nothing.
A lone name is taken only with an author mark (∗, †, 1), which tells it from "Google Brain".
Latin-script names only; a Chinese cover's names are left to the metadata.
"""

from __future__ import annotations

import re

from corpus import HeadLine
from papers.pdf_title import _ABSTRACT, _AFFILIATION, _EMAIL, _FOOTNOTE_MARKS, _FUNCTION_WORDS

_SCAN_LINES = 30  # lines after the title searched for names
_MAX_AUTHORS = 40
_MARK = re.compile(r"(?<=[^\W\d_.])(?:\d+(?:\s?,\s?\d+)*|[" + re.escape(_FOOTNOTE_MARKS) + r"]+)+|[" +
                   re.escape(_FOOTNOTE_MARKS) + r"]+")
_IEEE = re.compile(r",?\s*(?:Senior\s+|Student\s+|Life\s+)?(?:Member|Fellow),?\s+IEEE", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*|\s*;\s*|\s*·\s*")
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "la", "le", "dos", "bin", "al"}
_INITIALS = re.compile(r"[A-Z]\.(?:-?[A-Z]\.)*")
_NOT_NAMES = re.compile(r"https?://|www\.|\.com\b|\.org\b|github|\bFigure\b|\bTable\b", re.IGNORECASE)


def authors_from_head_lines(lines: tuple[HeadLine, ...], title: str | None) -> tuple[str, ...]:
    """The names printed under `title` on page 1, or () when they cannot be read with confidence."""
    start = _after_title(lines, title)
    if start is None:
        return ()
    names: list[str] = []
    block: list[str] = []
    for line in lines[start:start + _SCAN_LINES]:
        text = line.text.strip()
        if _ABSTRACT.match(text):
            break
        if _ends_block(text):
            names += _names_of(block)
            block = []
            continue
        block.append(text)
    else:
        names += _names_of(block)
        block = []
    names += _names_of(block)
    return tuple(dict.fromkeys(names))[:_MAX_AUTHORS]


def _after_title(lines: tuple[HeadLine, ...], title: str | None) -> int | None:
    """The index of the first line after the title's lines; None if the title is not found."""
    if not title:
        return None
    folded = " ".join(title.split()).casefold()
    found = None
    for index, line in enumerate(lines[:20]):
        text = " ".join(line.text.split()).casefold().strip(" :")
        if text and len(text) >= 3 and text in folded:
            found = index
        elif found is not None:
            return found + 1
    return None if found is None else found + 1


def _ends_block(text: str) -> bool:
    return bool(_EMAIL.search(text) or "@" in text or _AFFILIATION.search(text) or _NOT_NAMES.search(text)
                or not re.search(r"[A-Za-z]{2}", text))


def _names_of(block: list[str]) -> list[str]:
    """Every name of a block, or none of them when any part is not a name."""
    if not block:
        return []
    text = _IEEE.sub(",", " ".join(block))
    marked = bool(_MARK.search(text))
    text = _MARK.sub(",", text)
    parts = [part.strip(" .,") for part in _SEPARATORS.split(text)]
    parts = [re.sub(r"^and\s+", "", part) for part in parts if part.strip(" .,")]
    if not parts or not all(_is_name(part) for part in parts):
        return []
    if len(parts) == 1 and not marked:
        return []  # "Google Brain" and "Max Welling" look alike: a lone name needs its author mark
    return [" ".join(part.split()) for part in parts]


def _is_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 5:
        return False
    if any(word.casefold() in _FUNCTION_WORDS - {"da", "de"} for word in words):
        return False
    capitalised = [word for word in words if word.casefold() not in _PARTICLES]
    full = [word for word in capitalised if not _INITIALS.fullmatch(word)]
    return (len(capitalised) >= 2 and 1 <= len(full) <= 3  # "Phillip Isola Alexei A. Efros" is two names
            and all(_word(word) for word in capitalised)
            and words[-1].casefold() not in _PARTICLES and not text.isupper())


def _word(word: str) -> bool:
    """A capitalised name word in any Latin script ("Łukasz", "Jégou", "Jun-Yan", "O’Neil") or initials."""
    return bool(_INITIALS.fullmatch(word)) or (
        word[0].isupper() and all(char.isalpha() or char in ".'’-" for char in word) and not word.isupper()
        or len(word) == 1 and word.isupper())
