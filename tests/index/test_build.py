"""Incremental builds, bad input and the atomic on-disk format, with the fake embedder."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from corpus import UnreadableFileError
from index import CorruptIndexError, EmptyLibraryError, IndexLockedError, IndexWriteError, LibraryNotFoundError
from library import Library
from embed import language_direction
from search import Searcher
from tests.support.fakes import FakeEmbedder
from tests.support.pdf_factory import encrypt_pdf, write_blank_pdf, write_pdf


def build(library: Path, embedder: FakeEmbedder, index: Path | None = None):
    lib = Library(library, index)
    plan = lib.plan(embedder.name)
    return lib, plan, lib.build(plan, embedder)


@pytest.mark.usefixtures("each_store")
def test_first_build_indexes_every_file(small_library, fake_embedder):
    lib, plan, report = build(small_library, fake_embedder)
    assert plan.summary() == "3 new, 0 changed, 0 deleted, 0 unchanged"
    stored = lib.load()
    assert set(stored.chunks["path"]) == {"notes/alignment.md", "notes/扩散模型.md", "pdfs/transformers.pdf"}
    assert stored.vectors.ntotal == len(stored.chunks) == report.chunks_total == len(fake_embedder.embedded)
    assert stored.manifest.model == "fake-hash-64"
    assert stored.manifest.chunk_settings == {"chunk_tokens": 192, "overlap_tokens": 32, "entry_breaks": True}
    assert lib.index_dir == small_library / ".papersearch"


@pytest.mark.usefixtures("each_store")
def test_rebuild_embeds_only_new_and_changed_files(small_library, fake_embedder):
    lib, _, _ = build(small_library, fake_embedder)
    before = lib.load().chunks.set_index("chunk_id")

    (small_library / "notes" / "alignment.md").write_text("# Feature alignment\n\nNow about flow-free alignment.\n")
    (small_library / "notes" / "new.md").write_text("# New\n\nA new note about video inpainting.\n")
    (small_library / "notes" / "扩散模型.md").unlink()
    counting = FakeEmbedder()
    _, plan, report = build(small_library, counting)

    assert plan.summary() == "1 new, 1 changed, 1 deleted, 1 unchanged"
    embedded_paths = {text.split("\n")[0] for text in counting.embedded}
    assert embedded_paths == {"Feature alignment", "New"}  # the PDF was not embedded again
    after = lib.load()
    assert set(after.chunks["path"]) == {"notes/alignment.md", "notes/new.md", "pdfs/transformers.pdf"}
    pdf_ids = before[before["path"] == "pdfs/transformers.pdf"].index
    assert set(pdf_ids) <= set(after.chunks["chunk_id"])  # unchanged chunks carried over by id
    assert report.chunks_removed == (before["path"] != "pdfs/transformers.pdf").sum()


@pytest.mark.usefixtures("each_store")
def test_vectors_carried_over_stay_aligned_with_their_chunks(small_library, fake_embedder):
    lib, _, _ = build(small_library, fake_embedder)
    (small_library / "notes" / "extra.md").write_text("# Extra\n\nSomething else entirely.\n")
    build(small_library, FakeEmbedder())
    stored = lib.load()
    expected = FakeEmbedder().embed_documents(stored.chunks["embed_text"].tolist())
    assert abs(stored.all_vectors() - expected).max() < 1e-6


@pytest.mark.usefixtures("each_store")
def test_unchanged_library_is_a_noop(small_library, fake_embedder):
    lib, _, _ = build(small_library, fake_embedder)
    location = lib.store.current_build()
    counting = FakeEmbedder()
    _, plan, report = build(small_library, counting)
    assert plan.is_noop and not report.wrote_index and counting.embedded == []
    assert lib.store.current_build() == location


@pytest.mark.usefixtures("each_store")
def test_model_change_rebuilds_everything(small_library, fake_embedder):
    build(small_library, fake_embedder)
    other = FakeEmbedder(name="another-model", dimension=32)
    _, plan, report = build(small_library, other)
    assert plan.full_rebuild_reason and "model changed" in plan.summary()
    assert report.chunks_added == report.chunks_total > 0


def test_bad_files_are_skipped_reported_and_the_build_goes_on(small_library, fake_embedder):
    bad = small_library / "bad"
    bad.mkdir()
    (bad / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj garbage")
    (bad / "empty.pdf").write_bytes(b"")
    write_blank_pdf(bad / "scanned.pdf")
    encrypt_pdf(write_pdf(bad / "plain.pdf", ["secret text"]), bad / "locked.pdf", "pw")
    (bad / "plain.pdf").unlink()
    (bad / "damaged.md").write_bytes("# 笔记\n中文".encode() + b"\xff")
    (bad / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (bad / "zero.md").write_bytes(b"")

    lib, _, report = build(small_library, fake_embedder)
    reasons = {item.path: item.reason for item in report.skipped}
    assert set(reasons) == {
        "bad/corrupt.pdf", "bad/empty.pdf", "bad/scanned.pdf", "bad/locked.pdf", "bad/damaged.md", "bad/image.md",
        "bad/zero.md",
    }
    assert "encrypted" in reasons["bad/locked.pdf"] and "UTF-8" in reasons["bad/damaged.md"]
    assert "no text layer" in reasons["bad/scanned.pdf"]
    assert report.files_total == 3  # the good files are all indexed
    assert lib.manifest().skipped == report.skipped

    # The same broken bytes are not retried on every build.
    _, plan, _ = build(small_library, FakeEmbedder())
    assert len(plan.still_unreadable) == 7 and plan.is_noop


def test_gbk_and_big5_notes_are_indexed_and_status_names_their_encoding(small_library, fake_embedder):
    (small_library / "notes" / "gbk.md").write_bytes("# 光流笔记\n\n本文用金字塔结构估计大位移光流。\n".encode("gbk"))
    (small_library / "notes" / "big5.md").write_bytes("# 光流筆記\n\n本文用金字塔結構估計大位移光流。\n".encode("big5"))
    lib, _, report = build(small_library, fake_embedder)
    assert not report.skipped
    chunks = lib.load().chunks.set_index("path")
    assert "金字塔结构" in chunks.loc["notes/gbk.md", "text"] and "金字塔結構" in chunks.loc["notes/big5.md", "text"]
    warnings = lib.manifest().warnings
    assert "GB18030" in warnings["notes/gbk.md"][0] and "Big5" in warnings["notes/big5.md"][0]


def test_a_gbk_note_skipped_by_an_older_build_is_read_again(small_library, fake_embedder, monkeypatch):
    import corpus.text_decoding

    decode_note = corpus.text_decoding.decode_note

    def refused_as_before(data: bytes, path: str):
        if path.endswith("gbk.md"):
            raise UnreadableFileError(path, "not valid UTF-8 (byte 0xb9 at offset 2); re-save the file as UTF-8 to index it")
        return decode_note(data, path)

    (small_library / "notes" / "gbk.md").write_bytes("# 光流笔记\n\n本文用金字塔结构估计大位移光流。\n".encode("gbk"))
    with monkeypatch.context() as patch:
        patch.setattr(corpus.text_decoding, "decode_note", refused_as_before)
        _, _, report = build(small_library, fake_embedder)
    assert [item.path for item in report.skipped] == ["notes/gbk.md"]
    lib, plan, report = build(small_library, FakeEmbedder())
    assert plan.still_unreadable == [] and "notes/gbk.md" in plan.to_read and not report.skipped
    assert "notes/gbk.md" in set(lib.load().chunks["path"])
    _, plan, _ = build(small_library, FakeEmbedder())
    assert plan.is_noop


@pytest.mark.usefixtures("each_store")
def test_file_that_breaks_keeps_its_previous_version(small_library, fake_embedder):
    lib, _, _ = build(small_library, fake_embedder)
    pdf = small_library / "pdfs" / "transformers.pdf"
    old_chunks = set(lib.load().chunks.query("path == 'pdfs/transformers.pdf'")["chunk_id"])
    pdf.write_bytes(pdf.read_bytes()[:200])  # truncated by a failed sync, say
    _, _, report = build(small_library, FakeEmbedder())
    (skipped,) = report.skipped
    assert skipped.path == "pdfs/transformers.pdf" and skipped.kept_previous
    assert old_chunks <= set(lib.load().chunks["chunk_id"])


def test_empty_and_missing_libraries_give_clear_errors(tmp_path, fake_embedder):
    (tmp_path / "empty").mkdir()
    with pytest.raises(EmptyLibraryError, match="No PDF, Markdown or text files"):
        build(tmp_path / "empty", fake_embedder)
    assert not (tmp_path / "empty" / ".papersearch" / "CURRENT").exists()
    with pytest.raises(LibraryNotFoundError, match="does not exist"):
        Library(tmp_path / "nowhere")


@pytest.mark.usefixtures("each_store")
def test_deleting_every_file_leaves_a_valid_empty_index(small_library, fake_embedder):
    lib, _, _ = build(small_library, fake_embedder)
    for path in list(small_library.rglob("*.*")):
        if ".papersearch" not in path.parts:
            path.unlink()
    _, plan, report = build(small_library, FakeEmbedder())
    assert plan.summary().startswith("0 new, 0 changed, 3 deleted")
    assert report.chunks_total == 0 and lib.load().vectors.ntotal == 0


@pytest.mark.usefixtures("each_store")
def test_index_outside_the_library(small_library, tmp_path, fake_embedder):
    lib, _, _ = build(small_library, fake_embedder, index=tmp_path / "elsewhere")
    assert lib.store.exists() and not (small_library / ".papersearch").exists()


def test_failed_write_leaves_previous_index_loadable(small_library, fake_embedder, monkeypatch):
    lib, _, _ = build(small_library, fake_embedder)
    before = lib.load().chunks
    (small_library / "notes" / "more.md").write_text("# More\n\nmore text\n")

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("index.build_folder.os.rename", crash)
    with pytest.raises(IndexWriteError, match="disk full.*previous index is kept"):
        build(small_library, FakeEmbedder())
    monkeypatch.undo()
    assert lib.load().chunks.equals(before)
    assert [p.name for p in (lib.index_dir / "builds").iterdir() if p.name.startswith(".tmp")] == []


@pytest.mark.usefixtures("each_store")
def test_concurrent_builds_are_refused(small_library, fake_embedder):
    lib = Library(small_library)
    with lib.store.build_lock():
        with pytest.raises(IndexLockedError, match="Another build"):
            lib.build(lib.plan(fake_embedder.name), fake_embedder)


def test_old_builds_are_pruned(small_library, fake_embedder):
    lib, _, _ = build(small_library, fake_embedder)
    for number in range(3):
        (small_library / f"n{number}.md").write_text(f"# N{number}\n\ntext {number}\n")
        build(small_library, FakeEmbedder())
    assert len(os.listdir(lib.index_dir / "builds")) == 2  # current + previous for open readers


def test_the_index_stores_the_models_language_direction(small_library, fake_embedder):
    """Searching an index must not re-embed the calibration pairs; a new model gets its own."""
    lib, _, _ = build(small_library, fake_embedder)
    stored = lib.load()
    np.testing.assert_array_equal(stored.language_direction, language_direction(fake_embedder))

    fresh = FakeEmbedder()
    searcher = Searcher(stored, fresh)
    searcher.search("deformable alignment", k=2, mode="dense")
    assert fresh.queries == ["deformable alignment"]

    other = FakeEmbedder(name="another-model", dimension=32)
    build(small_library, other)
    assert lib.load().language_direction.shape == (32,)


def test_a_language_direction_of_the_wrong_size_is_a_corrupt_index(small_library, fake_embedder):
    lib, _, _ = build(small_library, fake_embedder)
    np.save(lib.store.current_build() / "language_direction.npy", np.zeros(3, dtype=np.float32))
    with pytest.raises(CorruptIndexError, match="inconsistent"):
        lib.load()
