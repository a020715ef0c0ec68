"""Show a passage with the query's words marked, trimmed around the first match.

An English word is marked when it is a query word in another form (Snowball stems agree:
"aligned" for "alignment"), never because a query word sits inside it: "size" in "resized" or
"soft" in "softmax" is a different word. Chinese has no spaces, so Chinese runs and their
two-character pieces are marked wherever they occur.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import Stemmer

from corpus.syntax import HAN_RUN

_CJK_RUN = HAN_RUN
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+\-_.]*[A-Za-z0-9+]|[A-Za-z0-9]")
_STOP = {"a", "an", "and", "the", "of", "for", "in", "on", "to", "is", "are", "with", "by", "how", "what", "does"}


def query_terms(query: str) -> list[str]:
    """English words (no stop words) and Chinese runs; runs longer than two characters also
    contribute their two-character pieces, since Chinese words rarely match whole phrases."""
    terms = [w for w in _WORD.findall(query) if w.lower() not in _STOP]
    for run in _CJK_RUN.findall(query):
        terms.append(run)
        if len(run) > 2:
            terms.extend(run[i : i + 2] for i in range(len(run) - 1))
    return sorted(set(terms), key=len, reverse=True)


def highlight(text: str, query: str, width: int = 420) -> str:
    """HTML-escaped snippet of `text` with query terms wrapped in <mark>; line breaks are kept
    (blank lines dropped) so tables and lists stay readable under `white-space: pre-wrap`."""
    flat = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    marks = _Marks(query_terms(query))
    first = next(marks.spans(flat), None)
    start = max(0, first[0] - width // 3) if first and len(flat) > width else 0
    snippet = flat[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(flat) else ""
    pieces, position = [], 0
    for begin, end in marks.spans(snippet):
        pieces.append(html.escape(snippet[position:begin]))
        pieces.append(f"<mark>{html.escape(snippet[begin:end])}</mark>")
        position = end
    pieces.append(html.escape(snippet[position:]))
    return prefix + "".join(pieces) + suffix


class _Marks:
    """Where a text has the query's terms: (start, end) spans, in order, not overlapping."""

    def __init__(self, terms: list[str]):
        self.words = {_word_key(t) for t in terms if not _CJK_RUN.fullmatch(t)}
        chinese = [t for t in terms if _CJK_RUN.fullmatch(t)]  # longest first, as query_terms sorts
        self.chinese = re.compile("|".join(map(re.escape, chinese))) if chinese else None

    def spans(self, text: str):
        found = [m.span() for m in _WORD.finditer(text) if _word_key(m.group()) in self.words] if self.words else []
        if self.chinese is not None:
            found += [m.span() for m in self.chinese.finditer(text)]
        end = 0
        for span in sorted(found):
            if span[0] >= end:
                yield span
                end = span[1]


def _word_key(word: str) -> str:
    """A word as the query and the passage both reduce it: lower case, stemmed if alphabetic,
    identifiers compared by their letters and digits ("BasicVSR++" meets "BasicVSR")."""
    word = word.lower().rstrip("+")
    return _stemmer().stemWord(word) if word.isalpha() else word


@lru_cache(maxsize=1)
def _stemmer():
    return Stemmer.Stemmer("english")
