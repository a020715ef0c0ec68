"""Real PDFs with a reader's own marks written into them, for the tests: pypdf's annotation writer
(pypdf.annotations, per the PDF spec) puts Highlight, Underline, Squiggly, StrikeOut, Text and
FreeText annotations on a copy of a PDF from ../shared/data, each markup's QuadPoints computed
from pdfium's character boxes of real text on the page (one quad per line of the phrase).

pypdf has a class for Highlight only among the text markups; Underline, Squiggly and StrikeOut
take exactly the same entries, so they are written as a Highlight whose /Subtype is changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText, Highlight, Text
from pypdf.generic import ArrayObject, FloatObject, NameObject, TextStringObject

MARKUP_SUBTYPES = {"highlight": "/Highlight", "underline": "/Underline", "squiggly": "/Squiggly",
                   "strikeout": "/StrikeOut"}


@dataclass(frozen=True)
class MarkSpec:
    """One mark to write: over `phrase` (text of page `page`, 1-based) for a markup; a note
    (text/freetext) carries only `comment`, placed at the page's top left."""

    page: int
    kind: str  # "highlight", "underline", "squiggly", "strikeout", "text" or "freetext"
    phrase: str = ""
    comment: str = ""
    colour: str = "ffd400"  # hex without "#", as pypdf takes it


def annotate_pdf(source: Path, target: Path, marks: list[MarkSpec]) -> Path:
    """A copy of `source` at `target` with `marks` written into it."""
    writer = PdfWriter(clone_from=PdfReader(source))
    for mark in marks:
        writer.add_annotation(mark.page - 1, _annotation(source, mark))
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        writer.write(out)
    return target


def phrase_lines(pdf: Path, page: int, phrase: str) -> list[tuple[float, float, float, float]]:
    """One box (left, bottom, right, top) per text line `phrase` covers on page `page`, from
    pdfium's character boxes; ValueError when the phrase is not on the page."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        textpage = document[page - 1].get_textpage()
        text = textpage.get_text_range(0, textpage.count_chars())
        start = text.find(phrase)
        if start < 0:
            raise ValueError(f"{phrase!r} is not on page {page} of {pdf.name}")
        boxes = [textpage.get_charbox(index) for index in range(start, start + len(phrase))]
    finally:
        document.close()
    lines: list[list[float]] = []
    for left, bottom, right, top in boxes:
        if right <= left:
            continue
        if lines and bottom < lines[-1][3] and top > lines[-1][1] and left >= lines[-1][0] - 2:
            line = lines[-1]
            line[0], line[1], line[2], line[3] = min(line[0], left), min(line[1], bottom), max(line[2], right), max(line[3], top)
        else:
            lines.append([left, bottom, right, top])
    return [tuple(line) for line in lines]


def first_long_line(pdf: Path, page: int, min_chars: int = 50) -> str:
    """The first line of the page with at least `min_chars` characters (real text to mark)."""
    return long_line(pdf, page, 0, min_chars)


def long_line(pdf: Path, page: int, index: int, min_chars: int = 50) -> str:
    """The `index`-th (0-based) line of the page with at least `min_chars` characters: a mark
    named by its place, so no text of the shared papers is written into the repository."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        textpage = document[page - 1].get_textpage()
        text = textpage.get_text_range(0, textpage.count_chars())
    finally:
        document.close()
    return [line.strip() for line in text.splitlines() if len(line.strip()) >= min_chars][index]


def _annotation(pdf: Path, mark: MarkSpec):
    if mark.kind in MARKUP_SUBTYPES:
        lines = phrase_lines(pdf, mark.page, mark.phrase)
        quads = []
        for left, bottom, right, top in lines:  # upper-left, upper-right, lower-left, lower-right
            quads += [left, top, right, top, left, bottom, right, bottom]
        rect = (min(b[0] for b in lines), min(b[1] for b in lines), max(b[2] for b in lines), max(b[3] for b in lines))
        annotation = Highlight(rect=rect, quad_points=ArrayObject([FloatObject(v) for v in quads]),
                               highlight_color=mark.colour)
        annotation[NameObject("/Subtype")] = NameObject(MARKUP_SUBTYPES[mark.kind])
        if mark.comment:
            annotation[NameObject("/Contents")] = TextStringObject(mark.comment)
        return annotation
    if mark.kind == "text":
        annotation = Text(rect=(40, 700, 60, 720), text=mark.comment)
    elif mark.kind == "freetext":
        annotation = FreeText(text=mark.comment, rect=(40, 640, 300, 690))
    else:
        raise ValueError(f"unknown mark kind {mark.kind!r}")
    annotation[NameObject("/C")] = ArrayObject([FloatObject(int(mark.colour[i:i + 2], 16) / 255) for i in (0, 2, 4)])
    return annotation
