"""Red team L17: header/footer removal (corpus/pdf_clean.py) must never empty a page because its
lines recur on every page: a PDF with the same short text on each page was dropped whole as
"no text layer"."""

from __future__ import annotations

from corpus import pdf_worker, read_document
from corpus.pdf_clean import clean_pages
from tests.support.pdf_factory import write_pdf

SLIDE = "Deformable alignment for video super-resolution"


def test_a_page_whose_every_line_recurs_keeps_its_text():
    pages = clean_pages([f"{SLIDE}\nRVRT and BasicVSR++\n{n}" for n in range(1, 6)])
    assert pages == [f"{SLIDE} RVRT and BasicVSR++"] * 5  # the page number goes, the text stays


def test_running_headers_are_still_removed_from_pages_with_their_own_text():
    topics = ["optical flow", "frame alignment", "deblurring", "denoising", "inpainting"]
    raw = [f"Journal of Video 2024\nThis page is about {topic}.\nPage {n}" for n, topic in enumerate(topics, 1)]
    assert clean_pages(raw) == [f"This page is about {topic}." for topic in topics]


def test_a_pdf_with_the_same_text_on_every_page_is_indexed(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_worker, "PAGE_TIME_LIMIT", None)  # in this process: quicker
    path = write_pdf(tmp_path / "same.pdf", [SLIDE] * 4)
    document = read_document(path, "same.pdf")
    assert [section.page for section in document.sections] == [1, 2, 3, 4]
    assert all(SLIDE in section.text for section in document.sections)
