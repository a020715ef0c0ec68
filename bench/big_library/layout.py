"""Lays a PDF's paragraphs out on exactly its planned number of A4 pages.

Each page takes text until it holds about the file's words-per-page (the rest of a page is a
figure box or white space, as in a paper), so a 4-page PDF and a 16-page one hold 15 and 40
passages of ~100 words, as the issue's 10,000-file libraries of 100k-450k passages need. The
words are planned, not the passages: the builder's chunker decides those.
"""

from __future__ import annotations

import itertools
import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from bench.big_library.compose import Paragraph, caption
from bench.big_library.sources import CJK, Pool
from bench.big_library.typeface import Typeface

PAGE_WIDTH, PAGE_HEIGHT = 595.0, 842.0  # A4 in points
LEFT, TOP, BOTTOM = 56.0, 64.0, 64.0
TEXT_WIDTH = PAGE_WIDTH - 2 * LEFT
STYLES = {  # size, leading, space before
    "title": (16.0, 20.0, 0.0), "meta": (10.0, 13.0, 2.0), "heading": (12.0, 16.0, 8.0),
    "body": (10.0, 13.0, 4.0), "caption": (9.0, 11.5, 4.0), "reference": (8.5, 11.0, 2.0),
}
WORDS_PER_PASSAGE = 100  # what a 192-token e5 passage holds of this English, title prefix and overlap aside


@dataclass(frozen=True)
class Line:
    paragraph: int
    text: str
    joiner: str  # what the wrap removed after this line: " " or ""
    size: float
    leading: float
    before: float  # space above, on the line that starts a paragraph


@dataclass
class Page:
    lines: list[tuple[float, float, str]] = field(default_factory=list)  # baseline y, size, text
    figure: tuple[float, float] | None = None  # top y and height of a figure box


@dataclass(frozen=True)
class Laid:
    pages: list[Page]
    placed: list[tuple[int, Paragraph, str]]  # page number (1-based), paragraph, the part of it printed
    one_page: frozenset[int]  # positions in `placed` of paragraphs printed whole on one page


def target_words(pages: int, rng: random.Random) -> int:
    """About 15 passages on 4 pages up to about 40 on 16, within ±15%."""
    passages = 15 + (pages - 4) * 25 / 12
    return round(WORDS_PER_PASSAGE * passages * rng.uniform(0.85, 1.15))


def lay_out(front: list[Paragraph], body: Iterator[Paragraph], tail: list[Paragraph], pages: int, face: Typeface,
            pool: Pool, rng: random.Random) -> Laid:
    """`front` opens page 1, `body` fills the pages, `tail` (the references) ends the last one."""
    per_page = target_words(pages, rng) / pages
    source = _Lines(face, itertools.chain(front, body))
    printed: dict[int, list[str]] = {}
    first_page: dict[int, int] = {}
    last_page: dict[int, int] = {}
    laid: list[Page] = []
    figures = 0
    for number in range(1, pages + 1):
        page, y, words = Page(), TOP, 0.0
        if number == pages:
            source.then(iter(tail))  # the paragraph under way ends first
        while words < per_page:
            line = source.next()
            if line is None:
                break
            top = y + (line.before if line.paragraph not in printed else 0.0)
            if top + line.leading > PAGE_HEIGHT - BOTTOM:
                source.push_back(line)
                break
            y = top + line.leading
            page.lines.append((y, line.size, line.text))
            printed.setdefault(line.paragraph, []).append(line.text + line.joiner)
            first_page.setdefault(line.paragraph, number)
            last_page[line.paragraph] = number
            words += _words(line.text)
        left = PAGE_HEIGHT - BOTTOM - y
        if number < pages and left > 180 and rng.random() < 0.6:
            figures += 1
            y = _figure(page, y, left, face.clean(caption(figures, pool, rng).text), face)
        laid.append(page)
    order = sorted(printed)
    placed = [(first_page[k], source.paragraphs[k], "".join(printed[k]).strip()) for k in order]
    return Laid(laid, placed, frozenset(n for n, k in enumerate(order) if first_page[k] == last_page[k]))


def _figure(page: Page, y: float, left: float, text: str, face: Typeface) -> float:
    """A figure box in the page's free space, with up to three lines of caption under it."""
    height = min(left - 60, 320.0)
    page.figure = (y + 12, height)
    y += 12 + height + 4
    for line, _ in face.wrap(text, 9.0, TEXT_WIDTH)[:3]:
        y += 11.5
        page.lines.append((y, 9.0, line))
    return y


class _Lines:
    """Wrapped lines of a stream of paragraphs, one at a time, with a line pushed back when it
    did not fit its page; `then` swaps the stream once the paragraph under way has ended."""

    def __init__(self, face: Typeface, paragraphs: Iterator[Paragraph]):
        self.face = face
        self.paragraphs: list[Paragraph] = []
        self._source = paragraphs
        self._pending: deque[Line] = deque()

    def then(self, paragraphs: Iterator[Paragraph]) -> None:
        self._source = paragraphs

    def push_back(self, line: Line) -> None:
        self._pending.appendleft(line)

    def next(self) -> Line | None:
        while not self._pending:
            paragraph = next(self._source, None)
            if paragraph is None:
                return None
            self._wrap(paragraph)
        return self._pending.popleft()

    def _wrap(self, paragraph: Paragraph) -> None:
        text = self.face.clean(paragraph.text)
        if not text.strip():
            return
        self.paragraphs.append(Paragraph(text, paragraph.style, paragraph.chinese))
        size, leading, space = STYLES[paragraph.style]
        for position, (line, joiner) in enumerate(self.face.wrap(text, size, TEXT_WIDTH)):
            self._pending.append(Line(len(self.paragraphs) - 1, line, joiner, size, leading, space if position == 0 else 0.0))


def _words(text: str) -> float:
    """Words as the budget counts them: a Chinese character is about half an English word's tokens."""
    chinese = len(CJK.findall(text))
    return len(text.split()) + chinese * 0.5 if chinese else len(text.split())
