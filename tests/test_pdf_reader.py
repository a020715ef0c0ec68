from pathlib import Path

import pytest

from corpus import UnreadableFileError, read_document
from corpus.pdf_clean import clean_pages
from tests.conftest import shared_path
from tests.pdf_factory import encrypt_pdf, write_blank_pdf, write_pdf

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


def test_page_one_text_is_exactly_what_pypdf_extracts(tmp_path):
    """read_pdf takes page 1 from the same extraction as the PDF head; the text must not change."""
    from pypdf import PdfReader

    from corpus.pdf_head import head_and_first_page_text

    path = write_pdf(tmp_path / "paper.pdf", BODY, title="Recurrent Restoration")
    pages = [page.extract_text() for page in PdfReader(path).pages]
    head, text, error = head_and_first_page_text(PdfReader(path))
    assert (text, error) == (pages[0], None)
    assert head.metadata["/Title"] == "Recurrent Restoration" and head.lines
    document = read_document(path, "paper.pdf")
    assert document.pdf_head == head
    assert [s.text for s in document.sections] == clean_pages(pages)


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


def test_real_scanned_page_is_reported_as_having_no_text():
    path = shared_path("pdfs", "Legewie-Fagan_Aggressive-Policing_p231_scanned.pdf")
    with pytest.raises(UnreadableFileError, match="no text layer"):
        read_document(path, path.name)


def test_real_chinese_thesis_yields_chinese_text_with_page_numbers():
    path = shared_path("pdfs", "毕业论文_基于RISC-V架构的实时操作系统RVOS设计与应用.pdf")
    document = read_document(path, path.name)
    text = " ".join(s.text for s in document.sections)
    assert "操作系统" in text and "RISC-V" in text
    assert all(s.page >= 1 for s in document.sections)
