"""Served copies of PDFs (ui/served_files.py): made once per content, pruned when the index
no longer holds that content."""

from __future__ import annotations

import hashlib

from ui.served_files import SERVED_FOLDER, prune_served_pdfs, served_pdf_url, served_subfolder


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_copy_is_made_once_and_pruned_when_its_pdf_leaves_the_index(tmp_path):
    library, static = tmp_path / "library", tmp_path / "static"
    library.mkdir()
    old, new = library / "a.pdf", library / "b.pdf"
    old.write_bytes(b"%PDF-1.4 old")
    new.write_bytes(b"%PDF-1.4 new")
    index = tmp_path / "index"
    url = served_pdf_url(old, _sha(old.read_bytes()), static, page=3, index_dir=index)
    assert url.startswith(f"app/static/{SERVED_FOLDER}/{served_subfolder(index)}/") and url.endswith("#page=3")
    served_pdf_url(new, _sha(new.read_bytes()), static, index_dir=index)
    folder = static / SERVED_FOLDER / served_subfolder(index)
    assert len(list(folder.glob("*.pdf"))) == 2
    (folder / ".tmp-123.pdf").write_bytes(b"being written")

    assert prune_served_pdfs(static, {_sha(new.read_bytes())}, index_dir=index) == 1
    assert sorted(p.name for p in folder.glob("*.pdf")) == [".tmp-123.pdf", f"{_sha(new.read_bytes())[:32]}.pdf"]
    assert (folder / ".tmp-123.pdf").exists()  # another session's copy in flight is left alone
    assert prune_served_pdfs(tmp_path / "nowhere", set(), index_dir=index) == 0


def test_with_the_pages_route_a_pdf_is_linked_under_its_own_name_and_nothing_is_copied(tmp_path, monkeypatch):
    """page.py's route (library/served_files.py): the link names the file itself, only linked files
    resolve, a file gone since is not served, and only the last REGISTERED_MAX links are kept."""
    import library.served_files as served

    monkeypatch.setitem(served._ROUTE, "installed", True)
    monkeypatch.setattr(served, "_REGISTERED", type(served._REGISTERED)())
    monkeypatch.setattr(served, "REGISTERED_MAX", 2)
    library, static = tmp_path / "library", tmp_path / "static"
    library.mkdir()
    pdf = library / "视频 修复 (2024).pdf"
    pdf.write_bytes(b"%PDF-1.4 own name")
    sha = _sha(pdf.read_bytes())
    url = served_pdf_url(pdf, sha, static, page=4, index_dir=tmp_path / "index")
    assert url == f"papers/{sha[:32]}/%E8%A7%86%E9%A2%91%20%E4%BF%AE%E5%A4%8D%20%282024%29.pdf#page=4"
    assert not static.exists()
    assert served.registered_pdf(sha[:32], pdf.name) == pdf
    assert served.registered_pdf(sha[:32], "other.pdf") is None and served.registered_pdf("0" * 32, pdf.name) is None
    others = []
    for number in range(2):
        other = library / f"{number}.pdf"
        other.write_bytes(f"%PDF-1.4 {number}".encode())
        others.append(other)
        served_pdf_url(other, _sha(other.read_bytes()), static, index_dir=tmp_path / "index")
    assert served.registered_pdf(sha[:32], pdf.name) is None  # the oldest link was forgotten
    others[1].unlink()
    assert served.registered_pdf(_sha(b"%PDF-1.4 1")[:32], "1.pdf") is None  # gone since it was linked
