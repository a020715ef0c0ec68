"""A PDF page as an image with a passage marked on it, so a result can be checked at a glance.

The passage's text comes from our own extraction and cleaning, so it is found on the page by its
words, not its exact characters: both sides are reduced to letters, digits and CJK characters,
the passage is located by its longest stretch that also occurs on the page, and the boxes of the
page characters in that stretch are painted (pypdfium2 renders the page and reports each
character's box). The page is rendered at `scale`, or smaller for a page that would exceed
``PREVIEW_PIXELS`` (a poster-sized page at 1.5x is gigabytes and half a minute per click).

The reader's own marks are painted too, each in its colour, and the match is outlined instead,
so the two never look alike: marks stored in the PDF from their own quads (read from the page,
``corpus.pdf_annotations``; pdfium's drawing of annotations is turned off so none is painted
twice), marks kept elsewhere (Zotero's) by locating their text as the passage is located.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

_ANCHOR = 24  # characters of reduced text that must match to count as "found here"
_OUTLINE = (31, 111, 235, 255)  # the match: a blue frame, never a colour a reader highlights in
_OUTLINE_WIDTH = 3
_FILL = (31, 111, 235, 28)
_OWN_ALPHA = 110  # the reader's marks: translucent, in their own colour
PREVIEW_PIXELS = 12_000_000  # a browser shows no more; a letter page at 1.5x is 1.1 megapixels


@dataclass(frozen=True)
class PagePreview:
    png: bytes
    marked_chars: int  # characters of the page painted; 0 when the passage was not located
    own_marks: int = 0  # the reader's marks painted on the page


Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF points


def page_preview(pdf: Path, page: int, passage: str, scale: float = 1.5,
                 other_marks: tuple[tuple[str, str], ...] = ()) -> PagePreview:
    """PNG of page `page` (1-based) of `pdf`, with `passage` outlined where it is found and the
    reader's marks painted in their colours: the PDF's own, and `other_marks` ("#rrggbb", text)
    kept outside it (Zotero's), found by their text."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    from corpus import page_render_size
    from corpus.pdf_annotations import page_marks

    document = pdfium.PdfDocument(str(pdf))
    try:
        if not 1 <= page <= len(document):
            raise ValueError(f"{pdf.name} has no page {page}")
        pdf_page = document[page - 1]
        text_page = pdf_page.get_textpage()
        scale = page_render_size(pdf_page, scale, PREVIEW_PIXELS).scale
        image = pdf_page.render(scale=scale, draw_annots=False).to_pil().convert("RGBA")
        height = pdf_page.get_height()
        page_text = text_page.get_text_range()
        start, end = _locate(page_text, passage)
        boxes = [text_page.get_charbox(i) for i in range(start, end)]
        own = [(mark.colour or "#ffd400", list(mark.rects)) for mark in page_marks(pdf_page, text_page, page, 200)
               if mark.rects]
        for colour, text in other_marks:
            found = _locate(page_text, text)
            if found[1] > found[0]:
                own.append((colour, _line_boxes([text_page.get_charbox(i) for i in range(*found)])))
        text_page.close()
        pdf_page.close()
    finally:
        document.close()

    def pixels(box: Box) -> list[float]:
        left, bottom, right, top = box
        return [left * scale, (height - top) * scale, right * scale, (height - bottom) * scale]

    # Two layers, composited in turn: drawing on one layer replaces its pixels, it does not blend them.
    marks_layer, match_layer = (Image.new("RGBA", image.size, (0, 0, 0, 0)) for _ in range(2))
    draw = ImageDraw.Draw(marks_layer)
    for colour, rects in own:
        for box in rects:
            draw.rectangle(pixels(box), fill=(*_rgb(colour), _OWN_ALPHA))
    draw = ImageDraw.Draw(match_layer)
    for box in _line_boxes(boxes):
        draw.rectangle(pixels(box), fill=_FILL, outline=_OUTLINE, width=_OUTLINE_WIDTH)
    overlay = Image.alpha_composite(marks_layer, match_layer)
    buffer = io.BytesIO()
    Image.alpha_composite(image, overlay).convert("RGB").save(buffer, format="PNG", optimize=True)
    return PagePreview(buffer.getvalue(), end - start, len(own))


def _rgb(colour: str) -> tuple[int, int, int]:
    """A "#rrggbb" mark colour; anything else is painted yellow."""
    try:
        return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
    except (ValueError, IndexError):
        return 255, 212, 0


def _reduced(text: str) -> tuple[str, list[int]]:
    """Lower-case letters, digits and CJK characters of `text`, with each one's index in `text`."""
    kept, where = [], []
    for index, char in enumerate(text):
        if char.isalnum():
            kept.append(char.lower())
            where.append(index)
    return "".join(kept), where


def _locate(page_text: str, passage: str) -> tuple[int, int]:
    """(start, end) character indices of the passage on the page; (0, 0) when it is not there.

    Anchors of _ANCHOR reduced characters are taken along the passage; the first and the last
    anchor found on the page (in order) bound the marked stretch."""
    page_reduced, where = _reduced(page_text)
    wanted, _ = _reduced(passage)
    if len(wanted) < _ANCHOR // 2 or not page_reduced:
        return 0, 0
    anchor = min(_ANCHOR, len(wanted))
    first = last = None
    search_from = matched_to = 0
    for offset in range(0, len(wanted) - anchor + 1, anchor):
        found = page_reduced.find(wanted[offset : offset + anchor], search_from)
        if found < 0:
            continue
        if first is None:
            first = found
        last, matched_to = found + anchor, offset + anchor
        search_from = last
    if first is None:
        return 0, 0
    while last < len(page_reduced) and matched_to < len(wanted) and page_reduced[last] == wanted[matched_to]:
        last, matched_to = last + 1, matched_to + 1  # the tail shorter than an anchor
    return where[first], where[last - 1] + 1


def _line_boxes(boxes: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """Merge character boxes into one box per text line (chars whose vertical spans overlap)."""
    lines: list[list[float]] = []
    for left, bottom, right, top in boxes:
        if right <= left or top <= bottom:
            continue  # spaces and line breaks have no box
        current = lines[-1] if lines else None
        if current and bottom < current[3] and top > current[1] and left >= current[0] - 2:
            current[0], current[1] = min(current[0], left), min(current[1], bottom)
            current[2], current[3] = max(current[2], right), max(current[3], top)
        else:
            lines.append([left, bottom, right, top])
    return [tuple(line) for line in lines]
