"""Library.update: the one plan → no-op? → load model → build → report path every edge uses."""

from __future__ import annotations

import pytest

from index import InvalidSettingsError
from corpus import LexicalTokenizer
from library import Library
from tests.support.fakes import FakeEmbedder


class CountingLoader:
    """Stands in for the CLI's and the page's model loaders; records every model it loads."""

    def __init__(self):
        self.loaded: list[str] = []

    def __call__(self, name: str) -> FakeEmbedder:
        self.loaded.append(name)
        return FakeEmbedder(name=name)


def test_first_update_plans_loads_the_model_once_and_builds(small_library):
    lib, loader, plans = Library(small_library), CountingLoader(), []
    report = lib.update("fake-hash-64", on_plan=plans.append, load_embedder=loader)
    assert [p.summary() for p in plans] == ["3 new, 0 changed, 0 deleted, 0 unchanged"]
    assert loader.loaded == ["fake-hash-64"] and report.wrote_index and report.files_total == 3


def test_update_with_nothing_changed_loads_no_model(small_library):
    lib, loader = Library(small_library), CountingLoader()
    lib.update("fake-hash-64", load_embedder=loader)
    report = lib.update(load_embedder=loader)  # the index's own model
    assert not report.wrote_index and loader.loaded == ["fake-hash-64"]
    assert report.summary() == "Index is up to date: 3 files, %d chunks." % report.chunks_total


def test_a_changed_lexical_tokenizer_is_not_reported_up_to_date(small_library, monkeypatch):
    lib, loader = Library(small_library), CountingLoader()
    lib.update("fake-hash-64", load_embedder=loader)
    monkeypatch.setattr(LexicalTokenizer, "settings", lambda self: {"tokenizer": "papersearch-v2", "chinese": "bigram"})
    report = lib.update(load_embedder=loader)
    assert report.wrote_index and report.chunks_added == 0  # re-tokenised, nothing re-embedded
    assert lib.manifest().lexical_settings["tokenizer"] == "papersearch-v2"
    assert not lib.update(load_embedder=loader).wrote_index


def test_update_keeps_the_index_chunk_settings_unless_asked(small_library):
    lib, loader = Library(small_library), CountingLoader()
    lib.update("fake-hash-64", chunk_tokens=64, overlap_tokens=8, load_embedder=loader)
    assert not lib.update(load_embedder=loader).wrote_index
    assert lib.manifest().chunk_settings == {"chunk_tokens": 64, "overlap_tokens": 8, "entry_breaks": True}
    report = lib.update(chunk_tokens=96, load_embedder=loader)
    assert report.wrote_index and "re-chunking everything" in report.plan.summary()


def test_update_refuses_bad_chunk_settings_before_loading_a_model(small_library):
    loader = CountingLoader()
    with pytest.raises(InvalidSettingsError, match="chunk_tokens must be at least 32"):
        Library(small_library).update("fake-hash-64", chunk_tokens=8, load_embedder=loader)
    assert loader.loaded == []


def test_update_replaces_an_index_whose_data_cannot_be_read(small_library):
    lib, loader = Library(small_library), CountingLoader()
    lib.update("fake-hash-64", load_embedder=loader)
    vectors = lib.store.current_build() / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:20])
    report = lib.update(load_embedder=loader)
    assert report.wrote_index and report.files_total == 3 and len(lib.load().chunks) == report.chunks_total


def test_status_catalog_and_health_need_no_model(small_library):
    lib = Library(small_library)
    assert lib.status().to_dict() == {"library": str(small_library), "index": str(lib.index_dir), "store": "file",
                                      "built": False}
    lib.update("fake-hash-64", load_embedder=CountingLoader())
    (small_library / "notes" / "late.md").write_text("# Late\n\nA note added after the build.\n", encoding="utf-8")
    info = lib.status().to_dict()
    assert info["built"] and info["model"] == "fake-hash-64" and info["files"] == 3
    assert info["pending"] == "1 new, 0 changed, 0 deleted, 3 unchanged"
    assert info["chunks"] == len(lib.load().chunks) and info["skipped"] == []
    assert [paper.title for paper in lib.catalog().papers] == [paper.title for paper in lib.load().catalog.papers]
    assert lib.health().unmentioned_pdfs == ["pdfs/transformers.pdf"]


def test_an_update_reads_and_verifies_the_current_index_once(small_library, monkeypatch):
    """update() loads and checksums the index to plan; the build under the lock reuses that when no
    build has replaced it meanwhile, instead of reading and hashing every file again."""
    import index.builder
    import library.library as library_module

    library = Library(small_library)
    library.update("fake-hash-64", load_embedder=lambda name: FakeEmbedder(name=name))
    (small_library / "notes" / "new.md").write_text("# New\n\nA new note.\n", encoding="utf-8")
    loads, real = [], index.builder.load_previous
    for module in (index.builder, library_module):  # planning's read and the build's, wherever they happen
        monkeypatch.setattr(module, "load_previous", lambda store: loads.append(1) or real(store))
    report = library.update(load_embedder=lambda name: FakeEmbedder(name=name))
    assert report.wrote_index and report.chunks_added and len(loads) == 1
