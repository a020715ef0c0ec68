"""A PDF page as an image with a passage marked on it, so a result can be checked at a glance.

The passage's text comes from our own extraction and cleaning, so it is found on the page by its
words, not its exact characters: both sides are reduced to letters, digits and CJK characters,
the passage is located by its longest stretch that also occurs on the page, and the boxes of the
page characters in that stretch are painted (pypdfium2 renders the page and reports each
character's box). The page is rendered at `scale`, or smaller for a page that would exceed
``PREVIEW_PIXELS`` (a poster-sized page at 1.5x is gigabytes and half a minute per click).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

_ANCHOR = 24  # characters of reduced text that must match to count as "found here"
_MARK = (255, 214, 0, 90)  # translucent yellow
PREVIEW_PIXELS = 12_000_000  # a browser shows no more; a letter page at 1.5x is 1.1 megapixels


@dataclass(frozen=True)
class PagePreview:
    png: bytes
    marked_chars: int  # characters of the page painted; 0 when the passage was not located


def page_preview(pdf: Path, page: int, passage: str, scale: float = 1.5) -> PagePreview:
    """PNG of page `page` (1-based) of `pdf`, with `passage` marked where it is found."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    from corpus import page_render_size

    document = pdfium.PdfDocument(str(pdf))
    try:
        if not 1 <= page <= len(document):
            raise ValueError(f"{pdf.name} has no page {page}")
        pdf_page = document[page - 1]
        text_page = pdf_page.get_textpage()
        scale = page_render_size(pdf_page, scale, PREVIEW_PIXELS).scale
        image = pdf_page.render(scale=scale).to_pil().convert("RGBA")
        height = pdf_page.get_height()
        start, end = _locate(text_page.get_text_range(), passage)
        boxes = [text_page.get_charbox(i) for i in range(start, end)]
        text_page.close()
        pdf_page.close()
    finally:
        document.close()
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for left, bottom, right, top in _line_boxes(boxes):
        draw.rectangle([left * scale, (height - top) * scale, right * scale, (height - bottom) * scale], fill=_MARK)
    buffer = io.BytesIO()
    Image.alpha_composite(image, overlay).convert("RGB").save(buffer, format="PNG", optimize=True)
    return PagePreview(buffer.getvalue(), end - start)


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
