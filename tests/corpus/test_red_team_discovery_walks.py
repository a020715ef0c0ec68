"""Red team L13/L15: discovery (corpus/discover.py) must not turn a symlink to `/`, to a folder
containing the library or to /proc into "the whole machine", nor crash (RecursionError) on
folders nested a thousand deep; the upload folder list (index/uploads.py) walks the same way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from corpus import discover_library
from library import Library
from library.uploads import relative_folders
from tests.support.fakes import FakeEmbedder

NOTE = "# Deep\n\nOptical flow aligns neighbouring frames before fusion.\n"


def library_with_note(tmp_path: Path) -> Path:
    library = tmp_path / "outer" / "library"
    (library / "notes").mkdir(parents=True)
    (library / "notes" / "a.md").write_text(NOTE, encoding="utf-8")
    (tmp_path / "outer" / "beside.md").write_text(NOTE, encoding="utf-8")  # outside the library
    return library


@pytest.mark.parametrize("target, why", [
    (lambda tmp: Path("/"), "a folder containing the library"),
    (lambda tmp: tmp / "outer", "a folder containing the library"),
    (lambda tmp: tmp / "outer" / "library", "the library folder itself"),
    (lambda tmp: Path("/proc"), "system folder /proc"),
    (lambda tmp: Path("/sys/kernel"), "system folder /sys"),
    (lambda tmp: Path("/dev"), "system folder /dev"),
])
def test_a_link_to_an_ancestor_or_a_system_folder_is_not_followed(tmp_path, target, why):
    library = library_with_note(tmp_path)
    (library / "notes" / "everything").symlink_to(target(tmp_path), target_is_directory=True)
    found = discover_library(library)
    assert list(found.files) == ["notes/a.md"]
    assert why in found.problems["notes/everything"] and "not followed" in found.problems["notes/everything"]


def test_a_link_cycle_through_a_linked_folder_is_reported_once(tmp_path):
    library = library_with_note(tmp_path)
    shared = tmp_path / "shared"
    (shared / "sub").mkdir(parents=True)
    (shared / "sub" / "s.md").write_text(NOTE, encoding="utf-8")
    (shared / "sub" / "back").symlink_to(shared, target_is_directory=True)  # a cycle outside the library
    (library / "shared").symlink_to(shared, target_is_directory=True)
    found = discover_library(library)
    assert list(found.files) == ["notes/a.md", "shared/sub/s.md"]
    assert "a folder it is inside" in found.problems["shared/sub/back"]


def test_a_second_link_to_the_same_folder_names_where_it_was_searched(tmp_path):
    library = library_with_note(tmp_path)
    (library / "a-link").symlink_to(library / "notes", target_is_directory=True)  # sorts before notes/
    found = discover_library(library)
    assert list(found.files) == ["notes/a.md"]  # listed where the file really is
    assert found.problems == {"a-link": "the same folder as notes (through a link); searched there only"}


def test_a_link_to_root_does_not_make_the_build_index_the_machine(tmp_path):
    library = library_with_note(tmp_path)
    (library / "root").symlink_to("/", target_is_directory=True)
    lib = Library(library)
    embedder = FakeEmbedder()
    plan = lib.plan(embedder.name)
    assert plan.files.keys() == {"notes/a.md"}
    report = lib.build(plan, embedder)
    assert report.chunks_total >= 1


def nest(top: Path, depth: int) -> Path:
    """`depth` folders one inside the other under `top` (made with relative paths, so no path
    grows past the system's limit while making them); returns the deepest folder's path."""
    here = os.open(top, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=here)
            inner = os.open("d", os.O_RDONLY, dir_fd=here)
            os.close(here)
            here = inner
        with open(os.open("deep.md", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=here), "w", encoding="utf-8") as note:
            note.write(NOTE)
    finally:
        os.close(here)
    return top.joinpath(*["d"] * depth)


def unnest(top: Path) -> None:
    """Remove what `nest` made, a level at a time (shutil.rmtree recurses, and pytest's clean-up
    of old temporary folders would hit RecursionError on it)."""
    while (top / "d").exists():
        for entry in (top / "d").iterdir():
            if entry.name != "d":
                entry.unlink()
        if (top / "d" / "d").exists():
            os.rename(top / "d" / "d", top / "d.next")
            os.rmdir(top / "d")
            os.rename(top / "d.next", top / "d")
        else:
            os.rmdir(top / "d")


@pytest.fixture
def library(tmp_path):
    library = library_with_note(tmp_path)
    yield library
    unnest(library)


def test_folders_a_thousand_deep_are_walked_without_a_crash(library):
    nest(library, 1200)
    found = discover_library(library)
    assert found.files.keys() == {"notes/a.md", "/".join(["d"] * 1200) + "/deep.md"}
    assert found.unreadable_folders == {}
    assert "/".join(["d"] * 1199) in relative_folders(library, library / ".papersearch")


def test_folders_too_deep_to_open_are_skipped_with_a_reason(library):
    nest(library, 2100)  # over 4,096 bytes of path: the system cannot open them by name
    found = discover_library(library)
    assert "notes/a.md" in found.files
    assert found.unreadable_folders and all("cannot be read" in why for why in found.unreadable_folders.values())
    lib = Library(library)
    plan = lib.plan(FakeEmbedder().name)  # status and build plan the same way
    assert "notes/a.md" in plan.files


def test_watching_a_library_too_deep_for_the_watcher_is_a_clear_error(library):
    """watchdog walks the folders recursively to watch them: a clean domain error, not a crash."""
    import threading

    from index import PapersearchError
    from library.watch import LibraryWatcher

    nest(library, 1200)
    watcher = LibraryWatcher(Library(library), lambda: None, settle=0.0, update_first=False)
    stop = threading.Event()
    stop.set()
    with pytest.raises(PapersearchError, match="nested too deep to be watched"):
        watcher.run(stop)
