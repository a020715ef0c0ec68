"""The reader's own marks stored inside a PDF by any reader (Acrobat, Preview, Okular, Foxit...):
``/Annots`` of subtype Highlight, Underline, Squiggly, StrikeOut (text markup: the words under
their QuadPoints) and Text, FreeText (a note: only its ``/Contents``).

The marked words are not stored in the annotation, only where they are: the characters of the
page whose box centre lies inside one of the quadrilaterals are the marked text (pdfium's text
page gives both). Read in the page's own pdfium load (``corpus.pdf_text``), so a page without
annotations costs one count. Caps keep a hostile file small: so many marks per page and per
file, so many quads per mark, so many characters per mark (``MAX_MARK_CHARS``).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from corpus.annotation_passages import MAX_MARK_CHARS

KINDS = {
    raw.FPDF_ANNOT_HIGHLIGHT: "highlight", raw.FPDF_ANNOT_UNDERLINE: "underline",
    raw.FPDF_ANNOT_SQUIGGLY: "squiggly", raw.FPDF_ANNOT_STRIKEOUT: "strikeout",
    raw.FPDF_ANNOT_TEXT: "text", raw.FPDF_ANNOT_FREETEXT: "freetext",
}
MARKUP = ("highlight", "underline", "squiggly", "strikeout")
MAX_ANNOTS_PER_PAGE = 500  # a page's annotations looked at (links and form fields included)
MAX_MARKS_PER_FILE = 5000
MAX_STRING_BYTES = 1_000_000  # a /Contents longer than this (in UTF-16) is not read
MAX_QUADS = 400  # per mark: a highlight over two pages of text has some 120
_DEFAULT_COLOUR = {"highlight": "#ffd400", "text": "#ffd400"}  # what readers paint when /C is absent

Rect = tuple[float, float, float, float]  # left, bottom, right, top in PDF points


@dataclass(frozen=True)
class PdfMark:
    page: int  # 1-based
    kind: str  # a value of KINDS
    text: str  # the words under the quads ("" for a note)
    comment: str  # /Contents
    colour: str  # "#rrggbb", or "" when the mark has none
    rects: tuple[Rect, ...]  # one bounding box per quad (for painting the mark)


def page_marks(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage | None, number: int, room: int) -> list[PdfMark]:
    """The marks of one loaded page, at most `room` of them (what the file's cap leaves)."""
    count = min(raw.FPDFPage_GetAnnotCount(page.raw), MAX_ANNOTS_PER_PAGE)
    marks: list[PdfMark] = []
    boxes = None
    for index in range(count):
        if len(marks) >= room:
            break
        annot = raw.FPDFPage_GetAnnot(page.raw, index)
        if not annot:
            continue
        try:
            kind = KINDS.get(raw.FPDFAnnot_GetSubtype(annot))
            if kind is None:
                continue
            rects = _quads(annot) if kind in MARKUP else ()
            text = ""
            if rects and textpage is not None:
                boxes = boxes if boxes is not None else _char_boxes(textpage)
                text = _text_inside(textpage, boxes, rects)
            comment = _string(annot, "Contents")
            if not (text.strip() or comment.strip()):
                continue
            marks.append(PdfMark(number, kind, text, comment, _colour(annot, kind), rects))
        finally:
            raw.FPDFPage_CloseAnnot(annot)
    return marks


def read_marks(document: pdfium.PdfDocument, number: int) -> list[PdfMark]:
    """The marks of page `number` (1-based), loading the page (for the page preview)."""
    page = document[number - 1]
    try:
        textpage = page.get_textpage()
        try:
            return page_marks(page, textpage, number, MAX_MARKS_PER_FILE)
        finally:
            textpage.close()
    finally:
        page.close()


def _quads(annot) -> tuple[Rect, ...]:
    """Each quadrilateral's bounding box (readers write them axis-aligned, in any corner order)."""
    count = min(raw.FPDFAnnot_CountAttachmentPoints(annot), MAX_QUADS)
    rects = []
    quad = raw.FS_QUADPOINTSF()
    for index in range(count):
        if not raw.FPDFAnnot_GetAttachmentPoints(annot, index, ctypes.byref(quad)):
            continue
        xs, ys = (quad.x1, quad.x2, quad.x3, quad.x4), (quad.y1, quad.y2, quad.y3, quad.y4)
        rect = (min(xs), min(ys), max(xs), max(ys))
        if rect[2] > rect[0] and rect[3] > rect[1]:
            rects.append(tuple(round(value, 3) for value in rect))
    return tuple(rects)


def _char_boxes(textpage: pdfium.PdfTextPage) -> list[Rect]:
    return [textpage.get_charbox(index) for index in range(textpage.count_chars())]


def _text_inside(textpage: pdfium.PdfTextPage, boxes: list[Rect], rects: tuple[Rect, ...]) -> str:
    """The page's characters whose box centre lies in a rect, in reading order; line breaks and
    spaces between marked characters are kept, so words and lines stay apart."""
    inside = []
    for index, (left, bottom, right, top) in enumerate(boxes):
        x, y = (left + right) / 2, (bottom + top) / 2
        if right > left and any(r[0] <= x <= r[2] and r[1] <= y <= r[3] for r in rects):
            inside.append(index)
    if not inside:
        return ""
    chosen = set(inside)
    kept, hyphen = [], False
    for index in range(inside[0], inside[-1] + 1):
        char = chr(raw.FPDFText_GetUnicode(textpage.raw, index) or 32)
        if char == "\x02":  # pdfium's mark of a word hyphenated across a line end: join it
            hyphen = True
        elif index in chosen or (char.isspace() and not hyphen):
            kept.append(char)
            hyphen = hyphen and char.isspace()
    return " ".join("".join(kept).split())[:MAX_MARK_CHARS]


def _string(annot, key: str) -> str:
    """A text entry of the annotation (UTF-16LE from pdfium), "" when absent."""
    size = raw.FPDFAnnot_GetStringValue(annot, key.encode(), None, 0)
    if size <= 2 or size > MAX_STRING_BYTES:  # pdfium fills a buffer only whole: a huge one is left out
        return ""
    buffer = ctypes.create_string_buffer(size)
    raw.FPDFAnnot_GetStringValue(annot, key.encode(), ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)), size)
    text = buffer.raw[: size - 2].decode("utf-16-le", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")[:MAX_MARK_CHARS]


def _colour(annot, kind: str) -> str:
    red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
    if raw.FPDFAnnot_GetColor(annot, raw.FPDFANNOT_COLORTYPE_Color, ctypes.byref(red), ctypes.byref(green),
                              ctypes.byref(blue), ctypes.byref(alpha)):
        return f"#{red.value:02x}{green.value:02x}{blue.value:02x}"
    return _DEFAULT_COLOUR.get(kind, "")
