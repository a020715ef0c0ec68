"""OCR of scanned pages (corpus/ocr.py): accuracy on known text, the cache, a missing or hanging
Tesseract, the retry once it is installed, and the shared scanned PDF made searchable."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from corpus import OCR_MISSING, UnreadableFileError, ocr_available, read_document
from corpus import ocr, ocr_cache, pdf_worker
from library import Library
from tests.support.fakes import FakeEmbedder
from tests.support.ocr_samples import CHINESE, ENGLISH, character_error_rate, render_pages, write_scanned_pdf, write_text_pdf
from tests.support.paths import in_ci, shared_path
from tests.support.pdf_factory import write_pdf

TEXT_PAGE = "This page has a text layer about optical flow and frame alignment."
FAKE_TESSERACT = """#!/bin/sh
case "$1" in
  --version) echo "tesseract 5.0.0-fake" ;;
  --list-langs) echo 'List of available languages in "/fake/" (1):'; echo eng ;;
  *) exec sleep 10 ;;
esac
"""


def needs_tesseract() -> None:
    """Skip without Tesseract (eng and chi_sim); CI must have it (scripts/test.sh installs it)."""
    engine = ocr.find_tesseract()
    if engine is None or engine.languages != "eng+chi_sim":
        message = "tesseract-ocr with eng and chi_sim is not installed"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A private OCR cache, seen by a fresh PDF worker (it inherits the environment)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("PAPERSEARCH_CACHE", str(folder))
    pdf_worker.stop_worker()
    yield folder / "ocr"
    pdf_worker.stop_worker()


def hide_tesseract(monkeypatch, tmp_path) -> None:
    empty = tmp_path / "no-tesseract"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(empty))
    assert not ocr_available()


def fake_tesseract(monkeypatch, tmp_path) -> None:
    """A `tesseract` that answers the version and language questions, then never finishes a page."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    script = folder / "tesseract"
    script.write_text(FAKE_TESSERACT)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}/usr/bin:/bin")


@pytest.fixture(scope="module")
def mixed_pdf(tmp_path_factory) -> Path:
    """Page 1 a scan of English text, page 2 a scan of Chinese text, page 3 a real text layer."""
    folder = tmp_path_factory.mktemp("mixed")
    english = write_text_pdf(folder / "en.pdf", [ENGLISH])
    chinese = write_text_pdf(folder / "zh.pdf", [CHINESE], chinese=True)
    both = folder / "both.pdf"
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for source in (english, chinese):
        writer.add_page(PdfReader(source).pages[0])
    with open(both, "wb") as handle:
        writer.write(handle)
    return write_scanned_pdf(folder / "mixed.pdf", both, dpi=300, extra_text=TEXT_PAGE)


@pytest.fixture(scope="module")
def mixed_document(mixed_pdf, tmp_path_factory):
    """mixed.pdf read once through the worker, with a private cache (about 5 s: slow tests)."""
    needs_tesseract()
    saved = os.environ.get("PAPERSEARCH_CACHE")
    os.environ["PAPERSEARCH_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    pdf_worker.stop_worker()
    try:
        return read_document(mixed_pdf, "mixed.pdf")
    finally:
        pdf_worker.stop_worker()
        if saved is None:
            del os.environ["PAPERSEARCH_CACHE"]
        else:
            os.environ["PAPERSEARCH_CACHE"] = saved


@pytest.mark.slow
def test_english_scanned_page_has_a_low_character_error_rate(mixed_document):
    page = {s.page: s.text for s in mixed_document.sections}
    assert character_error_rate(ENGLISH, page[1], chinese=False) <= 0.03


@pytest.mark.slow
def test_chinese_scanned_page_has_a_low_character_error_rate(mixed_document):
    page = {s.page: s.text for s in mixed_document.sections}
    assert character_error_rate(CHINESE, page[2], chinese=True) <= 0.08


@pytest.mark.slow
def test_scanned_pages_inside_a_text_pdf_keep_their_page_numbers_and_are_marked(mixed_document):
    assert [s.page for s in mixed_document.sections] == [1, 2, 3]
    assert mixed_document.sections[2].text == TEXT_PAGE  # the text layer is not OCRed
    assert mixed_document.warnings == ("pages 1, 2: scanned, text read by OCR (may hold recognition errors)",)


def test_a_page_is_recognised_once_and_a_corrupt_cache_entry_is_made_again(tmp_path, cache, monkeypatch):
    needs_tesseract()
    engine = ocr.find_tesseract()
    (image,) = render_pages(write_text_pdf(tmp_path / "short.pdf", ["Cached pages are never read twice."]))
    calls = []
    real = ocr.run_tesseract
    monkeypatch.setattr(ocr, "run_tesseract", lambda *args: calls.append(1) or real(*args))

    first = ocr.ocr_image(image, engine, timeout=60)
    assert "never read twice" in first and len(calls) == 1
    assert ocr.ocr_image(image, engine, timeout=60) == first and len(calls) == 1  # from the cache

    (entry,) = cache.rglob("*.json")
    entry.write_text(entry.read_text(encoding="utf-8")[:20], encoding="utf-8")  # a torn write
    assert ocr.ocr_image(image, engine, timeout=60) == first and len(calls) == 2
    assert ocr_cache.cached_text(entry.stem) == first  # written again, whole


def test_the_cache_key_depends_on_the_pixels_and_the_engine(tmp_path):
    (one, two) = render_pages(write_text_pdf(tmp_path / "two.pdf", ["First page.", "Second page."]))
    engine = ocr.Tesseract("/usr/bin/tesseract", "tesseract 5.3.0", "eng+chi_sim")
    assert ocr.cache_key(one, engine) == ocr.cache_key(one.copy(), engine)
    assert ocr.cache_key(one, engine) != ocr.cache_key(two, engine)
    assert ocr.cache_key(one, engine) != ocr.cache_key(one, ocr.Tesseract(engine.path, "tesseract 5.4.0", "eng+chi_sim"))
    assert ocr.cache_key(one, engine) != ocr.cache_key(one, ocr.Tesseract(engine.path, engine.version, "eng"))


def test_without_tesseract_scanned_pages_are_skipped_with_the_install_hint(tmp_path, monkeypatch, mixed_pdf, cache):
    hide_tesseract(monkeypatch, tmp_path)
    document = read_document(mixed_pdf, "mixed.pdf")
    assert [s.page for s in document.sections] == [3]
    assert document.warnings == (f"pages 1, 2: scanned, left out; {OCR_MISSING}",)

    scan_only = write_scanned_pdf(tmp_path / "scan.pdf", write_text_pdf(tmp_path / "t.pdf", ["Words on paper."]))
    with pytest.raises(UnreadableFileError, match=f"no text layer.*{OCR_MISSING}"):
        read_document(scan_only, "scan.pdf")
    assert not cache.exists()  # nothing was recognised


def test_a_hanging_ocr_page_is_skipped_and_the_rest_is_read(tmp_path, monkeypatch, cache):
    fake_tesseract(monkeypatch, tmp_path)
    monkeypatch.setattr(pdf_worker, "OCR_PAGE_TIME_LIMIT", 2.0)
    monkeypatch.setattr(pdf_worker, "_tesseract_timeout", lambda: 60.0)  # Tesseract never gives up
    text_pdf = write_text_pdf(tmp_path / "t.pdf", ["Words on paper."])
    pdf = write_scanned_pdf(tmp_path / "scan.pdf", text_pdf, extra_text=TEXT_PAGE)
    document = read_document(pdf, "scan.pdf")
    assert [s.page for s in document.sections] == [2] and document.sections[0].text == TEXT_PAGE
    assert document.warnings == ("page 1: skipped, OCR took longer than 2 s",)


def test_tesseract_is_stopped_at_its_own_time_limit(tmp_path, monkeypatch):
    fake_tesseract(monkeypatch, tmp_path)
    engine = ocr.find_tesseract()
    assert engine == ocr.Tesseract(str(tmp_path / "fake-bin" / "tesseract"), "tesseract 5.0.0-fake", "eng")
    with pytest.raises(ocr.OcrError, match="OCR took longer than 0.5 s"):
        ocr.run_tesseract(b"P5\n1 1\n255\n\0", engine, timeout=0.5)


def test_a_library_built_before_tesseract_reads_its_scans_once_it_is_installed(tmp_path, monkeypatch, cache):
    needs_tesseract()
    library = tmp_path / "library"
    library.mkdir()
    scan_text = "Scanned pages become searchable passages."
    write_scanned_pdf(library / "scan.pdf", write_text_pdf(tmp_path / "s.pdf", [scan_text]))
    mixed_source = write_text_pdf(tmp_path / "m.pdf", ["Recognised inside a text PDF."])
    write_scanned_pdf(library / "mixed.pdf", mixed_source, extra_text=TEXT_PAGE)
    write_pdf(library / "plain.pdf", [TEXT_PAGE])
    lib, embedder = Library(library), FakeEmbedder()
    path = os.environ["PATH"]

    hide_tesseract(monkeypatch, tmp_path)
    lib.update(embedder.name, load_embedder=lambda name: embedder)
    status = lib.status().to_dict()
    assert {item["path"]: item["reason"] for item in status["skipped"]} == {
        "scan.pdf": f"no text layer (scanned or image-only PDF); {OCR_MISSING}"
    }
    assert status["warnings"] == {"mixed.pdf": [f"page 1: scanned, left out; {OCR_MISSING}"]}
    assert lib.plan(embedder.name).is_noop  # nothing to do while Tesseract is missing

    monkeypatch.setenv("PATH", path)
    plans = []
    report = lib.update(on_plan=plans.append, load_embedder=lambda name: embedder)
    assert plans[0].summary() == "1 new, 1 changed, 0 deleted, 1 unchanged"
    assert report.wrote_index and report.skipped == ()
    chunks = lib.load().chunks
    assert sorted(zip(chunks["path"], chunks["page"])) == [("mixed.pdf", 1), ("mixed.pdf", 2), ("plain.pdf", 1), ("scan.pdf", 1)]
    hits = lib.searcher(load=lambda _model: embedder).search("searchable passages recognised", mode="lexical").hits
    assert {(hit.path, hit.page) for hit in hits} == {("scan.pdf", 1), ("mixed.pdf", 1)}
    assert scan_text in next(hit.text for hit in hits if hit.path == "scan.pdf")
    assert lib.plan(embedder.name).is_noop  # read once: the next build has nothing to do


def test_an_index_from_before_ocr_retries_its_scans_too(tmp_path, monkeypatch, cache):
    """Builds before OCR gave another reason ("...; OCR it first to make it searchable")."""
    needs_tesseract()
    library = tmp_path / "library"
    library.mkdir()
    write_scanned_pdf(library / "scan.pdf", write_text_pdf(tmp_path / "s.pdf", ["Old scans are read at last."]))
    write_pdf(library / "plain.pdf", [TEXT_PAGE])
    lib, embedder = Library(library), FakeEmbedder()
    path = os.environ["PATH"]
    hide_tesseract(monkeypatch, tmp_path)
    lib.update(embedder.name, load_embedder=lambda name: embedder)
    manifest_file = lib.load().location / "manifest.json"
    old = manifest_file.read_text(encoding="utf-8").replace(
        OCR_MISSING, "OCR it first to make it searchable")
    assert "OCR it first" in old
    manifest_file.write_text(old, encoding="utf-8")
    assert lib.plan(embedder.name).is_noop
    monkeypatch.setenv("PATH", path)
    assert lib.plan(embedder.name).summary() == "1 new, 0 changed, 0 deleted, 1 unchanged"


@pytest.mark.slow
def test_the_shared_scanned_pdf_becomes_searchable(tmp_path, cache):
    """The one image-only PDF in the shared data (an English journal page; its file name holds
    the authors' names, which are printed on the page)."""
    needs_tesseract()
    source = shared_path("pdfs", "Legewie-Fagan_Aggressive-Policing_p231_scanned.pdf")
    library = tmp_path / "library"
    library.mkdir()
    (library / source.name).symlink_to(source)
    lib, embedder = Library(library), FakeEmbedder()
    report = lib.update(embedder.name, load_embedder=lambda name: embedder)
    assert report.skipped == () and report.chunks_total >= 3
    hits = lib.searcher(load=lambda _model: embedder).search("Legewie Fagan", mode="lexical").hits
    assert hits and hits[0].path == source.name and hits[0].page == 1
    assert "Legewie" in hits[0].text and "Fagan" in hits[0].text
    assert list(cache.rglob("*.json"))  # the page is in the cache: the next build will not OCR it
