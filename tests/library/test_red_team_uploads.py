"""Red team L11/L12: the upload check (index/uploads.py) must accept the PDFs the build reads
(junk before ``%PDF-``, even past byte 1024), and upload names must lose bidi overrides and the
other invisible format and control characters (``evil\\u202efdp.md`` shows as "evilmd.pdf")."""

from __future__ import annotations

import unicodedata

import pytest

from corpus import UnreadableFileError, pdf_worker, read_document
from library.uploads import add_files, safe_file_name
from tests.support.pdf_factory import write_pdf

PAGE = "Optical flow aligns neighbouring frames before fusion in video restoration."


@pytest.fixture
def pdf_bytes(tmp_path) -> bytes:
    return write_pdf(tmp_path / "base.pdf", [PAGE]).read_bytes()


@pytest.mark.parametrize("junk", [b"\0" * 1020, b"\n" * 1024, b"\0" * 5000, b"x" * 100, b"\xef\xbb\xbf"])
def test_a_pdf_the_build_reads_is_accepted_whatever_comes_before_its_header(tmp_path, monkeypatch, pdf_bytes, junk):
    data = junk + pdf_bytes
    monkeypatch.setattr(pdf_worker, "PAGE_TIME_LIMIT", None)
    (tmp_path / "check.pdf").write_bytes(data)
    assert read_document(tmp_path / "check.pdf", "check.pdf").sections  # the build reads it ...
    library = tmp_path / "library"
    library.mkdir()
    (result,) = add_files(library, "", [("paper.pdf", data)], {})
    assert result.outcome == "added", result.detail  # ... so the upload takes it
    assert (library / "paper.pdf").read_bytes() == data


def test_a_pdf_the_build_cannot_read_is_refused_with_the_builds_reason(tmp_path, monkeypatch, pdf_bytes):
    data = b"<html>" + b"x" * 5000 + pdf_bytes  # pypdf cannot find its objects behind this
    monkeypatch.setattr(pdf_worker, "PAGE_TIME_LIMIT", None)
    (tmp_path / "check.pdf").write_bytes(data)
    with pytest.raises(UnreadableFileError) as built:
        read_document(tmp_path / "check.pdf", "check.pdf")
    (result,) = add_files(tmp_path, "", [("page.pdf", data)], {})
    assert result.outcome == "refused" and result.detail == built.value.reason


def test_a_file_that_is_no_pdf_at_all_is_still_refused_as_not_a_pdf(tmp_path):
    (result,) = add_files(tmp_path, "", [("fake.pdf", b"# Notes\n\nplain text renamed to .pdf")], {})
    assert result.outcome == "refused" and "not a PDF" in result.detail


@pytest.mark.parametrize("name, safe", [
    ("evil\u202efdp.md", "evilfdp.md"),            # RIGHT-TO-LEFT OVERRIDE
    ("\u202bpaper\u202c.pdf", "paper.pdf"),        # embedding / pop
    ("a\u2066b\u2069.pdf", "ab.pdf"),              # isolates
    ("x\u200f\u200e.md", "x.md"),                  # marks
    ("zero\u200bwidth\ufeff.txt", "zerowidth.txt"),
    ("soft\u00adhyphen.pdf", "softhyphen.pdf"),
    ("line\u2028break\u2029.md", "line_break.md"),
    ("tab\there\x85.md", "tab_here.md"),           # C0 and C1 controls
    ("lone\ud800surrogate.md", "lonesurrogate.md"),
    ("论文\u202e.pdf", "论文.pdf"),
])
def test_upload_names_lose_format_and_control_characters(name, safe):
    assert safe_file_name(name) == safe


def test_no_upload_name_keeps_a_cc_or_cf_character():
    every = "".join(chr(c) for c in range(0x30000) if unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp"))
    name = safe_file_name(f"a{every}b.pdf")
    assert not [c for c in name if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp")]
    assert name.endswith(".pdf")


def test_a_stored_upload_has_the_safe_name(tmp_path):
    (result,) = add_files(tmp_path, "", [("evil\u202efdp.md", b"# Note\n\ntext")], {})
    assert result.path == "evilfdp.md" and (tmp_path / "evilfdp.md").exists()
