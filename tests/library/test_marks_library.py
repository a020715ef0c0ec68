"""Marks set through the Library survive what a build does: a full rebuild, an index rebuilt after
damage, a moved library; search's Read filter follows them without reloading the index."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from library import MARKS_FILE, Library, MarksFileError
from search import ResultFilter, UnknownItemError
from tests.support.fakes import FakeEmbedder

LIST = """# Video restoration
- [ ] "Deformable Attention for Video Restoration" CVPR, 2022 Mar, **DAV**
  [paper](https://arxiv.org/abs/2201.00520)
  > aligns neighbouring frames with deformable attention
- [ ] "Flow Guided Propagation for Inpainting" ICCV, 2021 Oct, **FGP**
  > propagates pixels along optical flow
"""


@pytest.fixture
def marked_library(tmp_path: Path) -> Path:
    library = tmp_path / "library"
    (library / "lists").mkdir(parents=True)
    (library / "lists" / "video.md").write_text(LIST, encoding="utf-8")
    return library


def build(lib: Library):
    return lib.update("fake-hash-64", load_embedder=lambda name: FakeEmbedder(name=name))


def paper(lib: Library, title_start: str):
    return next(p for p in lib.catalog().papers if p.title.startswith(title_start))


def read_titles(lib: Library, **where) -> set[str]:
    searcher = lib.searcher(load=lambda name: FakeEmbedder(name=name))
    hits = searcher.search("frames", k=20, where=ResultFilter(**where)).hits
    return {hit.paper_title for hit in hits}


def test_a_mark_changes_the_read_filter_at_once_and_survives_a_full_rebuild(marked_library):
    lib = Library(marked_library)
    build(lib)
    assert read_titles(lib, read=True) == set()
    searcher = lib.searcher(load=lambda name: FakeEmbedder(name=name))
    dav = paper(lib, "Deformable")
    marked = lib.mark(dav.paper_id, reading="read", add_tags=["alignment"])
    assert (marked.reading, marked.read_source, marked.tags) == ("read", "marked", ("alignment",))
    # the searcher loaded before the mark sees it once the marks are laid over it again (the page does this)
    again = lib.with_marks(searcher)
    assert {h.paper_title for h in again.search("frames", k=20, where=ResultFilter(read=True)).hits} == {dav.title}
    assert {h.paper_title for h in again.search("frames", k=20, where=ResultFilter(tag="Alignment")).hits} == {dav.title}
    shutil.rmtree(lib.index_dir)  # a full rebuild from nothing
    build(Library(marked_library))
    assert read_titles(Library(marked_library), read=True) == {dav.title}
    data = json.loads((marked_library / MARKS_FILE).read_text(encoding="utf-8"))
    assert data["papers"]["arxiv:2201.00520"]["reading"] == "read"
    assert (marked_library / "lists" / "video.md").read_text(encoding="utf-8") == LIST  # the note is never rewritten


def test_marks_survive_an_index_rebuilt_after_damage_and_a_moved_library(marked_library, tmp_path):
    lib = Library(marked_library)
    build(lib)
    fgp = paper(lib, "Flow Guided")
    lib.mark(fgp.paper_id, reading="to-read")
    build_folder = lib.index_dir / "builds" / (lib.index_dir / "CURRENT").read_text().strip()
    (build_folder / "papers.json").write_text("{ damaged", encoding="utf-8")
    report = build(Library(marked_library))
    assert report.wrote_index
    assert paper(Library(marked_library), "Flow Guided").reading == "to-read"
    moved = tmp_path / "elsewhere" / "my papers"
    moved.parent.mkdir()
    shutil.move(marked_library, moved)
    lib = Library(moved)
    assert paper(lib, "Flow Guided").reading == "to-read"
    assert read_titles(lib, to_read=True) == {fgp.title}
    assert fgp.title not in read_titles(lib, read=True)


def test_unknown_papers_and_a_broken_marks_file_are_errors_that_change_nothing(marked_library):
    lib = Library(marked_library)
    build(lib)
    with pytest.raises(UnknownItemError, match="no-such-paper"):
        lib.mark("no-such-paper", reading="read")
    assert not (marked_library / MARKS_FILE).exists()
    flow = paper(lib, "Flow")
    (marked_library / MARKS_FILE).write_text('{"papers": {"title:x": ', encoding="utf-8")
    with pytest.raises(MarksFileError, match="not valid JSON"):
        lib.mark(flow.paper_id, reading="read")
    with pytest.raises(MarksFileError, match="not valid JSON"):
        lib.catalog()
    assert (marked_library / MARKS_FILE).read_text(encoding="utf-8") == '{"papers": {"title:x": '


def test_the_marks_version_changes_with_every_change_even_one_of_the_same_size(marked_library):
    """The page caches its marked view by this version: read -> to-read -> read within one clock tick
    writes a file of the size and (coarse) mtime it had two changes ago, but not the same content
    as the previous one."""
    lib = Library(marked_library)
    build(lib)
    assert lib.marks_file.version() is None
    dav = paper(lib, "Deformable Attention").paper_id
    seen = []
    for reading in ("read", "unread", "to-read", "read"):
        lib.mark(dav, reading=reading)
        seen.append(lib.marks_file.version())
    assert len(set(seen[:3])) == 3 and seen[3] != seen[2]
    lib.mark(dav, add_tags=["ab"])
    with_ab = lib.marks_file.version()
    lib.mark(dav, add_tags=["cd"], remove_tags=["ab"])  # a tag swapped for one as long
    assert lib.marks_file.version() != with_ab
