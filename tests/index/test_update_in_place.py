"""An update of a finished index is made from the previous build's files (FileStore.write_update):
the trained vector index keeps its training and only loses and gains rows, BM25 is re-fitted from
token ids, and the passages are copied, not loaded (index/builder.py, `_update_in_place`). It must
end as a build from scratch of the same files does: the same passages, tokens and vectors, the
same BM25 score for every passage, the same dense ranking on an exact index; on an approximate
(IVF) one, the same lists, code for code, as the previous build's trained index given every
vector in row order, and row i still passage i's vector.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import bm25s
import faiss
import numpy as np
import pytest

import index.vector_index as vector_index
from corpus import LexicalTokenizer
from index.file_store import FileStore
from index.lexical import B, K1, LexicalIndex, TokenIds
from library import Library
from tests.support.fakes import FakeEmbedder
from tests.support.topic_notes import write_topic_notes

MODEL = "fake-hash-64"
QUERIES = ["deformable offsets", "optical flow warping", "扩散 去噪", "sliding windows grid 3", "topic 17 recurrent",
           "attention tokens", "frame 42 propagation"]
FIELDS = ["path", "kind", "title", "text", "embed_text", "page", "heading", "start_line", "script", "role"]


def _load(name: str) -> FakeEmbedder:
    return FakeEmbedder(name=name)


@pytest.fixture
def library(small_library: Path) -> Path:
    write_topic_notes(small_library, notes=4, sections=10, chinese=True)
    return small_library


@pytest.fixture
def writes(monkeypatch) -> list[str]:
    """Which of the file store's writes each build made: 'write' (every file from the build's
    passages) or 'update' (from the previous build's files)."""
    made: list[str] = []
    real_write, real_update = FileStore.write, FileStore.write_update

    def write(store, *args, **kwargs):
        made.append("write")
        return real_write(store, *args, **kwargs)

    def write_update(store, *args, **kwargs):
        made.append("update")
        return real_update(store, *args, **kwargs)

    monkeypatch.setattr(FileStore, "write", write)
    monkeypatch.setattr(FileStore, "write_update", write_update)
    return made


def _change(library: Path) -> None:
    """Two new notes, one note changed, one removed: rows go from the middle and come at the end."""
    write_topic_notes(library, notes=6, sections=10, chinese=True)  # topics-4 and topics-5 are new
    (library / "notes" / "topics-1.md").write_text(
        "# Changed\n\n## Topic 17\n\nRecurrent propagation of topic 17, rewritten, with sliding windows.\n\n"
        "## New section\n\nAttention relates tokens; deformable offsets too.\n", encoding="utf-8")
    (library / "notes" / "topics-2.md").unlink()


def _updated_and_scratch(library: Path, tmp_path: Path, writes: list[str]) -> tuple[Library, Library, Path]:
    """The library built, changed and updated; the changed library built from scratch; and the
    build the update started from."""
    updated = Library(library, tmp_path / "updated")
    updated.update(MODEL, load_embedder=_load)
    before = updated.store.current_build()
    _change(library)
    report = updated.update(MODEL, load_embedder=_load)
    assert report.wrote_index and report.chunks_removed > 0 and report.chunks_added > 0
    scratch = Library(library, tmp_path / "scratch")
    scratch.update(MODEL, load_embedder=_load)
    assert writes == ["write", "update", "write"]  # the update took the in-place path
    return updated, scratch, before


def _rows(lib: Library) -> dict[str, tuple]:
    chunks = lib.load().chunks
    return {row.chunk_id: (tuple(getattr(row, name) for name in FIELDS), tuple(row.links), tuple(row.lexical_tokens))
            for row in chunks.itertuples()}


def _bm25_by_chunk(lib: Library) -> list[dict[str, float]]:
    index, tokenizer = lib.load(), LexicalTokenizer()
    ids = index.chunks["chunk_id"].tolist()
    return [dict(zip(ids, index.lexical._bm25.get_scores(tokenizer.tokenize(query)).tolist(), strict=True))
            for query in QUERIES]


def _ranking(lib: Library, mode: str) -> list[list[tuple[float, str]]]:
    """Every hit with its score, equal scores in chunk id order (the row orders differ)."""
    searcher = lib.searcher(load=_load)
    return [sorted((-round(hit.score, 5), hit.chunk_id) for hit in searcher.search(query, k=200, mode=mode).hits)
            for query in QUERIES]


def _aligned(lib: Library) -> None:
    """Row i's vector is the fake model's vector of passage i's text (the fake's vectors do not
    depend on batch mates): a row/vector misalignment fails here."""
    index = lib.load()
    texts = index.chunks["embed_text"].tolist()
    assert np.array_equal(index.all_vectors(), FakeEmbedder(name=MODEL).embed_documents(texts))


def test_an_update_ends_as_a_build_from_scratch_of_the_same_files(library, tmp_path, writes):
    updated, scratch, _ = _updated_and_scratch(library, tmp_path, writes)
    expected = _rows(scratch)
    assert _rows(updated) == expected
    mine, theirs = updated.load(), scratch.load()
    assert mine.manifest.files == theirs.manifest.files and mine.catalog == theirs.catalog
    by_chunk = dict(zip(theirs.chunks["chunk_id"], theirs.all_vectors(), strict=True))
    assert all(np.array_equal(vector, by_chunk[chunk])
               for chunk, vector in zip(mine.chunks["chunk_id"], mine.all_vectors(), strict=True))
    _aligned(updated)
    assert _bm25_by_chunk(updated) == _bm25_by_chunk(scratch)  # exactly: the same float32 weights
    for mode in ("dense", "lexical"):
        assert _ranking(updated, mode) == _ranking(scratch, mode)
    updated.store.verify()
    assert updated.update(MODEL, load_embedder=_load).wrote_index is False  # and it is up to date


def test_an_approximate_index_keeps_its_training_and_gets_the_lists_a_rebuild_with_it_gets(
        library, tmp_path, writes, monkeypatch):
    monkeypatch.setattr(vector_index, "APPROXIMATE_FROM", 40)
    updated, scratch, before = _updated_and_scratch(library, tmp_path, writes)
    index = updated.load()
    assert index.manifest.vector_index["kind"] == "ivf_sq8_refine"
    _aligned(updated)
    # the previous build's trained index, emptied and given every vector of the new build in row order
    reference = faiss.read_index(str(before / "vectors.faiss"))
    faiss.extract_index_ivf(reference.base_index).reset()
    reference.refine_index.reset()
    reference.ntotal = 0
    reference.add(index.all_vectors())
    written = faiss.read_index(str(updated.store.current_build() / "vectors.faiss"))
    ours, theirs = faiss.extract_index_ivf(written.base_index), faiss.extract_index_ivf(reference.base_index)
    assert ours.ntotal == theirs.ntotal == index.passages.num_rows
    for number in range(ours.nlist):
        size = ours.invlists.list_size(number)
        assert size == theirs.invlists.list_size(number)
        for read in ("get_ids", "get_codes"):
            length = size * (1 if read == "get_ids" else ours.invlists.code_size)
            assert np.array_equal(faiss.rev_swig_ptr(getattr(ours.invlists, read)(number), length),
                                  faiss.rev_swig_ptr(getattr(theirs.invlists, read)(number), length))
    queries = np.stack([updated.searcher(load=_load).embedder.embed_query(query) for query in QUERIES])
    k = 10
    assert np.array_equal(index.vectors.search(queries, k)[1], reference.search(queries, k)[1])
    # every row finds itself first when all lists are read
    faiss.extract_index_ivf(index.vectors).nprobe = ours.nlist
    found = index.vectors.search(index.all_vectors(), 1)[1][:, 0]
    assert np.array_equal(found, np.arange(index.passages.num_rows))
    assert _bm25_by_chunk(updated) == _bm25_by_chunk(scratch)


def test_an_update_past_the_trained_size_builds_the_vector_index_again(library, tmp_path, writes, monkeypatch):
    """Twice the passages the lists were chosen for: the index is trained again (the full path)."""
    monkeypatch.setattr(vector_index, "APPROXIMATE_FROM", 40)
    lib = Library(library, tmp_path / "index")
    lib.update(MODEL, load_embedder=_load)
    write_topic_notes(library, notes=20, sections=10, chinese=True)
    lib.update(MODEL, load_embedder=_load)
    assert writes == ["write", "write"]
    _aligned(lib)


def test_a_removed_file_alone_is_an_update_in_place(library, tmp_path, writes):
    lib = Library(library, tmp_path / "index")
    lib.update(MODEL, load_embedder=_load)
    shutil.rmtree(library / "pdfs")
    report = lib.update(MODEL, load_embedder=_load)
    assert writes == ["write", "update"] and report.chunks_added == 0 and report.chunks_removed > 0
    assert not any(path.startswith("pdfs/") for path in lib.load().manifest.files)
    _aligned(lib)


def test_bm25_from_token_ids_has_bm25s_own_weights():
    """The vectorised fit against bm25s's `index` on the same ids: every array equal, bit for bit
    (empty passages and repeated tokens included)."""
    rng = random.Random(7)
    words = [f"w{i}" for i in range(400)]
    passages = [[rng.choice(words[: rng.randint(3, 400)]) for _ in range(rng.randint(0, 60))] for _ in range(700)]
    ids = TokenIds.of(passages)
    reference = bm25s.BM25(k1=K1, b=B, method="lucene", csc_backend="scipy")
    reference.index(bm25s.tokenization.Tokenized(ids=ids, vocab=ids.vocabulary), show_progress=False)
    ours = LexicalIndex.fit(passages)._bm25
    for name in ("data", "indices", "indptr"):
        assert ours.scores[name].dtype == reference.scores[name].dtype
        assert np.array_equal(ours.scores[name], reference.scores[name])
    assert ours.vocab_dict == reference.vocab_dict


def test_token_ids_from_arrow_are_those_from_lists():
    import pyarrow as pa

    passages = [["a", "b", "a"], [], ["c"], ["b", "d", "e", "a"]]
    from_lists, from_arrow = TokenIds.of(passages), TokenIds()
    column = pa.chunked_array([pa.array(passages[:2], type=pa.list_(pa.string())),
                               pa.array(passages[2:], type=pa.list_(pa.string()))])
    from_arrow.extend_arrow(column)
    assert list(from_arrow) == list(from_lists) and from_arrow.vocabulary == from_lists.vocabulary


def test_an_update_in_place_keeps_the_companions_rows_aligned(library, tmp_path, writes):
    """The second encoder's vectors (index/companion.py) lose the dropped rows and gain the new
    ones like the model's own: row i of each is passage i's vector."""
    from embed import registry

    main, second = "fakeupdate-main", "fakeupdate-second"
    models = {main: FakeEmbedder(name=main), second: FakeEmbedder(name=second, dimension=32)}
    registry.register(main, lambda name: models[main], companion=second)
    registry.register(second, lambda name: models[second])
    try:
        lib = Library(library, tmp_path / "index")
        lib.update(main, load_embedder=lambda name: models[name])
        _change(library)
        report = lib.update(main, load_embedder=lambda name: models[name])
        index = lib.load()
    finally:
        registry.unregister(main)
        registry.unregister(second)
    assert writes == ["write", "update"] and report.chunks_removed > 0 and report.chunks_added > 0
    texts = index.chunks["embed_text"].tolist()
    assert index.manifest.companion_model == second and index.companion.ntotal == len(texts)
    assert np.array_equal(index.companion.reconstruct_n(0, len(texts)),
                          FakeEmbedder(name=second, dimension=32).embed_documents(texts))
    assert np.array_equal(index.all_vectors(), FakeEmbedder(name=main).embed_documents(texts))


def _as_before_token_ids(build: Path) -> None:
    """A build as the code before the token ids were kept wrote it: its tokens as text in
    chunks.parquet, no ids beside BM25 (checksums made again, as that code would have)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from index.checksums import write_checksums

    tokens = TokenIds.read(build / "lexical")
    table = pq.read_table(build / "chunks.parquet")
    table = table.append_column("lexical_tokens", pa.array(tokens.token_lists(), type=pa.list_(pa.string())))
    pq.write_table(table, build / "chunks.parquet")
    for name in ("token_ids.npy", "token_counts.npy"):
        (build / "lexical" / name).unlink()
    (build / "checksums.json").unlink()
    write_checksums(build)


def test_a_build_keeps_its_token_ids_beside_bm25_and_not_as_text(library, tmp_path):
    lib = Library(library, tmp_path / "index")
    lib.update(MODEL, load_embedder=_load)
    import pyarrow.parquet as pq

    build = lib.store.current_build()
    assert pq.read_schema(build / "chunks.parquet").names == ["chunk_id", "embed_text"]
    index, tokenizer = lib.load(), LexicalTokenizer()
    expected = tokenizer.tokenize_many(index.chunks["embed_text"].tolist())
    assert TokenIds.read(build / "lexical").token_lists() == expected == index.chunks["lexical_tokens"].tolist()


def test_an_update_of_a_build_with_tokens_as_text_ends_as_a_build_from_scratch(library, tmp_path, writes):
    lib = Library(library, tmp_path / "updated")
    lib.update(MODEL, load_embedder=_load)
    _as_before_token_ids(lib.store.current_build())
    lib.store.verify()
    assert lib.load().chunks["lexical_tokens"].map(len).sum() > 0  # read from the text column
    _change(library)
    lib.update(MODEL, load_embedder=_load)
    scratch = Library(library, tmp_path / "scratch")
    scratch.update(MODEL, load_embedder=_load)
    assert writes == ["write", "update", "write"]
    assert TokenIds.read(lib.store.current_build() / "lexical") is not None  # the update wrote the new form
    assert _rows(lib) == _rows(scratch)
    assert _bm25_by_chunk(lib) == _bm25_by_chunk(scratch)


def test_kept_token_ids_are_the_kept_passages_with_only_their_tokens():
    rng = random.Random(11)
    words = [f"w{i}" for i in range(60)]
    passages = [[rng.choice(words) for _ in range(rng.randint(0, 12))] for _ in range(300)]
    keep = np.array([rng.random() < 0.6 for _ in passages])
    kept = TokenIds.of(passages).kept(keep)
    expected = [tokens for tokens, kept_it in zip(passages, keep, strict=True) if kept_it]
    assert kept.token_lists() == expected
    assert set(kept.vocabulary) == {token for tokens in expected for token in tokens}
    assert sorted(kept.vocabulary.values()) == list(range(len(kept.vocabulary)))
    kept.append(["w1", "new"])  # an update's new passage after them
    assert kept.token_lists()[-1] == ["w1", "new"]


def test_token_ids_taken_in_another_order_are_those_passages_in_that_order():
    """What a staged build does with its rows' ids when it puts them in the order the model fills them."""
    rng = random.Random(12)
    words = [f"w{i}" for i in range(40)]
    passages = [[rng.choice(words) for _ in range(rng.randint(0, 9))] for _ in range(200)]
    ids = TokenIds.of(passages)
    order = np.array(rng.sample(range(200), 200))
    taken = ids.take(order)
    assert taken.token_lists() == [passages[i] for i in order]
    assert taken.vocabulary == ids.vocabulary
    assert ids.take(order[:7]).token_lists() == [passages[i] for i in order[:7]]
    assert ids.take(np.zeros(0, dtype=np.int64)).token_lists() == []
    assert ids.token_lists([5, 0, 5]) == [passages[5], passages[0], passages[5]]


def test_token_ids_that_do_not_fit_their_vocabulary_are_refused(library, tmp_path):
    lib = Library(library, tmp_path / "index")
    lib.update(MODEL, load_embedder=_load)
    lexical = lib.store.current_build() / "lexical"
    ids = np.load(lexical / "token_ids.npy")
    np.save(lexical / "token_ids.npy", np.append(ids, np.int32(10**6)))
    with pytest.raises(ValueError, match="does not fit"):
        TokenIds.read(lexical)
