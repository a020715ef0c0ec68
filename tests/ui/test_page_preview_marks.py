"""The page preview paints the reader's own marks in their colours and outlines the match apart
(ui/page_preview.py); cards name a mark and its colour from fixed lists only (ui/mark_labels.py);
the colour filter keeps only marks of that colour (search/filters.py)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from search import Hit, ResultFilter
from tests.support.paths import shared_path
from tests.support.pdf_marks import MarkSpec, annotate_pdf, long_line, phrase_lines
from ui.mark_labels import mark_html, mark_label
from ui.page_preview import page_preview

SCALE = 1.5


def _pixel(png: bytes, pdf_height: float, x: float, y: float) -> tuple[int, int, int]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return image.getpixel((int(x * SCALE), int((pdf_height - y) * SCALE)))


@pytest.fixture(scope="module")
def marked_pdf(tmp_path_factory):
    source = shared_path("pdfs", "Group Normalization.pdf")
    red, elsewhere, zotero = (long_line(source, 2, index) for index in (3, 9, 14))
    pdf = annotate_pdf(source, tmp_path_factory.mktemp("preview") / "gn.pdf",
                       [MarkSpec(2, "highlight", red, "", "ff0000")])
    return pdf, red, elsewhere, zotero


def _centre(pdf, phrase):
    left, bottom, right, top = phrase_lines(pdf, 2, phrase)[0]
    return (left + right) / 2, top - 1.0  # inside the box, above the glyphs' middle


def test_own_marks_are_painted_in_their_colours_and_the_match_is_outlined(marked_pdf):
    import pypdfium2 as pdfium

    pdf, red, elsewhere, zotero = marked_pdf
    document = pdfium.PdfDocument(str(pdf))
    height = document[1].get_height()
    document.close()
    preview = page_preview(pdf, 2, elsewhere, scale=SCALE, other_marks=(("#2ea8e5", zotero),))
    assert preview.marked_chars > 0 and preview.own_marks == 2
    r, g, b = _pixel(preview.png, height, *_centre(pdf, red))  # the PDF's own red highlight
    assert r > 200 and g < 200 and b < 200
    r, g, b = _pixel(preview.png, height, *_centre(pdf, zotero))  # a Zotero mark, found by its text
    assert b > 200 and r < 200
    left, bottom, right, top = phrase_lines(pdf, 2, elsewhere)[0]
    frame = [_pixel(preview.png, height, (left + right) / 2, top - step / 4) for step in range(8)]  # its top edge
    assert any(blue > 180 and red < 120 for red, _, blue in frame)
    plain = page_preview(pdf, 2, elsewhere, scale=SCALE)
    assert plain.own_marks == 1 and _pixel(plain.png, height, *_centre(pdf, zotero)) != (
        _pixel(preview.png, height, *_centre(pdf, zotero)))


def _hit(kind: str, heading: str | None) -> Hit:
    return Hit(rank=1, score=1.0, kind=kind, path="pdfs/a.pdf", title="t", page=2, heading=heading, start_line=None,
               text="x", chunk_id="c", links=())


def test_a_card_names_a_mark_from_fixed_lists_only():
    assert mark_label(_hit("annotation", "your highlight (yellow)")) == "your highlight"
    assert mark_label(_hit("annotation", "your comment")) == "your comment"
    assert "background:#ffd400" in mark_html(_hit("annotation", "your highlight (yellow)"))
    hostile = "your highlight (<img src=x onerror=alert(1)>)"
    assert mark_label(_hit("annotation", hostile)) is None and mark_html(_hit("annotation", hostile)) == ""
    assert mark_label(_hit("pdf", "your highlight (yellow)")) is None  # a PDF section that looks like one


def test_the_colour_filter_keeps_marks_of_that_colour():
    where = ResultFilter(colour="red")
    assert where.accepts("annotation", None, "your highlight (red)")
    assert not where.accepts("annotation", None, "your highlight (yellow)")
    assert not where.accepts("pdf", None, "your highlight (red)")
    assert ResultFilter(kind="annotation").accepts("annotation", None, "your comment (blue)")
