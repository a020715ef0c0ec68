"""L10: two page servers started from one checkout share its static/ folder. Each index's served PDF
copies live in a subfolder named for that index, and a server prunes only its own: a rebuild of one
index never deletes the copies the other server's open links point at."""

from __future__ import annotations

from library import Library
from library.served_files import SERVED_FOLDER, prune_served_pdfs, served_pdf_url, served_subfolder
from tests.support.fakes import FakeEmbedder
from tests.support.pdf_factory import write_pdf


def _library(root, text):
    root.mkdir()
    (root / "note.md").write_text("# Notes\n\nA note that stays.\n", encoding="utf-8")
    write_pdf(root / "paper.pdf", title="A paper", pages=[text])
    lib = Library(root)
    lib.build(lib.plan("fake-hash-64"), FakeEmbedder())
    return lib


def _serve_all(lib, static):
    """What a page server of `lib` does: serve its PDFs, then prune against its own manifest."""
    files = lib.manifest().files
    urls = [served_pdf_url(lib.path_of(path), record.sha256, static, 1, index_dir=lib.index_dir)
            for path, record in files.items() if record.kind == "pdf"]
    prune_served_pdfs(static, {r.sha256 for r in files.values() if r.kind == "pdf"}, index_dir=lib.index_dir)
    return urls


def test_two_servers_never_delete_each_others_served_pdfs(tmp_path):
    static = tmp_path / "checkout" / "static"
    first = _library(tmp_path / "one", "Deformable convolution aligns frames.")
    second = _library(tmp_path / "two", "Diffusion models denoise step by step.")
    assert served_subfolder(first.index_dir) != served_subfolder(second.index_dir)

    first_urls = _serve_all(first, static)
    second_urls = _serve_all(second, static)
    first_urls = _serve_all(first, static)  # the first server reloads: its prune must spare the second's copies
    for url in first_urls + second_urls:
        assert (static.parent / url.split("#")[0].removeprefix("app/")).is_file(), url

    (tmp_path / "two" / "paper.pdf").unlink()  # the second library drops its PDF and rebuilds
    second.build(second.plan("fake-hash-64"), FakeEmbedder())
    assert _serve_all(second, static) == []
    assert not list((static / SERVED_FOLDER / served_subfolder(second.index_dir)).glob("*.pdf"))
    assert all((static.parent / url.split("#")[0].removeprefix("app/")).is_file() for url in first_urls)


def test_the_subfolder_is_the_same_for_every_spelling_of_the_index_path(tmp_path, monkeypatch):
    (tmp_path / "index").mkdir()
    monkeypatch.chdir(tmp_path)
    assert served_subfolder("index") == served_subfolder(tmp_path / "index") == served_subfolder(tmp_path / "x" / ".." / "index")
