from pathlib import Path

import pytest

from corpus import UnreadableFileError, read_document
from corpus.pdf_clean import clean_pages
from tests.support.paths import shared_path
from tests.support.pdf_factory import encrypt_pdf, write_blank_pdf, write_pdf

BODY = [
    "Recurrent networks propagate features\nacross frames for video resto-\nration of old films.",
    "Deformable alignment samples\nneighbouring features with learned off-\nsets before fusion.",
    "We evaluate on REDS4 and Vid4 and\nreport PSNR and SSIM on the Y channel.",
    "Limitations: fast motion still causes\nghosting artefacts.",
]


def test_pages_are_cleaned_of_running_headers_footers_and_hyphens(tmp_path):
    path = write_pdf(
        tmp_path / "paper.pdf", BODY, title="Recurrent Restoration", header="Workshop on Old Films 2024",
        footer="Page {page} of 4",
    )
    document = read_document(path, "paper.pdf")
    assert document.kind == "pdf" and document.title == "Recurrent Restoration"
    assert [s.page for s in document.sections] == [1, 2, 3, 4]
    first, second = document.sections[0].text, document.sections[1].text
    assert first == "Recurrent networks propagate features across frames for video restoration of old films."
    assert "learned offsets before fusion" in second
    assert not any("Workshop" in s.text or "Page" in s.text for s in document.sections)


def test_cleaning_joins_chinese_lines_without_spaces_and_keeps_unique_edges():
    pages = clean_pages(["标题甲\n视频超分\n辨率方法", "标题乙\n另一页内容", "标题丙\n第三页"])
    assert pages[0] == "标题甲视频超分辨率方法"  # different first lines are content, not headers


def test_title_comes_from_file_name_without_metadata(tmp_path):
    path = write_pdf(tmp_path / "Deep Residual Learning.pdf", ["Residual blocks ease optimisation."])
    assert read_document(path, path.name).title == "Deep Residual Learning"


def test_pdf_encrypted_with_empty_user_password_is_read(tmp_path):
    plain = write_pdf(tmp_path / "plain.pdf", ["Open to everyone."])
    locked = encrypt_pdf(plain, tmp_path / "locked.pdf", user_password="")
    assert "Open to everyone." in read_document(locked, "locked.pdf").sections[0].text


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: encrypt_pdf(write_pdf(d / "p.pdf", ["secret"]), d / "bad.pdf", "hunter2"), "encrypted"),
        (lambda d: _write(d / "bad.pdf", b""), "empty file"),
        (lambda d: _write(d / "bad.pdf", b"%PDF-1.4\nthis is not really a pdf"), "corrupt or truncated"),
        (lambda d: _truncate(write_pdf(d / "p.pdf", BODY), d / "bad.pdf"), "corrupt or truncated|no text layer"),
        (lambda d: write_blank_pdf(d / "bad.pdf", pages=2), "no text layer"),
    ],
    ids=["encrypted", "zero-byte", "garbage", "truncated", "scanned"],
)
def test_unreadable_pdfs_raise_with_reason(tmp_path, make, reason):
    path = make(tmp_path)
    with pytest.raises(UnreadableFileError, match=reason):
        read_document(path, "bad.pdf")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncate(source: Path, target: Path) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 3])
    return target


def test_pages_come_from_pdfium_and_the_head_from_pypdf(tmp_path):
    """Page text is pdfium's (cleaned); metadata and page 1's layout are pypdf's, as before."""
    import pypdfium2 as pdfium
    from pypdf import PdfReader

    from corpus.pdf_head import head_and_first_page_text
    from corpus.pdf_text import pdfium_page_text

    path = write_pdf(tmp_path / "paper.pdf", BODY, title="Recurrent Restoration")
    head, _, error = head_and_first_page_text(PdfReader(path))
    assert error is None and head.metadata["/Title"] == "Recurrent Restoration" and head.lines
    with pdfium.PdfDocument(str(path)) as pdf:
        pages = [pdfium_page_text(pdf, index) for index in range(len(pdf))]
    document = read_document(path, "paper.pdf")
    assert document.pdf_head == head and document.warnings == ()
    assert [s.text for s in document.sections] == clean_pages(pages)
    # and on this file both engines say the same after cleaning
    assert clean_pages(pages) == clean_pages([page.extract_text() for page in PdfReader(path).pages])


def test_page_one_text_matches_pypdf_on_the_shared_pdfs():
    from pypdf import PdfReader

    from corpus.pdf_head import head_and_first_page_text

    paths = sorted(shared_path("pdfs").glob("*.pdf"))
    assert paths
    for path in paths:
        expected = PdfReader(path, strict=False).pages[0].extract_text()
        assert head_and_first_page_text(PdfReader(path, strict=False))[1] == expected, path.name


def test_scanned_pdf_error_carries_its_head(tmp_path):
    path = write_blank_pdf(tmp_path / "scan.pdf", pages=2)
    with pytest.raises(UnreadableFileError, match="no text layer") as raised:
        read_document(path, "scan.pdf")
    assert raised.value.pdf_head is not None and raised.value.pdf_head.lines == ()
    with pytest.raises(UnreadableFileError, match="empty file") as raised:
        read_document(_write(tmp_path / "empty.pdf", b""), "empty.pdf")
    assert raised.value.pdf_head is None


def test_real_scanned_page_is_reported_as_having_no_text(monkeypatch, tmp_path):
    path = shared_path("pdfs", "Legewie-Fagan_Aggressive-Policing_p231_scanned.pdf")
    monkeypatch.setenv("PATH", str(tmp_path))  # no Tesseract (tests/corpus/test_ocr.py reads it with one)
    with pytest.raises(UnreadableFileError, match="no text layer.*install tesseract-ocr"):
        read_document(path, path.name)


def test_real_chinese_thesis_yields_chinese_text_with_page_numbers():
    path = shared_path("pdfs", "毕业论文_基于RISC-V架构的实时操作系统RVOS设计与应用.pdf")
    document = read_document(path, path.name)
    text = " ".join(s.text for s in document.sections)
    assert "操作系统" in text and "RISC-V" in text
    assert all(s.page >= 1 for s in document.sections)


def test_pdfium_line_end_hyphens_are_cleaned_like_pypdf_ones():
    pdfium_style = "Deformable align\x02ment samples GPT\x024V and Grad\x02CAM\r\nfeatures"
    pypdf_style = "Deformable align-\nment samples GPT-4V and Grad-CAM\nfeatures"
    assert clean_pages([pdfium_style]) == clean_pages([pypdf_style]) == [
        "Deformable alignment samples GPT-4V and Grad-CAM features"
    ]


@pytest.mark.parametrize("algorithm", [None, "AES-128", "AES-256"])
def test_owner_password_only_pdf_is_read_by_pdfium_without_warnings(tmp_path, algorithm):
    from corpus.pdf_text import pdf_events

    locked = encrypt_pdf(write_pdf(tmp_path / "plain.pdf", BODY), tmp_path / "locked.pdf", "", algorithm)
    events = list(pdf_events(locked))
    assert [e[0] for e in events] == ["head", "pages"] + ["page"] * 4
    assert all(e[3] is None for e in events[2:]) and "Recurrent networks" in events[2][2]


def test_pdfium_failures_fall_back_to_pypdf(tmp_path, monkeypatch):
    import pypdfium2 as pdfium

    from corpus import pdf_text

    path = write_pdf(tmp_path / "paper.pdf", BODY)
    expected = clean_pages([e[2] for e in pdf_text.pdf_events(path) if e[0] == "page"])

    def broken_page(document, index, *marks):
        raise pdfium.PdfiumError("bad page")

    monkeypatch.setattr(pdf_text, "pdfium_page_text", broken_page)  # every page: pypdf reads it
    assert clean_pages([e[2] for e in pdf_text.pdf_events(path) if e[0] == "page"]) == expected
    monkeypatch.undo()

    def unopenable(*args, **kwargs):
        raise pdfium.PdfiumError("cannot open")

    monkeypatch.setattr(pdf_text.pdfium, "PdfDocument", unopenable)  # the whole file: pypdf
    for with_head in (True, False):
        events = list(pdf_text.pdf_events(path, with_head=with_head))
        assert clean_pages([e[2] for e in events if e[0] == "page"]) == expected


# --- the per-page time limit: a worker whose extraction hangs or crashes on chosen pages -------

SIX_PAGES = [f"This page is about {word}." for word in ("alignment", "fusion", "flow", "warping", "training", "results")]


@pytest.fixture
def slow_worker(monkeypatch):
    """The PDF worker from tests/support/slow_pdf_worker.py, with a 2 s limit per page (1 s was
    exceeded by ordinary steps on a machine with a load average of 18)."""
    from corpus import pdf_worker

    pdf_worker.stop_worker()
    monkeypatch.setattr(pdf_worker, "_WORKER_MODULE", "tests.support.slow_pdf_worker")
    monkeypatch.setattr(pdf_worker, "PAGE_TIME_LIMIT", 2.0)
    yield monkeypatch
    pdf_worker.stop_worker()
    monkeypatch.undo()


def _start_worker():
    """Start the worker now (it sees the environment the test set): had it failed to start,
    files would be read in-process, where a hanging page really hangs."""
    from corpus import pdf_worker

    with pdf_worker._lock:
        assert pdf_worker._get_worker() is not None


def _read_timed(path):
    import time

    _start_worker()
    started = time.perf_counter()
    document = read_document(path, path.name)
    return document, time.perf_counter() - started


def test_a_page_that_hangs_is_skipped_after_the_limit_and_the_rest_is_read(tmp_path, slow_worker):
    slow_worker.setenv("PAPERSEARCH_TEST_HANG_PAGES", "2")
    document, seconds = _read_timed(write_pdf(tmp_path / "paper.pdf", SIX_PAGES))
    assert [s.page for s in document.sections] == [1, 3, 4, 5, 6]
    assert document.sections[1].text == "This page is about flow."
    assert document.warnings == ("page 2: skipped, reading its text took longer than 2 s",)
    assert seconds < 10  # 2 s limit + a worker restart, not an hour

    # the worker that replaced the killed one reads the next file in full
    other, _ = _read_timed(write_pdf(tmp_path / "other.pdf", SIX_PAGES[:1]))
    assert [s.page for s in other.sections] == [1] and other.warnings == ()


def test_a_page_that_crashes_the_extractor_is_skipped(tmp_path, slow_worker):
    slow_worker.setenv("PAPERSEARCH_TEST_CRASH_PAGES", "3")
    document, _ = _read_timed(write_pdf(tmp_path / "paper.pdf", SIX_PAGES))
    assert [s.page for s in document.sections] == [1, 2, 4, 5, 6]
    (warning,) = document.warnings
    assert warning.startswith("page 3: skipped") and "crashed" in warning


def test_after_max_slow_pages_the_rest_of_the_file_is_skipped(tmp_path, slow_worker):
    from corpus import pdf_worker

    slow_worker.setattr(pdf_worker, "MAX_SLOW_PAGES", 2)
    slow_worker.setenv("PAPERSEARCH_TEST_HANG_PAGES", "2,4")
    document, seconds = _read_timed(write_pdf(tmp_path / "paper.pdf", SIX_PAGES))
    assert [s.page for s in document.sections] == [1, 3]
    assert document.warnings[-1] == "pages 5–6: skipped, after 2 pages each took longer than 2 s"
    assert seconds < 15


def test_every_page_hanging_gives_an_unreadable_file(tmp_path, slow_worker):
    slow_worker.setenv("PAPERSEARCH_TEST_HANG_PAGES", "1,2")
    path = write_pdf(tmp_path / "paper.pdf", SIX_PAGES[:2])
    _start_worker()
    with pytest.raises(UnreadableFileError, match="from any page .*took longer than 2 s") as raised:
        read_document(path, "paper.pdf")
    assert raised.value.pdf_head is not None and raised.value.pdf_head.lines  # pypdf's head survived


def test_a_hanging_page_one_layout_keeps_the_text(tmp_path, slow_worker):
    from corpus import PdfHead

    slow_worker.setenv("PAPERSEARCH_TEST_HANG_HEAD", "1")
    document, _ = _read_timed(write_pdf(tmp_path / "Old Films.pdf", SIX_PAGES[:2], title="Ignored Title"))
    assert [s.page for s in document.sections] == [1, 2]
    assert document.pdf_head == PdfHead() and document.title == "Old Films"
    assert document.warnings[0].startswith("page 1: reading the metadata and layout")


def test_a_skipped_page_reaches_the_index_status(small_library, fake_embedder, slow_worker):
    from library import Library

    slow_worker.setenv("PAPERSEARCH_TEST_HANG_PAGES", "3")  # transformers.pdf has two pages
    write_pdf(small_library / "pdfs" / "slow.pdf", SIX_PAGES[:3])
    lib = Library(small_library)
    _start_worker()
    lib.build(lib.plan(fake_embedder.name), fake_embedder)
    status = lib.status().to_dict()
    assert status["warnings"] == {"pdfs/slow.pdf": ["page 3: skipped, reading its text took longer than 2 s"]}
    assert not status["skipped"]


def test_a_worker_that_exited_is_replaced(tmp_path):
    """The worker exits by itself when idle (or is killed): the next file starts a new one."""
    from corpus import pdf_worker

    path = write_pdf(tmp_path / "paper.pdf", BODY)
    first = read_document(path, "paper.pdf")
    pdf_worker._worker.process.kill()
    pdf_worker._worker.process.wait()
    again = read_document(path, "paper.pdf")
    assert again == first and pdf_worker._worker.process.poll() is None


def test_without_a_time_limit_pdfs_are_read_in_process_with_the_same_reasons(tmp_path, monkeypatch):
    from pypdf.errors import LimitReachedError

    from corpus import pdf_text, pdf_worker

    path = write_pdf(tmp_path / "paper.pdf", BODY, title="Recurrent Restoration")
    expected = read_document(path, "paper.pdf")  # through the worker
    monkeypatch.setattr(pdf_worker, "PAGE_TIME_LIMIT", None)
    assert read_document(path, "paper.pdf") == expected and expected.warnings == ()

    def too_big(*args, **kwargs):
        raise LimitReachedError("Limit reached while decompressing: 75000000 bytes")

    monkeypatch.setattr(pdf_text, "PdfReader", too_big)
    with pytest.raises(UnreadableFileError, match="too large to decompress safely"):
        read_document(path, "paper.pdf")
