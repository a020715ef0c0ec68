"""The word-embedding table read by rows (embed/word_table.py): the same rows as numpy's own
indexing of the loaded array, for every shape of ids the engine passes, and the file never mapped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from embed.errors import ModelLoadError
from embed.word_table import WordTable


@pytest.fixture
def table_file(tmp_path: Path) -> tuple[Path, np.ndarray]:
    table = np.random.default_rng(7).standard_normal((500, 12)).astype(np.float32)
    path = tmp_path / "words.npy"
    np.save(path, table)
    return path, table


@pytest.mark.parametrize("ids", [
    np.array([3]),
    np.array([[0, 1, 2, 3], [499, 498, 7, 7]]),  # a run, the last rows, a repeat
    np.random.default_rng(1).integers(0, 500, size=(8, 64)),
    np.zeros((2, 0), dtype=np.int64),
    np.arange(500).reshape(20, 25),  # every row in one read
])
def test_rows_are_those_of_the_loaded_array(table_file, ids):
    path, table = table_file
    got = WordTable(path)[ids]
    assert got.shape == (*ids.shape, 12)
    assert got.dtype == np.float32
    assert np.array_equal(got, table[ids])


def test_a_version_2_header_is_read(tmp_path: Path):
    table = np.arange(40, dtype=np.float32).reshape(10, 4)
    path = tmp_path / "v2.npy"
    with open(path, "wb") as out:
        np.lib.format.write_array(out, table, version=(2, 0))
    assert np.array_equal(WordTable(path)[np.array([9, 0])], table[[9, 0]])


def test_ids_outside_the_table_are_refused(table_file):
    path, _ = table_file
    with pytest.raises(IndexError):
        WordTable(path)[np.array([0, 500])]
    with pytest.raises(IndexError):
        WordTable(path)[np.array([-1])]


@pytest.mark.parametrize("write", [
    lambda p: np.save(p, np.zeros((4, 3), dtype=np.float64)),
    lambda p: np.save(p, np.zeros(12, dtype=np.float32)),
    lambda p: np.save(p, np.asfortranarray(np.zeros((4, 3), dtype=np.float32))),
    lambda p: p.write_bytes(b"not a numpy file at all"),
])
def test_a_table_of_another_form_is_a_model_load_error(tmp_path: Path, write):
    path = tmp_path / "bad.npy"
    write(path)
    with pytest.raises(ModelLoadError, match="bad.npy"):
        WordTable(path)


def test_a_cut_table_is_refused_before_any_row_is_read(table_file):
    path, _ = table_file
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ModelLoadError, match="shorter than its 500 rows"):
        WordTable(path)


def test_the_file_is_read_not_mapped(table_file):
    """What the table is for: a process that embeds holds only the rows it copied, not the pages
    of the file (a mapping's pages count in its resident memory)."""
    path, _ = table_file
    reader = WordTable(path)
    reader[np.arange(500)]
    maps = Path("/proc/self/maps").read_text()
    assert str(path) not in maps
    mapped = np.load(path, mmap_mode="r")
    assert str(path) in Path("/proc/self/maps").read_text()  # the check sees a mapping when there is one
    del mapped
