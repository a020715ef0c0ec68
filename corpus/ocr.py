"""Text for scanned pages: render with pdfium, recognise with Tesseract, cache by page image.

A page whose text layer is (nearly) empty but which is mostly covered by images is a scan; its
words exist only as pixels. When the ``tesseract`` program is installed (Debian:
``tesseract-ocr`` with ``tesseract-ocr-eng`` and ``tesseract-ocr-chi-sim``) such a page is
rendered at ``DPI`` and recognised in English and Simplified Chinese (whichever of the two are
installed). Without it the page is left out and the build says ``OCR_MISSING``. A page too large
for ``DPI`` within ``corpus.render_size.MAX_PIXELS`` (a poster) is rendered at a lower dpi, and the
build says so (``capped_note``): never gigabytes of pixels for one page.

Tesseract is called as a program (``subprocess``, image on stdin, text on stdout) rather than
through pytesseract: that wrapper also shells out, writes temporary files, and would add a
dependency for the two calls needed here; a subprocess gives the timeout (the process is killed)
directly. ``OMP_THREAD_LIMIT=1`` because Tesseract's OpenMP threads made one page 5x slower on a
2-core machine (``bench/README.md``, "OCR"). Results are cached (``corpus.ocr_cache``) under a
hash of the rendered pixels, the render settings, Tesseract's version and the languages, so an
unchanged page is never recognised twice and a changed setting never reuses a stale answer.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass

import pypdfium2 as pdfium

from corpus.ocr_cache import cached_text, store_text
from corpus.render_size import MAX_PIXELS, RenderSize, page_render_size

OCR_MISSING = "install tesseract-ocr to read scanned pages"
PAGE_TIME_LIMIT = 60.0  # seconds one page's rendering and recognition may take (corpus.pdf_worker)
DPI = 300  # Tesseract reads best at about 300 dots per inch
LANGUAGES = ("eng", "chi_sim")  # used when installed, joined as "eng+chi_sim"
MAX_TEXT_CHARS = 30  # a page with fewer non-space characters in its text layer has none to speak of
MIN_IMAGE_SHARE = 0.5  # ... and is a scan when images cover at least this share of it
_KEY_VERSION = "papersearch-ocr-1"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tesseract:
    """The installed Tesseract: what a page's recognition (and so its cache key) depends on."""

    path: str
    version: str
    languages: str  # e.g. "eng+chi_sim"


class OcrError(Exception):
    """Tesseract failed or took too long on one page; the page is skipped with this reason."""


_found: dict[tuple, Tesseract | None] = {}


def find_tesseract() -> Tesseract | None:
    """The ``tesseract`` on PATH with at least one of LANGUAGES, else None. Asked once per
    program file (path and modification time), so installing it is noticed by a running app."""
    path = shutil.which("tesseract")
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_mtime_ns, os.environ.get("TESSDATA_PREFIX"))
    if key not in _found:
        _found[key] = _ask(path)
    return _found[key]


def ocr_available() -> bool:
    return find_tesseract() is not None


def _ask(path: str) -> Tesseract | None:
    try:
        version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
        listing = subprocess.run([path, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        _log.warning("cannot run %s (%s); scanned pages will be skipped", path, error)
        return None
    if version.returncode != 0 or listing.returncode != 0:
        _log.warning("%s --version / --list-langs failed; scanned pages will be skipped", path)
        return None
    installed = {line.strip() for line in listing.stdout.splitlines()[1:]}  # line 1 is a header
    languages = [language for language in LANGUAGES if language in installed]
    if not languages:
        _log.warning("%s has none of %s (tesseract-ocr-eng, -chi-sim); scanned pages will be skipped", path, LANGUAGES)
        return None
    first_line = (version.stdout or version.stderr).strip().splitlines()
    return Tesseract(path=path, version=first_line[0] if first_line else "unknown", languages="+".join(languages))


def is_scanned(page: pdfium.PdfPage, text: str) -> bool:
    """Next to no text layer, and mostly images: a scanned (or photographed) page."""
    if len("".join(text.split())) >= MAX_TEXT_CHARS:
        return False
    width, height = page.get_size()
    if width <= 0 or height <= 0:
        return False
    covered = 0.0
    for item in page.get_objects():
        if item.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = item.get_bounds()
            covered += max(0.0, min(right, width) - max(left, 0.0)) * max(0.0, min(top, height) - max(bottom, 0.0))
    return covered >= MIN_IMAGE_SHARE * width * height


def ocr_render_size(page: pdfium.PdfPage) -> RenderSize:
    """``DPI``, or less for a page that would exceed the pixel budget at ``DPI``."""
    return page_render_size(page, DPI / 72)


def capped_note(number: int, size: RenderSize) -> str | None:
    """The warning for a page rendered below ``DPI`` (None when it was not)."""
    if not size.capped:
        return None
    return (f"page {number}: a very large page, read by OCR at {size.dpi:.0f} dpi instead of {DPI} "
            f"({size.width}x{size.height} pixels, the most one page may take); small print may be missed")


def ocr_page(page: pdfium.PdfPage, engine: Tesseract, timeout: float, size: RenderSize | None = None) -> str:
    """The page's text as Tesseract reads it, from the cache when this page was read before."""
    size = size or ocr_render_size(page)
    image = page.render(scale=size.scale, grayscale=True).to_pil()
    return ocr_image(image, engine, timeout, size.dpi)


def ocr_image(image, engine: Tesseract, timeout: float, dpi: float = DPI) -> str:
    """Recognise a grayscale PIL image (cached by its pixels); raises OcrError."""
    if image.width * image.height > MAX_PIXELS:
        raise OcrError(f"page image of {image.width}x{image.height} pixels is over the {MAX_PIXELS:,} pixel limit")
    key = cache_key(image, engine, dpi)
    text = cached_text(key)
    if text is None:
        text = run_tesseract(_pgm(image), engine, timeout)
        store_text(key, text)
    return text


def cache_key(image, engine: Tesseract, dpi: float = DPI) -> str:
    digest = hashlib.sha256()
    settings = f"{image.mode} {image.width}x{image.height} dpi={round(dpi, 3):g}"
    for part in (_KEY_VERSION, settings, engine.version, engine.languages):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(image.tobytes())
    return digest.hexdigest()


def _pgm(image) -> bytes:
    """Binary PGM: no compression to spend time on, and Tesseract reads it from stdin."""
    return f"P5\n{image.width} {image.height}\n255\n".encode("ascii") + image.convert("L").tobytes()


def run_tesseract(image: bytes, engine: Tesseract, timeout: float) -> str:
    command = [engine.path, "stdin", "stdout", "-l", engine.languages]
    try:
        result = subprocess.run(
            command, input=image, capture_output=True, timeout=timeout,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    except subprocess.TimeoutExpired:
        raise OcrError(f"OCR took longer than {timeout:g} s") from None
    except OSError as error:
        raise OcrError(f"tesseract could not be run ({error.strerror or error})") from None
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"tesseract failed (exit status {result.returncode}: {lines[-1] if lines else 'no message'})")
    return result.stdout.decode("utf-8", "replace")
