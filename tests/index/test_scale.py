"""Scale: the approximate vector index finds what exact search finds, opening an index does no
per-passage Python work, and an index of the previous format is rebuilt from the files."""

from __future__ import annotations

import json

import faiss
import numpy as np
import pandas as pd
import pytest

import corpus.script
import index.vector_index as vector_index
import search.searcher
from embed import without_direction
from index.file_store import FileStore
from index import LexicalIndex, Manifest
from corpus import LexicalTokenizer
from library import Library
from index.builder import lexical_settings
from index.manifest import FORMAT_VERSION, FileRecord
from index.file_store import CHUNK_COLUMNS
from papers import build_catalog
from search import Searcher
from tests.support.fakes import FakeEmbedder


@pytest.fixture
def approximate_everywhere(monkeypatch):
    monkeypatch.setattr(vector_index, "APPROXIMATE_FROM", 1)


def test_a_build_above_the_threshold_is_approximate_and_answers_like_exact(
    small_library, fake_embedder, approximate_everywhere
):
    lib = Library(small_library)
    lib.build(lib.plan(fake_embedder.name), fake_embedder)
    stored = lib.load()
    assert stored.manifest.vector_index["kind"] == "ivf_sq8_refine"
    assert type(stored.vectors).__name__ == "IndexRefineFlat"
    searcher = Searcher(stored, fake_embedder)
    exact = vector_index.build_vector_index(stored.all_vectors(), {"kind": "flat"})
    for query in ["deformable offsets", "高斯噪声 去噪", "multi-head attention"]:
        vector = searcher.dense_ranking_for(fake_embedder.embed_query(query), 10)
        neutral = without_direction(fake_embedder.embed_query(query), searcher.language_direction)
        _, rows = exact.search(neutral[None, :].astype(np.float32), len(vector))
        assert [row for row, _ in vector] == rows[0].tolist()
        exact_scores, _ = exact.search(neutral[None, :].astype(np.float32), len(vector))
        assert np.allclose([score for _, score in vector], exact_scores[0], atol=1e-5)  # re-scored exactly
    assert searcher.similar(path="notes/alignment.md").hits  # reconstruct() works on the IVF index
    (small_library / "notes" / "new.md").write_text("# New\n\nOptical flow warping of frames.\n", encoding="utf-8")
    lib.build(lib.plan(fake_embedder.name), fake_embedder)  # a rebuild carries IVF vectors over
    assert "notes/new.md" in set(lib.load().chunks["path"])


def _clustered(count: int, dimension: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((count // 20, dimension)).astype(np.float32)
    rows = centres[rng.integers(0, len(centres), count)] + 0.6 / np.sqrt(dimension) * rng.standard_normal(
        (count, dimension)).astype(np.float32)
    queries = centres[:40] + 0.3 / np.sqrt(dimension) * rng.standard_normal((40, dimension)).astype(np.float32)
    return [array / np.linalg.norm(array, axis=1, keepdims=True) for array in (rows, queries)]


@pytest.mark.parametrize("kind", ["ivf_sq8_refine", "ivf_flat"])  # ivf_flat: indexes built before ivf_sq8_refine
def test_approximate_top_10_matches_exact_top_10(tmp_path, kind, monkeypatch):
    monkeypatch.setattr(vector_index, "NPROBE", 8)  # read 8 of 309 lists: approximate for real
    vectors, queries = _clustered(6000, 64)
    spec = {**vector_index.choose_vector_index(len(vectors), approximate_from=1000), "kind": kind}
    assert spec["nprobe"] == 16 < spec["nlist"]  # MIN_NPROBE
    approximate = vector_index.build_vector_index(vectors, spec)
    faiss.write_index(approximate, str(tmp_path / "v.faiss"))
    reread = vector_index.read_vector_index(tmp_path / "v.faiss", spec)
    assert faiss.extract_index_ivf(reread).nprobe == spec["nprobe"]
    scores, found = reread.search(queries, 10)
    truth_scores, truth = vector_index.build_vector_index(vectors, {"kind": "flat"}).search(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(truth, found)])
    assert recall >= 0.99
    assert np.abs(scores - truth_scores).max() < 1e-4  # exact scores, not the 8-bit codes' estimates
    assert np.array_equal(reread.reconstruct_n(0, len(vectors)), vectors.astype(np.float32))  # exact vectors kept


def test_the_approximate_index_is_memory_mapped(tmp_path):
    vectors, _ = _clustered(6000, 64)
    spec = vector_index.choose_vector_index(len(vectors), approximate_from=1000)
    faiss.write_index(vector_index.build_vector_index(vectors, spec), str(tmp_path / "v.faiss"))
    index = vector_index.read_vector_index(tmp_path / "v.faiss", spec)
    assert isinstance(index, faiss.IndexRefineFlat) and index.k_factor == spec["refine_factor"]
    maps = (tmp_path / "v.faiss").resolve().as_posix()
    assert maps in open("/proc/self/maps").read()  # the file is mapped, not copied into memory
    assert index.search(vectors[:1], 1)[1][0, 0] == 0


def test_opening_an_index_does_no_per_passage_work(small_library, fake_embedder, monkeypatch):
    lib = Library(small_library)
    lib.build(lib.plan(fake_embedder.name), fake_embedder)
    stored = lib.load()

    def forbidden(*args, **kwargs):
        raise AssertionError("per-row work while opening an index")

    with monkeypatch.context() as patch:
        patch.setattr(search.searcher, "script_of", forbidden)
        patch.setattr(corpus.script, "script_of", forbidden)
        patch.setattr(pd.DataFrame, "to_dict", forbidden)
        patch.setattr(pd.DataFrame, "iterrows", forbidden)
        searcher = Searcher(stored, fake_embedder)
    assert stored._chunks is None  # the whole chunk table (tokens, embed_text) was never read
    assert list(stored.passages.column("script").to_pylist()) == [
        corpus.script.script_of(text) for text in stored.chunks["embed_text"]
    ]
    assert searcher.search("高斯噪声 去噪", k=1).hits[0].path == "notes/扩散模型.md"


def test_an_index_of_the_previous_format_is_rebuilt_from_the_files(small_library, fake_embedder):
    lib = Library(small_library)
    lib.build(lib.plan(fake_embedder.name), fake_embedder)
    manifest = lib.store.current_build() / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "format_version": FORMAT_VERSION - 1}))
    report = lib.update(load_embedder=lambda name: FakeEmbedder(name=name))  # no model named: the old index says which
    assert report.wrote_index and report.plan.full_rebuild_reason and "format" in report.plan.full_rebuild_reason
    assert report.plan.model == fake_embedder.name  # the old index's model, not the default
    assert lib.load().manifest.format_version == FORMAT_VERSION


def test_a_frame_without_the_script_column_gets_it_at_write(tmp_path):
    """Tools that build a chunk frame of their own (bench/) still write a complete index."""
    texts = ["Deformable convolution aligns frames.", "扩散模型通过逐步去噪生成图像。"]
    tokens = LexicalTokenizer().tokenize_many(texts)
    frame = pd.DataFrame({
        "chunk_id": ["a", "b"], "path": ["notes/a.md", "notes/b.md"], "kind": "note", "title": ["A", "B"],
        "text": texts, "embed_text": texts, "page": pd.array([None, None], dtype="Int64"), "heading": None,
        "start_line": pd.array([1, 1], dtype="Int64"), "links": [[], []], "lexical_tokens": tokens,
    })
    embedder = FakeEmbedder()
    manifest = Manifest(
        model=embedder.name, dimension=embedder.dimension, chunk_settings={},
        lexical_settings=lexical_settings(LexicalTokenizer()),
        files={"notes/a.md": FileRecord("0", "note", "A", 1), "notes/b.md": FileRecord("1", "note", "B", 1)},
    )
    store = FileStore(tmp_path / "index")
    with store.build_lock():
        store.write(manifest, frame, embedder.embed_documents(texts), LexicalIndex.fit(tokens), build_catalog({}, {}))
    stored = store.load()
    assert stored.passages.column("script").to_pylist() == ["latin", "cjk"]
    assert list(stored.chunks.columns) == CHUNK_COLUMNS


@pytest.mark.parametrize("kind", ["ivf_sq8_refine", "ivf_flat"])
def test_milvus_searches_an_approximate_build_as_ivf_with_the_manifests_lists(kind):
    """Milvus holds float vectors either way: an approximate build becomes IVF_FLAT there, with the
    manifest's nlist and nprobe (not exact FLAT, which would read every vector per query)."""
    from pymilvus import MilvusClient

    from index.milvus_index import index_params, vector_search_params

    spec = {**vector_index.choose_vector_index(100_000), "kind": kind}
    vector = next(param for param in index_params(MilvusClient, spec) if param.field_name == "vector")
    assert vector.index_type == "IVF_FLAT" and vector.to_dict()["nlist"] == spec["nlist"]
    assert vector_search_params(spec) == {"metric_type": "IP", "params": {"nprobe": spec["nprobe"]}}
    flat = next(param for param in index_params(MilvusClient, {"kind": "flat"}) if param.field_name == "vector")
    assert flat.index_type == "FLAT"
