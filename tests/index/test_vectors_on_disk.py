"""A staged first build keeps its vectors in a file (index/vector_file.py) and makes each FAISS
index from slices of them (index/vector_index.py): the same vectors and the same index as from an
array held whole, and never a second copy of all of them in memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import faiss
import numpy as np
import pytest

import index.staged_build as staged_build
import index.vector_index as vector_index
from index.vector_file import VectorFile
from library import Library
from tests.support.fakes import FakeEmbedder
from tests.support.topic_notes import write_topic_notes


def _unit_rows(count: int, dimension: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((count, dimension)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _in_file(rows: np.ndarray, folder: Path) -> VectorFile:
    stored = VectorFile(len(rows), rows.shape[1], folder)
    for start in range(0, len(rows), 1000):
        stored[np.arange(start, min(len(rows), start + 1000))] = rows[start : start + 1000]
    return stored


def test_a_vector_file_gives_back_the_rows_written_in_any_order(tmp_path):
    rows = _unit_rows(300, 8)
    stored = VectorFile(300, 8, tmp_path)
    order = np.random.default_rng(1).permutation(300)[:250]  # scattered rows; 50 never written
    for start in range(0, 250, 7):
        part = order[start : start + 7]
        stored[part] = rows[part]
    expected = np.zeros_like(rows)
    expected[order] = rows[order]
    assert np.array_equal(stored.read(), expected)
    assert np.array_equal(stored[[299, 3, 150, 4]], expected[[299, 3, 150, 4]])
    view = stored[100:260]
    assert len(view) == 160 and view.shape == (160, 8)
    assert np.array_equal(np.concatenate(list(view.slices(64))), expected[100:260])
    assert np.array_equal(view[10:20].read(), expected[110:120])
    with pytest.raises(IndexError):
        view[[160]]
    assert list(tmp_path.iterdir()) == []  # no name in the index folder: a killed build leaves nothing


@pytest.mark.parametrize("spec", [{"kind": "flat"}, vector_index.choose_vector_index(6000, approximate_from=1)])
def test_an_index_made_a_slice_at_a_time_from_a_file_is_the_index_of_one_add(tmp_path, monkeypatch, spec):
    rows = _unit_rows(6000, 32)
    monkeypatch.setattr(vector_index, "ADD_ROWS", 10**9)
    whole = faiss.serialize_index(vector_index.build_vector_index(rows, spec))
    monkeypatch.setattr(vector_index, "ADD_ROWS", 1000)
    sliced = faiss.serialize_index(vector_index.build_vector_index(_in_file(rows, tmp_path), spec))
    assert np.array_equal(sliced, whole)


@pytest.mark.parametrize("spec", [{"kind": "flat"}, vector_index.choose_vector_index(40_000, approximate_from=1)])
def test_an_index_made_from_a_file_never_holds_all_its_vectors_beside_its_own_copy(tmp_path, monkeypatch, spec):
    """NumPy reports its arrays to tracemalloc and FAISS's own storage is C++, not traced: what is
    traced while the index is made is what the build holds besides the index."""
    rows = _unit_rows(40_000, 64)  # 10 MB
    stored, size = _in_file(rows, tmp_path), rows.nbytes
    del rows
    monkeypatch.setattr(vector_index, "ADD_ROWS", 2000)
    tracemalloc.start()
    try:
        stored.read()
        _, whole = tracemalloc.get_traced_memory()  # the check can see a copy of all of them
        tracemalloc.reset_peak()
        index = vector_index.build_vector_index(stored, spec)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert whole >= size
    sample = spec.get("train_size", 0) * 64 * 4  # the k-means training sample is read whole
    assert peak <= sample + 3 * 2000 * 64 * 4, (peak, size)
    assert index.ntotal == 40_000


@pytest.fixture
def companion_models():
    from embed import registry

    main, second = "fakedisk-main", "fakedisk-second"
    models = {main: FakeEmbedder(name=main), second: FakeEmbedder(name=second, dimension=32)}
    registry.register(main, lambda name: models[main], companion=second)
    registry.register(second, lambda name: models[second])
    yield main, models
    registry.unregister(main)
    registry.unregister(second)


@pytest.mark.usefixtures("small_batches")
def test_a_staged_first_build_hands_every_commit_its_vectors_on_disk(small_library, tmp_path, monkeypatch,
                                                                     companion_models):
    """Each commit gets the filled rows as a view of the build's file (no copy of the vectors per
    commit), the companion's too; the index ends with the model's own vectors."""
    write_topic_notes(small_library, notes=3, sections=12, chinese=True)
    monkeypatch.setattr(staged_build, "STAGED_FROM_PASSAGES", 5)
    main, models = companion_models
    lib = Library(small_library, tmp_path / "index")
    handed = []
    real_write = type(lib.store).write

    def watching(store, manifest, chunks, vectors, *args, **kwargs):
        companion = args[3] if len(args) > 3 else kwargs.get("companion")  # after lexical, catalog, direction
        handed.append((type(vectors), len(vectors), companion and type(companion.vectors)))
        return real_write(store, manifest, chunks, vectors, *args, **kwargs)

    monkeypatch.setattr(type(lib.store), "write", watching)
    report = lib.update(main, load_embedder=lambda name: models[name])
    assert report.wrote_index and len(handed) > 5
    assert all(kind is VectorFile for kind, _, _ in handed)
    assert [filled for _, filled, _ in handed] == sorted(filled for _, filled, _ in handed)
    assert handed[-1][2] is VectorFile  # the second encoder's vectors, on disk too
    index = lib.load()
    texts = index.chunks["embed_text"].tolist()
    assert np.array_equal(index.all_vectors(), FakeEmbedder(name=main).embed_documents(texts))
    assert np.array_equal(index.all_companion_vectors(), FakeEmbedder(name="fakedisk-second", dimension=32)
                          .embed_documents(texts))
    assert sorted(path.name for path in lib.index_dir.iterdir() if path.name.startswith(".vectors")) == []


def test_a_vector_file_a_killed_build_left_with_a_name_is_cleared_by_the_next_build(small_library, tmp_path):
    """Where the system has no unnamed temporary files (O_TMPFILE), a killed build can leave its
    vector file named in the index folder: the folder is still ours, and the next build clears it."""
    lib = Library(small_library, tmp_path / "index")
    lib.update("fake-hash-64", load_embedder=lambda name: FakeEmbedder(name=name))
    left = lib.index_dir / ".vectors-k1ll3d"
    left.write_bytes(b"\0" * 64)
    (small_library / "notes" / "more.md").write_text("# More\n\nA new note about optical flow.\n", encoding="utf-8")
    report = lib.update("fake-hash-64", load_embedder=lambda name: FakeEmbedder(name=name))
    assert report.wrote_index and not left.exists()


def test_a_vector_file_that_cannot_be_made_or_written_says_so(tmp_path, monkeypatch):
    """A full disk or a folder gone while a long build runs: the user reads what failed and that the
    previous index stays, not an OSError."""
    from index.errors import IndexWriteError

    with pytest.raises(IndexWriteError, match=r"cannot keep the build's vectors in .*The previous index, if any, is kept"):
        VectorFile(10, 4, tmp_path / "gone")
    stored = VectorFile(10, 4, tmp_path)

    def full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("index.vector_file.os.pwrite", full)
    with pytest.raises(IndexWriteError, match=r"No space left on device.*The previous index, if any, is kept"):
        stored[[0, 1]] = np.ones((2, 4), dtype=np.float32)
