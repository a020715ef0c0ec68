"""The library's title terms a build keeps with its second encoder (index/title_terms.py): made
from every title, embedded once (an update embeds only new terms), equal to a build from scratch's,
added to an older build by an update that embeds no passage, and read by search
(search/term_bridge.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from embed import registry
from index.checksums import write_checksums
from index.title_terms import terms_of_titles
from library import Library
from search.term_bridge import TermBridge
from tests.support.fakes import FakeEmbedder

MAIN, SECOND = "faketerms-main", "faketerms-second"


class Counting(FakeEmbedder):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.embedded: list[str] = []

    def embed_documents(self, texts):
        self.embedded.extend(texts)
        return super().embed_documents(texts)


@pytest.fixture
def models():
    made = {MAIN: FakeEmbedder(name=MAIN), SECOND: Counting(name=SECOND, dimension=32)}
    registry.register(MAIN, lambda name: made[MAIN], companion=SECOND)
    registry.register(SECOND, lambda name: made[SECOND])
    yield made
    registry.unregister(MAIN)
    registry.unregister(SECOND)


def _build(library: Path, index: Path, models) -> Library:
    lib = Library(library, index)
    lib.update(MAIN, load_embedder=lambda name: models[name])
    return lib


def _titles(lib: Library) -> set[str]:
    return set(lib.load().passages.column("title").to_pylist())


def test_a_build_keeps_its_titles_terms_with_the_second_encoders_vectors(small_library, tmp_path, models):
    lib = _build(small_library, tmp_path / "index", models)
    terms = lib.load().companion_terms
    assert terms.terms == tuple(terms_of_titles(_titles(lib))) and terms.terms
    assert np.array_equal(terms.vectors, FakeEmbedder(name=SECOND, dimension=32).embed_documents(list(terms.terms)))


def test_an_update_embeds_only_new_terms_and_ends_as_a_build_from_scratch(small_library, tmp_path, models):
    lib = _build(small_library, tmp_path / "index", models)
    (small_library / "notes" / "flow.md").write_text(
        "# Optical Flow for Frame Interpolation\n\nWarping frames by estimated optical flow.\n", encoding="utf-8")
    models[SECOND].embedded.clear()
    lib.update(MAIN, load_embedder=lambda name: models[name])
    new_terms = set(terms_of_titles(["Optical Flow for Frame Interpolation"])) - set(terms_of_titles(
        _titles(lib) - {"Optical Flow for Frame Interpolation"}))
    assert new_terms <= set(models[SECOND].embedded)
    assert not set(models[SECOND].embedded) & (set(lib.load().companion_terms.terms) - new_terms)
    scratch = _build(small_library, tmp_path / "scratch", models)
    mine, theirs = lib.load().companion_terms, scratch.load().companion_terms
    assert mine.terms == theirs.terms and np.array_equal(mine.vectors, theirs.vectors)


def test_an_older_build_gets_its_terms_without_embedding_a_passage_again(small_library, tmp_path, models):
    lib = _build(small_library, tmp_path / "index", models)
    build = lib.store.current_build()
    (build / "companion_terms.npz").unlink()
    (build / "checksums.json").unlink()
    write_checksums(build)
    assert lib.load().companion_terms is None
    report = lib.update(MAIN, load_embedder=lambda name: models[name])
    assert report.wrote_index and report.chunks_added == 0
    assert lib.load().companion_terms is not None
    assert lib.update(MAIN, load_embedder=lambda name: models[name]).wrote_index is False  # and then up to date


def test_search_adds_the_bridged_terms_to_a_chinese_querys_words(small_library, tmp_path, models, monkeypatch):
    lib = _build(small_library, tmp_path / "index", models)
    searcher = lib.searcher(load=lambda name: models[name])

    def lexical_rank_of_the_english_note(bridged: tuple[str, ...]) -> int | None:
        monkeypatch.setattr(TermBridge, "english", lambda self, query: bridged)
        searcher._bridge = None
        hits = searcher.search("可变形", k=20, mode="hybrid").hits
        return next((hit.lexical_rank for hit in hits if hit.path == "notes/alignment.md"), None)

    assert lexical_rank_of_the_english_note(()) is None  # BM25 cannot read English for a Chinese word
    assert lexical_rank_of_the_english_note(("deformable convolution",)) is not None
