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
