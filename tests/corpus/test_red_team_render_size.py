"""Red team M7/M8: a poster-sized PDF page (14,400 pt square, legal) must not be rendered at
300 dpi (3.6 gigapixels) by OCR, nor at 1.5x by the page preview: both go through one pixel
budget (corpus.render_size), and a page over it is read at a lower dpi with a warning."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF
from PIL import Image

from corpus import MAX_PIXELS, ocr, render_size
from corpus.render_size import MAX_SIDE
from tests.support.paths import REPO
from ui.page_preview import PREVIEW_PIXELS

ROOT = REPO
POSTER_SIDE = 14_400  # points: the largest page the PDF specification allows (200 in)
TEXT = "A normal page about optical flow and frame alignment in video restoration."
MEMORY_LIMIT = 3_000_000_000  # bytes of address space; 300 dpi of the poster needs 3.6 GB for one bitmap


def write_poster(path: Path, side: float = POSTER_SIDE, text_page: bool = True) -> Path:
    """A scanned poster: one 2x2 grey image stretched over a `side`-point square page, no text;
    then (with `text_page`) an ordinary letter page with text."""
    pdf = FPDF(unit="pt", format=(side, side))
    pdf.add_page()
    image = io.BytesIO()
    Image.new("L", (2, 2), 128).save(image, format="PNG")
    image.seek(0)
    pdf.image(image, x=0, y=0, w=side, h=side)
    if text_page:
        pdf.add_page(format=(612, 792))
        pdf.set_font("Helvetica", size=11)
        pdf.set_xy(40, 60)
        pdf.cell(0, 14, TEXT)
    pdf.output(str(path))
    return path


def run_limited(code: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter whose address space is capped at MEMORY_LIMIT."""
    if shutil.which("prlimit") is None:
        pytest.skip("prlimit (util-linux) is not installed")
    return subprocess.run(
        ["prlimit", f"--as={MEMORY_LIMIT}", sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env,
    )


def test_a_normal_page_keeps_300_dpi():
    size = render_size(612, 792, ocr.DPI / 72)
    assert not size.capped and size.dpi == pytest.approx(ocr.DPI)
    assert (size.width, size.height) == (2550, 3301)


@pytest.mark.parametrize("width, height", [(POSTER_SIDE, POSTER_SIDE), (POSTER_SIDE, 200), (3000, 3000)])
def test_a_page_over_the_budget_is_scaled_down_to_fit(width, height):
    size = render_size(width, height, ocr.DPI / 72)
    assert size.capped and size.dpi < ocr.DPI
    assert size.width * size.height <= MAX_PIXELS
    assert max(size.width, size.height) <= MAX_SIDE  # Tesseract refuses a side over 32767 px
    assert size.width * size.height > MAX_PIXELS * 0.9 or max(size.width, size.height) > MAX_SIDE * 0.99  # no needless loss


def test_a_long_thin_page_stays_under_tesseracts_side_limit():
    size = render_size(POSTER_SIDE, 10, ocr.DPI / 72)
    assert size.capped and size.width <= MAX_SIDE and size.height >= 1


def test_the_poster_pdf_page_gets_a_capped_render_size(tmp_path):
    document = pdfium.PdfDocument(str(write_poster(tmp_path / "poster.pdf")))
    try:
        poster, letter = ocr.ocr_render_size(document[0]), ocr.ocr_render_size(document[1])
    finally:
        document.close()
    assert poster.capped and poster.width * poster.height <= MAX_PIXELS
    assert not letter.capped and letter.dpi == pytest.approx(ocr.DPI)
    assert "instead of 300" in ocr.capped_note(1, poster) and ocr.capped_note(2, letter) is None


def test_ocr_of_a_poster_page_stays_under_a_memory_bound_and_says_so(tmp_path):
    if not ocr.ocr_available():
        pytest.skip("tesseract-ocr is not installed")
    poster = write_poster(tmp_path / "poster.pdf")
    code = f"""
        import json
        from pathlib import Path
        from corpus import pdf_worker, read_document
        pdf_worker.PAGE_TIME_LIMIT = None  # in this (memory-limited) process
        document = read_document(Path({str(poster)!r}), "poster.pdf")
        print(json.dumps({{"warnings": list(document.warnings), "pages": [s.page for s in document.sections]}}))
    """
    env = {"PATH": "/usr/bin:/bin", "PAPERSEARCH_CACHE": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    result = run_limited(code, env)
    assert result.returncode == 0, result.stderr[-2000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["pages"] == [2]  # the letter page's text; the grey poster has none
    assert any(w.startswith("page 1: a very large page, read by OCR at") for w in answer["warnings"])
    assert any("page 1: scanned, text read by OCR" in w for w in answer["warnings"])  # read, not skipped


def test_the_page_preview_of_a_poster_page_is_capped(tmp_path):
    poster = write_poster(tmp_path / "poster.pdf")
    code = f"""
        import io
        from pathlib import Path
        from PIL import Image
        from ui.page_preview import page_preview
        preview = page_preview(Path({str(poster)!r}), 1, "no such passage on this page at all")
        print(*Image.open(io.BytesIO(preview.png)).size)
    """
    result = run_limited(code, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    width, height = map(int, result.stdout.split())
    assert width * height <= PREVIEW_PIXELS and width == height


def test_the_page_preview_of_a_normal_page_is_unchanged(tmp_path):
    from ui.page_preview import page_preview

    preview = page_preview(write_poster(tmp_path / "poster.pdf"), 2, TEXT)
    assert Image.open(io.BytesIO(preview.png)).size == (918, 1188)  # 1.5x of 612x792 pt
    assert preview.marked_chars > 0
