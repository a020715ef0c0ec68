"""A long first build commits as it goes (index/staged_build.py) and resumes from its journal
(index/vector_journal.py): searchable early, never embedding a text twice, ending as an
uninterrupted build ends."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import index.staged_build as staged_build
from index.lexical import TokenIds
from index.vector_journal import VectorJournal
from library import Library
from tests.support.fakes import FakeEmbedder
from tests.support.topic_notes import write_topic_notes

MODEL = "fake-hash-64"
QUERIES = ["deformable offsets", "optical flow warping", "扩散 去噪", "attention heads", "topic 7 grid"]


class Interrupted(Exception):
    """Stands in for Ctrl-C or a crash in the middle of embedding."""


class StoppingEmbedder(FakeEmbedder):
    """A fake model that dies after `batches` batches. Like the int8 engine, a text's vector
    depends a little on its batch mates (their padding): only a resumed build that embeds the same
    batches as an uninterrupted one ends with the same vectors."""

    def __init__(self, batches: int | None = None):
        super().__init__(name=MODEL)
        self.batches_left = batches

    def embed_documents(self, texts):
        if self.batches_left is not None:
            if self.batches_left == 0:
                raise Interrupted()
            self.batches_left -= 1
        vectors = super().embed_documents(texts)
        vectors[:, 0] += 1e-3 * max(len(text) for text in texts)  # the batch's padding shows
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture
def bigger_library(small_library: Path) -> Path:
    """The small library plus notes enough for several embedding batches."""
    write_topic_notes(small_library, notes=4, sections=10)
    return small_library


@pytest.fixture
def staged(monkeypatch, small_batches):
    """Stage from a handful of passages, committing after every batch of two."""
    monkeypatch.setattr(staged_build, "STAGED_FROM_PASSAGES", 5)


def _update(lib: Library, embedder: FakeEmbedder):
    return lib.update(MODEL, load_embedder=lambda name: embedder)


def _top10(lib: Library) -> list[list[str]]:
    searcher = lib.searcher(load=lambda name: FakeEmbedder(name=name))
    return [[hit.chunk_id for hit in searcher.search(query, k=10).hits] for query in QUERIES]


def _vectors(lib: Library) -> dict[str, np.ndarray]:
    index = lib.load()
    return dict(zip(index.chunks["chunk_id"], index.all_vectors(), strict=True))


@pytest.mark.usefixtures("staged")
def test_a_first_build_is_searchable_by_keyword_before_anything_is_embedded(bigger_library, monkeypatch):
    lib = Library(bigger_library)
    seen = []
    real_write = type(lib.store).write

    def watching(store, manifest, chunks, vectors, *args, **kwargs):
        written = real_write(store, manifest, chunks, vectors, *args, **kwargs)
        reader = Library(bigger_library)  # as another process sees the index at this moment
        index = reader.load()
        response = reader.searcher(load=lambda name: FakeEmbedder(name=name)).search("sliding windows", k=5)
        seen.append((index.vectors.ntotal, index.passages.num_rows, index.manifest.pending_rows, response))
        return written

    monkeypatch.setattr(type(lib.store), "write", watching)
    report = _update(lib, StoppingEmbedder())
    first_embedded, rows, pending, response = seen[0]
    assert first_embedded == 0 and pending == rows == report.chunks_total  # every passage read, none embedded
    assert response.hits and not any(hit.embedded for hit in response.hits)
    assert any("still being built" in notice for notice in response.notices)
    assert [step[0] for step in seen] == sorted(step[0] for step in seen)  # meaning search only grows
    assert len(seen) > 3
    last_embedded, rows, pending, response = seen[-1]
    assert last_embedded == rows and pending == 0 and all(hit.embedded for hit in response.hits)
    assert not any("still being built" in notice for notice in response.notices)
    assert not VectorJournal(lib.index_dir).path.exists()


@pytest.mark.usefixtures("staged")
@pytest.mark.parametrize("stop_after", [1, 5, 12])
def test_an_interrupted_first_build_resumes_and_ends_as_an_uninterrupted_one(bigger_library, tmp_path, stop_after):
    reference = Library(bigger_library, tmp_path / "reference-index")
    whole = StoppingEmbedder()
    _update(reference, whole)

    lib = Library(bigger_library, tmp_path / "index")
    with pytest.raises(Interrupted):
        _update(lib, StoppingEmbedder(batches=stop_after))
    left = lib.load()  # the last stage committed before the interruption answers searches
    assert 0 < left.manifest.pending_rows < left.passages.num_rows or stop_after == 1
    assert lib.searcher(load=lambda name: FakeEmbedder(name=name)).search("sliding windows").hits

    again = StoppingEmbedder()
    report = _update(lib, again)
    assert len(again.embedded) == len(whole.embedded) - 2 * stop_after  # the two per batch before the stop are kept
    assert report.reused + left.vectors.ntotal == 2 * stop_after  # from the journal, or in the last stage
    assert lib.load().manifest.pending_rows == 0
    reference_vectors, vectors = _vectors(reference), _vectors(lib)
    assert set(vectors) == set(reference_vectors)
    assert all(np.array_equal(vectors[c], reference_vectors[c]) for c in vectors)
    assert _top10(lib) == _top10(reference)
    assert _update(lib, StoppingEmbedder()).wrote_index is False  # finished: nothing left to do


@pytest.mark.usefixtures("staged")
def test_a_file_removed_before_the_resume_leaves_as_if_it_had_never_been_there(bigger_library, tmp_path):
    """The resume keeps the vectors the stopped build made for the other files (only those, never
    a copy the size of the whole index: index/builder.py _carry_over) and ends holding the
    library as it is now."""
    lib = Library(bigger_library, tmp_path / "index")
    with pytest.raises(Interrupted):
        _update(lib, StoppingEmbedder(batches=12))
    left = lib.load()
    made = dict(zip(left.chunks["chunk_id"][: left.vectors.ntotal], left.all_vectors(), strict=True))
    paths = left.passages.column("path").to_pylist()
    gone = paths[0]  # a file with vectors in the stopped build
    assert 0 < left.vectors.ntotal < len(paths) and gone in paths[: left.vectors.ntotal]
    (bigger_library / gone).unlink()

    again = StoppingEmbedder()
    _update(lib, again)
    reference = Library(bigger_library, tmp_path / "reference-index")
    whole = StoppingEmbedder()
    _update(reference, whole)
    now = lib.load()
    assert gone not in now.passages.column("path").to_pylist() and now.manifest.pending_rows == 0
    vectors = _vectors(lib)
    assert set(vectors) == set(_vectors(reference))
    kept = [chunk for chunk in made if chunk in vectors]
    assert kept and all(np.array_equal(vectors[chunk], made[chunk]) for chunk in kept)  # not embedded again
    assert len(again.embedded) == len(whole.embedded) - len(kept)


@pytest.mark.usefixtures("staged")
def test_a_resume_carries_the_tokens_as_ids_and_ends_with_the_same_bm25(bigger_library, tmp_path, monkeypatch):
    """The resume takes the stopped build's token ids for the rows it keeps (a file removed in
    between: some rows go) and never turns them into text (at 10,000 files a reference per token
    was about 450 MB of a resumed build's peak); its BM25 is the uninterrupted build's."""
    lib = Library(bigger_library, tmp_path / "index")
    with pytest.raises(Interrupted):
        _update(lib, StoppingEmbedder(batches=5))
    gone = lib.load().passages.column("path")[0].as_py()
    (bigger_library / gone).unlink()

    def as_text(*args, **kwargs):
        raise AssertionError("a build read the kept tokens as text")

    with monkeypatch.context() as patched:
        patched.setattr(TokenIds, "token_lists", as_text)
        _update(lib, StoppingEmbedder())
    reference = Library(bigger_library, tmp_path / "reference-index")
    _update(reference, StoppingEmbedder())

    def tokens(library: Library) -> dict[str, tuple[str, ...]]:
        index = library.load()
        return dict(zip(index.chunks["chunk_id"], map(tuple, index.chunks["lexical_tokens"]), strict=True))

    assert gone not in lib.load().passages.column("path").to_pylist()
    assert tokens(lib) == tokens(reference)
    for query in QUERIES:
        hits = [lib.searcher(load=lambda name: FakeEmbedder(name=name)).search(query, k=10, mode="lexical").hits,
                reference.searcher(load=lambda name: FakeEmbedder(name=name)).search(query, k=10, mode="lexical").hits]
        assert [(h.chunk_id, h.score) for h in hits[0]] == [(h.chunk_id, h.score) for h in hits[1]], query


@pytest.mark.usefixtures("staged")
def test_an_update_of_a_finished_index_is_not_staged(bigger_library):
    lib = Library(bigger_library)
    _update(lib, StoppingEmbedder())
    finished = lib.build_id()
    (bigger_library / "notes" / "topics-9.md").write_text(
        "# More\n\n" + "\n\n".join(f"## Part {i}\n\nA new paragraph {i} about video matting." for i in range(8)),
        encoding="utf-8")
    with pytest.raises(Interrupted):
        _update(lib, StoppingEmbedder(batches=2))
    assert lib.build_id() == finished  # the finished index answers until the new one is whole
    assert lib.load().manifest.pending_rows == 0


def test_a_pdf_saved_again_with_the_same_text_is_not_embedded_again(small_library):
    lib = Library(small_library)
    _update(lib, StoppingEmbedder())
    pdf = small_library / "pdfs" / "transformers.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n% a reader's highlight saved into the file\n")  # new bytes, same text
    again = StoppingEmbedder()
    report = _update(lib, again)
    assert report.wrote_index and report.plan.changed == ["pdfs/transformers.pdf"]
    assert again.embedded == [] and report.reused > 0


def test_a_plan_reads_only_files_whose_size_or_time_changed(small_library, monkeypatch):
    import index.planner as planner

    lib = Library(small_library)
    monkeypatch.setattr(planner, "_RACY_NS", 0)  # trust times at once (files are written in this very second here)
    for path in small_library.rglob("*.*"):
        os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    _update(lib, StoppingEmbedder())
    hashed = []
    real = planner.file_sha256
    monkeypatch.setattr(planner, "file_sha256", lambda path: hashed.append(path.name) or real(path))
    assert lib.plan(MODEL).is_noop and hashed == []  # nothing read
    note = small_library / "notes" / "alignment.md"
    os.utime(note, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))  # touched, same bytes
    plan = lib.plan(MODEL)
    assert hashed == ["alignment.md"] and plan.is_noop  # the hash stays the truth
    note.write_text(note.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    assert lib.plan(MODEL).changed == ["notes/alignment.md"]


def test_a_build_stopped_by_a_full_disk_says_so_and_resumes_where_it_stopped(bigger_library, monkeypatch):
    import sqlite3

    from index import IndexWriteError
    from index.vector_journal import VectorJournal as Journal

    lib = Library(bigger_library)
    real_db = Journal._db
    batches = []

    class FillingDisk:
        """The journal's SQLite connection, on a disk that fills up after three batches."""

        def __init__(self, db):
            self.db = db

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.db.__exit__(*exc)

        def executemany(self, sql, rows):
            rows = list(rows)
            if len(batches) == 3:
                raise sqlite3.OperationalError("database or disk is full")
            batches.append(len(rows))
            self.db.__enter__()
            return self.db.executemany(sql, rows)

        def __getattr__(self, name):
            return getattr(self.db, name)

    monkeypatch.setattr("index.passage_vectors.EMBED_BATCH", 4)
    monkeypatch.setattr(Journal, "_db", lambda journal: FillingDisk(real_db(journal)))
    first = StoppingEmbedder()
    with pytest.raises(IndexWriteError, match="free some space and build again"):
        _update(lib, first)
    monkeypatch.setattr(Journal, "_db", real_db)
    again = StoppingEmbedder()
    report = _update(lib, again)
    assert report.reused == sum(batches) == 12  # the three batches saved before the disk filled
    assert len(again.embedded) == report.chunks_total - 12
