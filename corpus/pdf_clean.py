"""Make extracted PDF page text read like prose.

Extractors return lines as laid out on the page: words hyphenated at line ends, ligatures,
ragged whitespace, and the same running header/footer on every page. These functions undo that.
pdfium (``corpus.pdf_text``) already joins a word hyphenated across lines and marks the join
with U+0002 ("solubil\x02ity"; U+FFFE from its other text call), which ``_split_lines`` turns back into prose.
``clean_line`` does the same for one line (a title, a metadata field, a line of page 1).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from corpus.syntax import CJK_PUNCTUATION, FULLWIDTH, HAN, SPACES

_EDGE_LINES = 3  # how many lines at the top and bottom of a page may be header/footer
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE)
_HYPHENATED_END = re.compile(r"[A-Za-z]{2,}-$")
_CJK = re.compile(f"[{CJK_PUNCTUATION}{HAN}{FULLWIDTH}]")  # no space between lines of these
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# pdfium's mark for a hyphen at a line end: dropped inside a word (as _join_lines does), else "-"
_PDFIUM_SOFT_HYPHEN = re.compile(r"(?<=[A-Za-z]{2})[\x02\ufffe]\s*(?=[a-z])")
_PDFIUM_HYPHEN = re.compile(r"[\x02\ufffe]")
_LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl"})
# pypdf leaves a detached accent after its letter ("Balaˇzevi´c", "H ́enaff"): drop the accent.
_LOOSE_ACCENTS = re.compile(r"\s?[\u00b4\u02c6\u02c7\u02d8\u02d9\u02da\u02db\u02dc\u02dd\u00a8\u0060\u0301\u0300\u0308]")


def clean_pages(raw_pages: list[str]) -> list[str]:
    """Clean every page; running headers/footers are found across pages, so this takes them all."""
    pages = [_split_lines(text) for text in raw_pages]
    repeated = _running_lines(pages)
    return [_join_lines(_drop_edges(lines, repeated)) for lines in pages]


def _split_lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text)
    text = _PDFIUM_HYPHEN.sub("-", _PDFIUM_SOFT_HYPHEN.sub("", text))
    text = _CONTROL.sub(" ", text)
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip()]


def _edge_key(line: str) -> str:
    """Numbers vary between pages (page numbers, dates): compare lines with digits masked."""
    return re.sub(r"\d+", "#", line.lower())


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Edge-line keys that recur on at least half the pages (and on three or more)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edges = lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]
        counts.update({_edge_key(line) for line in edges})
    threshold = max(3, len(pages) / 2)
    return {key for key, count in counts.items() if count >= threshold}


def _drop_edges(lines: list[str], repeated: set[str]) -> list[str]:
    """The page without its running header/footer lines. Repetition alone never empties a page:
    when every line recurs (the same short text on every page) it is the content, and is kept."""
    def is_furniture(index: int, line: str, repeated: set[str]) -> bool:
        at_edge = index < _EDGE_LINES or index >= len(lines) - _EDGE_LINES
        return at_edge and (_edge_key(line) in repeated or bool(_PAGE_NUMBER.match(line)))

    kept = [line for i, line in enumerate(lines) if not is_furniture(i, line, repeated)]
    return kept or [line for i, line in enumerate(lines) if not is_furniture(i, line, set())]


def _join_lines(lines: list[str]) -> str:
    """One paragraph per page: de-hyphenate across line ends, no spaces between CJK lines.

    Built from pieces, looking only at the last characters so far: growing one string and
    searching all of it for a hyphen at its end took time quadratic in the page's lines."""
    pieces: list[str] = []
    tail = ""  # the last three characters joined so far (all _HYPHENATED_END needs)
    for line in lines:
        if not tail:  # nothing joined yet
            pieces.append(line)
            tail = line[-3:]
        elif _HYPHENATED_END.search(tail) and line[:1].islower():
            pieces[-1] = pieces[-1][:-1]
            pieces.append(line)
            tail = (tail[:-1] + line)[-3:]
        elif _CJK.match(tail[-1]) and _CJK.match(line[0]):
            pieces.append(line)
            tail = (tail + line)[-3:]
        else:
            pieces.append(" " + line)
            tail = (tail + " " + line)[-3:]
    return "".join(pieces)


def clean_line(text: str) -> str:
    """One line of PDF text as a reader sees it: NFKC, ligatures spelled out, detached accents
    and control characters gone, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text.translate(_LIGATURES))
    text = _LOOSE_ACCENTS.sub("", text)
    text = re.sub(r"[\x00-\x1f\x7f]", " ", text)
    return SPACES.sub(" ", text).strip()
