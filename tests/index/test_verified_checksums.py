"""A build checks the index it updates against its checksums, hashing only files that changed
since a check (or the build that wrote them) found them sound (index/checksums.py); `status`
hashes every byte."""

from __future__ import annotations

import os

import pytest

import index.checksums as checksums
from index.errors import CorruptIndexError
from library import Library
from tests.support.fakes import FakeEmbedder

MODEL = "fake-hash-64"


def _update(lib: Library):
    return lib.update(MODEL, load_embedder=lambda name: FakeEmbedder(name=name))


@pytest.fixture
def hashed(monkeypatch) -> list[str]:
    """The names of the files index/checksums.py hashes from now on."""
    names: list[str] = []
    real = checksums.file_sha256

    def counting(path):
        names.append(path.name)
        return real(path)

    monkeypatch.setattr(checksums, "file_sha256", counting)
    return names


def test_a_noop_build_hashes_nothing_the_build_wrote_and_status_hashes_all(small_library, hashed):
    lib = Library(small_library)
    assert _update(lib).wrote_index
    hashed.clear()
    assert _update(lib).wrote_index is False
    assert hashed == []  # sizes, inodes and times as the build left them
    lib.status()
    assert {"vectors.faiss", "passages.arrow", "chunks.parquet", "manifest.json"} <= set(hashed)


@pytest.mark.parametrize("damaged", ["vectors.faiss", "passages.arrow"])
def test_damage_in_place_is_caught_even_with_its_old_time_set_back(small_library, hashed, damaged):
    """Writing a file moves its change time, which no program can set back (utime sets the
    modification time only): the build hashes that file again and finds it damaged."""
    lib = Library(small_library)
    _update(lib)
    assert _update(lib).wrote_index is False
    target = lib.store.current_build() / damaged
    before = os.stat(target)
    data = bytearray(target.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 32] = bytes(32)
    target.write_bytes(bytes(data))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(target).st_size == before.st_size and os.stat(target).st_mtime_ns == before.st_mtime_ns
    hashed.clear()
    with pytest.raises(CorruptIndexError, match=f"bytes of {damaged} changed"):
        lib.store.verify(remember=True)
    assert hashed == [damaged]  # only the file whose times moved
    report = _update(lib)
    assert report.wrote_index and report.chunks_added == report.chunks_total  # rebuilt from the files


def test_a_torn_or_foreign_record_only_means_hashing_again(small_library, hashed):
    lib = Library(small_library)
    _update(lib)
    record = lib.index_dir / checksums.VERIFIED
    assert record.exists()
    for text in ("{not json", '{"build": "another", "files": {}}', '{"build": 3}'):
        record.write_text(text, encoding="utf-8")
        hashed.clear()
        lib.store.verify(remember=True)
        assert "vectors.faiss" in hashed
    hashed.clear()
    lib.store.verify(remember=True)  # the check above recorded what it found
    assert hashed == []
