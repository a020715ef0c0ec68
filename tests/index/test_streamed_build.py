"""A build keeps the library's passages once, a file at a time, and a staged first build lets go
of them once its first commit holds them on disk (index/builder.py); BM25 is fitted from token ids
(index/lexical.py). None of that may change what a build ends with: the same passages, the same
vectors, the same BM25 scores and rankings as a build that held everything to its end, and as
the passages' own vectors and bm25s over their own tokens. (That the top 10 of a 1,000-file
library is the same as before this change is checked by bench/big_library, against an index
built by the code before it.)"""

from __future__ import annotations

import os
from pathlib import Path

import bm25s
import numpy as np
import pytest

import index.file_store as file_store
import index.staged_build as staged_build
from corpus import LexicalTokenizer
from index.lexical import B, K1, LexicalIndex, TokenIds
from library import Library
from tests.support.fakes import FakeEmbedder
from tests.support.topic_notes import write_topic_notes

MODEL = "fake-hash-64"
QUERIES = ["deformable offsets", "optical flow warping", "扩散 去噪", "sliding windows grid 3", "topic 17 recurrent"]
FIELDS = ["path", "kind", "title", "text", "embed_text", "page", "heading", "start_line", "script", "role"]


@pytest.fixture
def library(small_library: Path) -> Path:
    """The small library (two notes, a PDF) and notes enough for many embedding batches."""
    write_topic_notes(small_library, notes=3, sections=12, chinese=True)
    return small_library


def _build(library: Path, index_dir: Path, monkeypatch, staged_from: int) -> tuple[Library, int]:
    """A first build, staged from `staged_from` passages; and how many commits it made."""
    monkeypatch.setattr(staged_build, "STAGED_FROM_PASSAGES", staged_from)
    lib = Library(library, index_dir)
    commits = []
    real_write = type(lib.store).write

    def counting(store, manifest, chunks, *args, **kwargs):
        commits.append(len(chunks))
        return real_write(store, manifest, chunks, *args, **kwargs)

    monkeypatch.setattr(type(lib.store), "write", counting)
    report = lib.update(MODEL, load_embedder=lambda name: FakeEmbedder(name=name))
    monkeypatch.setattr(type(lib.store), "write", real_write)
    assert report.wrote_index and report.chunks_total == commits[-1]
    return lib, len(commits)


def _rows(lib: Library) -> dict[str, tuple]:
    chunks = lib.load().chunks
    return {row.chunk_id: (tuple(getattr(row, name) for name in FIELDS), tuple(row.links), tuple(row.lexical_tokens))
            for row in chunks.itertuples()}


def _vectors(lib: Library) -> dict[str, np.ndarray]:
    index = lib.load()
    return dict(zip(index.chunks["chunk_id"], index.all_vectors(), strict=True))


def _top10(lib: Library, mode: str) -> list[list[str]]:
    searcher = lib.searcher(load=lambda name: FakeEmbedder(name=name))
    return [[hit.chunk_id for hit in searcher.search(query, k=10, mode=mode).hits] for query in QUERIES]


def _ranking(lib: Library, mode: str) -> list[list[tuple[float, str]]]:
    """Every hit with its score, equal scores in chunk id order: two indexes that hold the same
    passages in another row order break ties differently, and nothing else may differ."""
    searcher = lib.searcher(load=lambda name: FakeEmbedder(name=name))
    return [sorted((-round(hit.score, 5), hit.chunk_id) for hit in searcher.search(query, k=200, mode=mode).hits)
            for query in QUERIES]


def _bm25_scores(lib: Library) -> list[dict[str, float]]:
    """Every passage's BM25 score for each query, from the index as built."""
    index, tokenizer = lib.load(), LexicalTokenizer()
    ids = index.chunks["chunk_id"].tolist()
    return [dict(zip(ids, index.lexical._bm25.get_scores(tokenizer.tokenize(query)).tolist(), strict=True))
            for query in QUERIES]


@pytest.mark.usefixtures("small_batches")
def test_a_staged_build_that_lets_go_of_its_passages_ends_as_one_that_held_them(library, tmp_path, monkeypatch):
    held, held_commits = _build(library, tmp_path / "held", monkeypatch, staged_from=10**9)
    streamed, streamed_commits = _build(library, tmp_path / "streamed", monkeypatch, staged_from=5)
    assert held_commits == 1 and streamed_commits > 5  # one wrote at its end; the other staged, as a big library does
    expected = _rows(held)
    assert len(expected) > 40
    assert _rows(streamed) == expected
    held_vectors, streamed_vectors = _vectors(held), _vectors(streamed)
    assert all(np.array_equal(streamed_vectors[chunk], held_vectors[chunk]) for chunk in expected)
    assert _bm25_scores(streamed) == _bm25_scores(held)
    for mode in ("dense", "lexical"):  # hybrid fuses ranks, where the row order's tie-breaks count
        assert _ranking(streamed, mode) == _ranking(held, mode)
    streamed.store.verify()


@pytest.mark.usefixtures("small_batches")
def test_a_streamed_build_holds_each_passages_own_vector_and_bm25s_scores(library, tmp_path, monkeypatch):
    """Against what the passages themselves give: the fake model's vector of each text embedded
    alone (it does not depend on batch mates), and bm25s fitted on the stored token lists."""
    lib, _ = _build(library, tmp_path / "index", monkeypatch, staged_from=5)
    index = lib.load()
    texts = index.chunks["embed_text"].tolist()
    assert np.array_equal(index.all_vectors(), FakeEmbedder(name=MODEL).embed_documents(texts))
    tokens = [list(row) for row in index.chunks["lexical_tokens"]]
    reference = bm25s.BM25(k1=K1, b=B, method="lucene")
    reference.index(tokens, show_progress=False)
    tokenizer = LexicalTokenizer()
    for query in QUERIES:
        query_tokens = tokenizer.tokenize(query)
        assert np.array_equal(index.lexical._bm25.get_scores(query_tokens), reference.get_scores(query_tokens))


@pytest.mark.usefixtures("small_batches")
def test_a_staged_build_copies_what_a_file_system_cannot_link(library, tmp_path, monkeypatch):
    """The later commits share the first commit's passages, BM25 and catalog; where hard links fail
    they are copied (the build no longer holds them to write again)."""
    linked, _ = _build(library, tmp_path / "linked", monkeypatch, staged_from=5)

    def no_links(source, target):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(file_store.os, "link", no_links)
    copied, commits = _build(library, tmp_path / "copied", monkeypatch, staged_from=5)
    assert commits > 5
    build = copied.store.current_build()
    assert all(os.stat(path).st_nlink == 1 for path in build.rglob("*") if path.is_file())
    copied.store.verify()
    assert _rows(copied) == _rows(linked)
    for mode in ("hybrid", "dense", "lexical"):
        assert _top10(copied, mode) == _top10(linked, mode)


def test_token_ids_score_as_bm25s_over_the_tokens_themselves():
    documents = [["flow", "warp", "flow"], [], ["扩散", "去噪", "flow"], ["grid"] * 5 + ["warp"], ["a", "b", "c"]]
    reference = bm25s.BM25(k1=K1, b=B, method="lucene")
    reference.index(documents, show_progress=False)
    fitted = LexicalIndex.fit(iter(documents))  # read once, as the builder's column is
    ids = TokenIds.of(documents)
    assert len(ids) == 5 and ids[1] == [] and ids[0] == [ids.vocabulary["flow"], ids.vocabulary["warp"]] * 1 + [0]
    assert list(ids)[-1] == ids[-1] and ids[1:3] == [ids[1], ids[2]]
    for query in (["flow"], ["warp", "grid", "grid"], ["去噪"], ["absent"], ["absent", "flow"]):
        assert np.array_equal(fitted._bm25.get_scores(query), reference.get_scores(query))
    assert LexicalIndex.fit([]).is_empty


@pytest.mark.usefixtures("small_batches")
def test_a_staged_build_embeds_every_passage_for_the_companion_after_letting_go_of_them(library, tmp_path,
                                                                                        monkeypatch):
    """After the first commit a staged build keeps only the texts to embed; the second encoder
    (index/companion.py) reads them from there, for every passage."""
    from embed import registry

    main, second = "fakepacked-main", "fakepacked-second"
    models = {main: FakeEmbedder(name=main), second: FakeEmbedder(name=second, dimension=32)}
    registry.register(main, lambda name: models[main], companion=second)
    registry.register(second, lambda name: models[second])
    try:
        monkeypatch.setattr(staged_build, "STAGED_FROM_PASSAGES", 5)
        lib = Library(library, tmp_path / "index")
        commits = []
        real_write = type(lib.store).write
        monkeypatch.setattr(type(lib.store), "write",
                            lambda store, *args, **kwargs: commits.append(1) or real_write(store, *args, **kwargs))
        report = lib.update(main, load_embedder=lambda name: models[name])
        index = lib.load()
    finally:
        registry.unregister(main)
        registry.unregister(second)
    assert report.wrote_index and index.manifest.companion_model == second and len(commits) > 5  # staged
    texts = index.chunks["embed_text"].tolist()
    assert len(texts) > 40 and index.companion.ntotal == len(texts)
    expected = FakeEmbedder(name=second, dimension=32).embed_documents(texts)
    assert np.array_equal(index.companion.reconstruct_n(0, len(texts)), expected)
    assert np.array_equal(index.all_vectors(), FakeEmbedder(name=main).embed_documents(texts))
