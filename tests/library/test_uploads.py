"""Adding papers from the page: safe names, nothing overwritten, nothing stored twice."""

from __future__ import annotations

import pytest

from library import Library, safe_file_name
from index import UnsafePathError
from tests.support.fakes import FakeEmbedder


@pytest.mark.parametrize(("name", "safe"), [
    ("../../x.pdf", "x.pdf"), (".hidden.md", "hidden.md"), ("a\nb.pdf", "a_b.pdf"), ("..", "upload"),
    ("C:\\Users\\me\\报告.PDF", "报告.pdf"), ("/etc/passwd.md", "passwd.md"), ("a:b*c?.txt", "a_b_c.txt"),  # hygiene: example
    ("注意力机制笔记.md", "注意力机制笔记.md"),
])
def test_upload_names_are_made_safe(name, safe):
    assert safe_file_name(name) == safe


def test_an_overlong_name_keeps_its_suffix_and_fits_the_file_system():
    name = safe_file_name("论文" * 200 + ".pdf")
    assert name.endswith(".pdf") and len(name.encode("utf-8")) <= 200


def test_added_files_are_stored_renamed_or_reported(small_library):
    lib = Library(small_library)
    lib.update("fake-hash-64", load_embedder=lambda name: FakeEmbedder(name=name))
    existing = (small_library / "notes" / "alignment.md").read_bytes()
    results = lib.add_files("notes", [
        ("new.md", b"# New\n\nfresh"), ("alignment.md", b"# Other text\n\nsame name, other bytes"),
        ("copy.md", existing), ("../../escape.md", b"# Escape\n\ntry"), ("slides.pptx", b"x"), ("empty.md", b""),
        ("twice.md", b"# Twice\n\nsame"), ("again.md", b"# Twice\n\nsame"),
    ])
    outcome = {r.name: (r.outcome, r.path or r.detail) for r in results}
    assert outcome["new.md"] == ("added", "notes/new.md")
    assert outcome["alignment.md"] == ("renamed", "notes/alignment (2).md")
    assert outcome["copy.md"] == ("duplicate", "notes/alignment.md")
    assert outcome["../../escape.md"] == ("added", "notes/escape.md")
    assert outcome["slides.pptx"][0] == "refused" and outcome["empty.md"][0] == "refused"
    assert outcome["again.md"] == ("duplicate", "notes/twice.md")
    assert (small_library / "notes" / "alignment.md").read_bytes() == existing  # never overwritten
    assert not list(small_library.rglob(".upload-*"))
    report = lib.update(load_embedder=lambda name: FakeEmbedder(name=name))
    assert report.plan.summary().startswith("4 new")


def test_an_upload_folder_outside_the_library_is_refused(small_library):
    with pytest.raises(UnsafePathError):
        Library(small_library).add_files("../elsewhere", [("x.md", b"# X\n\ny")])


def test_folders_list_the_library_without_the_index(small_library):
    lib = Library(small_library)
    lib.update("fake-hash-64", load_embedder=lambda name: FakeEmbedder(name=name))
    assert lib.folders() == ["", "notes", "pdfs"]


def test_files_no_build_could_read_are_refused_at_upload_and_stored_ones_are_readable(small_library, tmp_path):
    from tests.support.pdf_factory import write_pdf

    pdf = write_pdf(tmp_path / "real.pdf", title="Real", pages=["A real page."]).read_bytes()
    results = Library(small_library).add_files("", [
        ("fake.pdf", b"# Notes\n\nplain text renamed to .pdf"), ("bin.md", b"\xff\xfe\x00\x00" + bytes(range(1, 65))),
        ("real.pdf", pdf), ("note.md", "# 笔记\n\n正文".encode("utf-16")),
    ])
    outcome = {r.name: (r.outcome, r.path or r.detail) for r in results}
    assert outcome["fake.pdf"][0] == "refused" and "not a PDF" in outcome["fake.pdf"][1]
    assert outcome["bin.md"][0] == "refused" and "binary" in outcome["bin.md"][1]
    assert outcome["real.pdf"] == ("added", "real.pdf") and outcome["note.md"] == ("added", "note.md")
    assert not (small_library / "fake.pdf").exists() and not (small_library / "bin.md").exists()
    assert (small_library / "real.pdf").stat().st_mode & 0o777 == 0o644  # like the user's own files, not 0600


def test_a_file_deleted_since_the_last_build_can_be_added_again(small_library):
    """The manifest still lists the deleted file's bytes until the next build: that is no reason
    to refuse them as "already in the library" at a path that is not there any more."""
    lib = Library(small_library)
    lib.update("fake-hash-64", load_embedder=lambda name: FakeEmbedder(name=name))
    note = small_library / "notes" / "alignment.md"
    data = note.read_bytes()
    note.unlink()
    [result] = lib.add_files("notes", [("alignment.md", data)])
    assert (result.outcome, result.path) == ("added", "notes/alignment.md")
    assert note.read_bytes() == data
    [again] = lib.add_files("", [("copy.md", data)])  # now it is there: a duplicate again
    assert (again.outcome, again.detail) == ("duplicate", "notes/alignment.md")
