"""A library kept in Milvus moves like one kept in files (#21, M3): the index folder records its
alias, so a moved or renamed library finds its collection and a rebuild embeds nothing again."""

from __future__ import annotations

import shutil
from pathlib import Path

from index.milvus_store import ALIAS_FILE
from library import Library
from tests.support.fakes import FakeEmbedder


def _update(lib: Library, embedder: FakeEmbedder):
    return lib.update("fake-hash-64", load_embedder=lambda name: embedder)


def test_a_moved_library_finds_its_milvus_index_and_rebuilds_nothing(small_library: Path, tmp_path, milvus_lite_store):
    first = FakeEmbedder()
    lib = Library(small_library, None, milvus_lite_store)  # the index folder inside the library moves with it
    assert _update(lib, first).wrote_index
    assert (lib.index_dir / "milvus" / ALIAS_FILE).read_text().strip() == lib.store.alias
    moved = tmp_path / "renamed" / "my papers"
    moved.parent.mkdir()
    shutil.move(str(small_library), moved)
    again = Library(moved, None, milvus_lite_store)
    assert again.store.alias == lib.store.alias and again.has_index()
    assert again.searcher(load=lambda name: FakeEmbedder(name=name)).search("deformable", k=1, mode="lexical").hits
    later = FakeEmbedder()
    report = _update(again, later)
    assert not report.wrote_index and later.embedded == []


def test_an_index_built_before_the_alias_was_recorded_is_adopted_from_its_collections(small_library, tmp_path,
                                                                                       milvus_lite_store):
    lib = Library(small_library, None, milvus_lite_store)
    _update(lib, FakeEmbedder())
    (lib.index_dir / "milvus" / ALIAS_FILE).unlink()  # as an older build left it
    moved = tmp_path / "elsewhere"
    shutil.move(str(small_library), moved)
    adopted = Library(moved, None, milvus_lite_store)
    assert adopted.store.alias == lib.store.alias and adopted.has_index()
