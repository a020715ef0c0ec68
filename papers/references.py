"""A PDF's reference list, cut into its entries.

Bibliography detection (corpus/bibliography.py) marks which passages are reference text; to say
which papers a paper cites, that text must be cut into one entry per cited work. Three styles
cover the papers researchers keep:

- numbered in brackets, ``[1] A. Author. Title. In CVPR, 2020.`` (also ``[1] 张三. 标题[J]. ...``);
- numbered with a dot at a line's start, ``1. Author, A.: Title. In: ECCV (2020)``;
- author-year, one entry per paragraph, ``Jimmy Lei Ba, ... Layer normalization. arXiv ..., 2016.``
  starting on a new line after a line that ends an entry (a year, pages or a URL, then a dot).

Numbers must run on (1, 2, 3 ...): the longest such chain of markers is taken, so a bracketed
citation or page number inside an entry does not start a new one; markers that open a line are
tried first (the PDF text keeps the list's line breaks), markers anywhere when lines were lost. Every step is a regular scan or
a dictionary lookup per marker: linear in the text, whatever the input. Sizes are capped
(``MAX_TEXT_CHARS`` of reference text per paper, ``MAX_ENTRIES`` entries, ``MAX_ENTRY_CHARS`` per
entry, longer ones are cut) because a failed detection can hand over a whole book.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

MAX_TEXT_CHARS = 400_000  # ~250 pages of references; more is not a reference list
MAX_ENTRIES = 2_000
MAX_ENTRY_CHARS = 1_500  # real entries are under ~600 characters
MIN_CHAIN = 3  # markers that must run on before a numbered style is believed
_OVERLAP_WINDOW = 4_000  # passages share at most a few sentences (chunk overlap)
MAX_PAGE_PASSAGES = 200  # ordering compares every pair of a page's passages
_MIN_OVERLAP = 20  # fewer shared characters are chance, not overlap

_BRACKET_LINE = re.compile(r"(?m)^[ \t]*\[(\d{1,4})\]")  # markers that open a line are believed first
_BRACKET = re.compile(r"\[(\d{1,4})\]")
_DOTTED = re.compile(r"(?m)^[ \t]*(\d{1,4})\.[ \t]+(?=\S)")
_DOTTED_INLINE = re.compile(r"(?<![\w.,:/–-])(\d{1,3})\. (?=[A-Z\u00c0-\u024f])")  # not a year  # the PDF text lost its lines
# Where an author-year entry ends and the next begins, when the text has no line breaks: a year,
# pages or a URL and a dot, then an author list ("Ba, J. L., Kiros," / "Jimmy Lei Ba, Jamie" /
# "Kaiming He and" / "D. Arpit, S.").
_NAME = r"[A-Z\u00c0-\u024f][\w'’\u00c0-\u024f-]{1,30}"
_AUTHOR_START = re.compile(
    r"(?:(?<=\b(?:19|20)\d\d\.)|(?<=\b(?:19|20)\d\d[a-z]\.)|(?<=\d\.)|(?<=\)\.))\s+(?:\d{1,3}(?:, ?\d{1,3}){0,12}\s+)?"
    r"(?=" + _NAME + r", (?:[A-Z]\.|[A-Z]{1,3}[,.])|(?:" + _NAME + r" ){1,3}" + _NAME + r"(?:,| and )|"
    r"(?:[A-Z]\.[ -]?){1,3}" + _NAME + r"(?:,| and |\. ))"
)
_LINE = re.compile(r"[^\n]*(?:\n|$)")
# A line that can end an author-year entry: a year, pages, a volume or an id, then a dot; or a URL.
_ENTRY_END = re.compile(r"(?:\b(?:19|20)\d{2}[a-z]?\)?|\d{1,6}|https?://\S{1,300})\.?[ \t]*$")
_ENTRY_START = re.compile(r"^[ \t]*[A-Z\u00c0-\u024f\u4e00-\u9fff]")
_HEADING = re.compile(r"(?:References|REFERENCES|Bibliography|BIBLIOGRAPHY|参\s?考\s?文\s?献)\s*")
_HEADING_REACH = 3_000  # the heading sits in the passage that starts the list, when it was given


@dataclass(frozen=True)
class ReferenceEntry:
    """One cited work as the list writes it; ``number`` is its marker for numbered styles."""

    position: int  # 0-based order within the paper's list
    number: int | None
    text: str

    @property
    def key(self) -> str:
        """A short stable name of the entry's text (its first 12 hex of SHA-1 over single-spaced
        text), so a label can name an entry without copying it."""
        return hashlib.sha1(" ".join(self.text.split()).encode("utf-8")).hexdigest()[:12]


def reading_order(passages: list[tuple[int | None, str]]) -> list[str]:
    """The texts of (page, text) passages in reading order: by page, and within a page each
    passage after the one whose end it repeats (the chunker's overlap), since an index does not
    keep its passages in order (a staged build stores them longest first). Passages no overlap
    places keep their given order. A page of more than ``MAX_PAGE_PASSAGES`` keeps it too."""
    pages: dict[int, list[str]] = {}
    for page, text in passages:
        pages.setdefault(-1 if page is None else int(page), []).append(text)
    ordered: list[str] = []
    for page in sorted(pages):
        ordered.extend(_chained(pages[page]))
    return ordered


def _chained(texts: list[str]) -> list[str]:
    if len(texts) > MAX_PAGE_PASSAGES:
        return texts
    successor: dict[int, int] = {}
    has_predecessor: set[int] = set()
    for a, first in enumerate(texts):
        best = max(((_overlap(first, second), b) for b, second in enumerate(texts) if b != a and b not in has_predecessor),
                   default=(0, -1))
        if best[0]:
            successor[a] = best[1]
            has_predecessor.add(best[1])
    starts = sorted((i for i in range(len(texts)) if i not in has_predecessor), key=lambda i: _first_number(texts[i]))
    ordered, seen = [], set()
    for start in starts + list(range(len(texts))):
        current = start
        while current not in seen and current >= 0:
            seen.add(current)
            ordered.append(texts[current])
            current = successor.get(current, -1)
    return ordered


def _first_number(text: str) -> tuple[int, int]:
    """Where a passage that no overlap places goes: the list's heading first, then by its first
    bracketed entry number (numbered lists), else where it was."""
    if _HEADING.search(text[:_HEADING_REACH]):
        return (0, 0)
    marker = _BRACKET.search(text)
    return (1, int(marker.group(1))) if marker else (2, 0)


def join_passages(texts: list[str]) -> str:
    """The reference text of consecutive passages, each passage's overlap with the one before
    (the chunker repeats a tail of sentences) dropped, so no entry is read twice."""
    parts: list[str] = []
    previous = ""
    for text in texts:
        overlap = _overlap(previous, text)
        parts.append(text[overlap:])
        previous = text
    return "\n".join(part for part in parts if part.strip())


def _overlap(previous: str, text: str) -> int:
    """Length of the longest suffix of ``previous`` that begins ``text``, within a bounded window;
    candidates are where ``text``'s first characters recur in that suffix (str.find), so this is
    linear in the window whatever the text."""
    tail = previous[-_OVERLAP_WINDOW:]
    probe = text[:_MIN_OVERLAP]
    if len(probe) < _MIN_OVERLAP:
        return 0
    position = tail.find(probe)
    while position >= 0:
        if text.startswith(tail[position:]):
            return len(tail) - position
        position = tail.find(probe, position + 1)
    return 0


def split_entries(text: str) -> list[ReferenceEntry]:
    """The entries of one paper's reference text, in order."""
    text = _clean(text[:MAX_TEXT_CHARS])
    line_starts, anywhere = _numbered_starts(text, _BRACKET_LINE), _numbered_starts(text, _BRACKET)
    starts = line_starts if len(line_starts) >= len(anywhere) else anywhere
    numbered = bool(starts)
    if not numbered:  # "1. Name, A.:" numbers are weaker evidence than brackets: they must beat author-year
        dotted = _numbered_starts(text, _DOTTED) or _numbered_starts(text, _DOTTED_INLINE)
        paragraphs = _paragraph_starts(text)
        numbered = 2 * len(dotted) >= len(paragraphs) and bool(dotted)
        starts = dotted if numbered else [(None, s) for s in paragraphs]
    entries = []
    for index, (number, start) in enumerate(starts[:MAX_ENTRIES]):
        end = starts[index + 1][1] if index + 1 < len(starts) else len(text)
        body = text[start:end]
        if numbered:
            body = re.sub(r"^\s*(?:\[\d{1,4}\]|\d{1,4}\.)\s*", "", body, count=1)
        body = " ".join(body[:MAX_ENTRY_CHARS].split())
        if len(body) >= 10:
            entries.append(ReferenceEntry(len(entries), number, body))
    return entries


def _clean(text: str) -> str:
    """Line ends as ``\\n``, a word broken at a line end joined again, the heading and what
    precedes it dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\ufffe\u00ad]\n?", "", text)  # pdfium's soft hyphen at a line break
    headings = list(_HEADING.finditer(text[:_HEADING_REACH]))
    return text[headings[-1].end():] if headings else text  # what precedes it is the paper's own text


def _numbered_starts(text: str, pattern: re.Pattern) -> list[tuple[int, int]]:
    """(number, offset) of the longest run of markers numbered n, n+1, n+2 ... in text order
    (one number may be missing: the PDF's text lost a marker); empty if the run is shorter than
    ``MIN_CHAIN``. One pass: each marker extends the best run ending at its number minus one or two."""
    best: dict[int, tuple[int, int]] = {}  # number -> (run length, marker index)
    markers: list[tuple[int, int]] = []
    parent: list[int] = []
    for match in pattern.finditer(text):
        number = int(match.group(1))
        length, before = max(best.get(number - 1, (0, -1)), best.get(number - 2, (0, -1)))  # one lost marker
        markers.append((number, match.start()))
        parent.append(before)
        if length + 1 > best.get(number, (0, -1))[0]:
            best[number] = (length + 1, len(markers) - 1)
    if not best:
        return []
    length, last = max(best.values())
    if length < MIN_CHAIN:
        return []
    chain = []
    while last >= 0:
        chain.append(markers[last])
        last = parent[last]
    return chain[::-1]


def _paragraph_starts(text: str) -> list[int]:
    """Offsets of author-year entries: the text's start, and every line that begins with a
    capital after a line that ends an entry, and every author list after an entry's end within a
    line (the PDF's text joins the lines of a passage)."""
    starts = [0]
    previous_ends = False
    for match in _LINE.finditer(text):
        line = match.group(0)
        if not line:
            break
        stripped = line.rstrip("\n")
        if previous_ends and _ENTRY_START.match(stripped) and match.start() > starts[-1]:
            starts.append(match.start())
        previous_ends = bool(_ENTRY_END.search(stripped[-320:]))
    inline = (match.end() for match in _AUTHOR_START.finditer(text))  # lines the PDF's text joined
    return sorted(set(starts).union(inline))
