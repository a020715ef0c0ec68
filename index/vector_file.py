"""A long build's vectors kept in a file beside the index instead of in the process's memory.

A first build of 10,000 files fills 376,700 vectors of 384 dimensions (578 MB), and its second
encoder 512 more per passage (771 MB); held as arrays until the end, they were most of the build's
peak on top of FAISS's own copy while the index was made (bench/README.md, `big_library`). Here
each embedded batch is written to an unnamed temporary file in the index folder (on Linux it never
has a name, so a killed build leaves nothing behind; elsewhere the next build clears what a killed
one left; the journal keeps what must survive) and read back a slice at a time when a commit
builds its FAISS index: the process holds one slice, the kernel's page cache (which it may write
out and drop) the rest. The folder is the index's, not /tmp: /tmp may be memory itself, and the
index's disk is the one the user gave the build.

Indexing follows NumPy: a slice of rows is a view of the same file (a staged commit's prefix of
filled rows, never a copy), a list of rows is read into an array; assigning to a list of rows
writes them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from index.errors import IndexWriteError

SLICE_ROWS = 1 << 14  # rows read at a time: 24 MB at 384 dimensions
_ITEM = np.dtype(np.float32).itemsize
VECTOR_FILE_PREFIX = ".vectors-"  # the name a temporary file has for a moment where O_TMPFILE is missing


class VectorFile:
    """Rows [start, stop) of a float32 matrix in a temporary file (see the module docstring)."""

    dtype = np.dtype(np.float32)

    def __init__(self, rows: int, dimension: int, directory: Path):
        self.directory, self.dimension = Path(directory), int(dimension)
        try:
            self._file = tempfile.TemporaryFile(dir=self.directory, prefix=VECTOR_FILE_PREFIX)
            self._file.truncate(rows * self.dimension * _ITEM)  # sparse: unwritten rows read as zeros
        except OSError as error:
            raise self._cannot(error) from None
        self._start, self._stop = 0, int(rows)

    def _view(self, start: int, stop: int) -> VectorFile:
        view = object.__new__(VectorFile)
        view.directory, view.dimension, view._file = self.directory, self.dimension, self._file
        view._start, view._stop = start, stop
        return view

    @property
    def shape(self) -> tuple[int, int]:
        return len(self), self.dimension

    def __len__(self) -> int:
        return self._stop - self._start

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            if step != 1:
                raise IndexError("a VectorFile view takes consecutive rows only")
            return self._view(self._start + start, self._start + max(start, stop))
        return self.take(key)

    def __setitem__(self, rows, values) -> None:
        self.write(rows, values)

    def _offset(self, row: int) -> int:
        return (self._start + row) * self.dimension * _ITEM

    def _rows(self, rows) -> np.ndarray:
        rows = np.atleast_1d(np.asarray(rows, dtype=np.int64))
        if len(rows) and (rows.min() < 0 or rows.max() >= len(self)):
            raise IndexError(f"rows outside 0..{len(self) - 1}")
        return rows

    def write(self, rows: Sequence[int] | np.ndarray, values: np.ndarray) -> None:
        """Rows `rows` (positions in this view) get `values`, one write per run of consecutive rows."""
        rows = self._rows(rows)
        values = np.ascontiguousarray(values, dtype=np.float32).reshape(len(rows), self.dimension)
        if not len(rows):
            return
        order, runs = _runs(rows)
        rows, values = rows[order], values[order]
        try:
            for begin, end in runs:
                self._pwrite(memoryview(values[begin:end]).cast("B"), self._offset(int(rows[begin])))
        except OSError as error:
            raise self._cannot(error) from None

    def _pwrite(self, data: memoryview, offset: int) -> None:
        while len(data):
            written = os.pwrite(self._file.fileno(), data, offset)
            data, offset = data[written:], offset + written

    def read(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Rows [start, stop) of this view as a new array."""
        stop = len(self) if stop is None else min(stop, len(self))
        out = np.empty((max(0, stop - start), self.dimension), dtype=np.float32)
        data, offset = memoryview(out).cast("B"), self._offset(start)
        try:
            while len(data):
                got = os.preadv(self._file.fileno(), [data], offset)
                if got == 0:
                    raise OSError(f"the vector file ends before row {start}")
                data, offset = data[got:], offset + got
        except OSError as error:
            raise self._cannot(error) from None
        return out

    def take(self, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """The given rows, in the given order, as a new array (a run of consecutive rows is one read)."""
        rows = self._rows(rows)
        out = np.empty((len(rows), self.dimension), dtype=np.float32)
        if not len(rows):
            return out
        order, runs = _runs(rows)
        sorted_rows = rows[order]
        for begin, end in runs:
            first = int(sorted_rows[begin])
            out[order[begin:end]] = self.read(first, first + (end - begin))
        return out

    def slices(self, rows: int = SLICE_ROWS) -> Iterator[np.ndarray]:
        """The whole view, `rows` rows at a time, in order."""
        for start in range(0, len(self), rows):
            yield self.read(start, start + rows)

    def close(self) -> None:
        """Drop the file (every view of it); it also goes when the process ends, however it ends."""
        self._file.close()

    def _cannot(self, error: OSError) -> IndexWriteError:
        return IndexWriteError(
            f"Papersearch cannot keep the build's vectors in {self.directory} ({error.strerror or error}). "
            "The previous index, if any, is kept."
        )


def _runs(rows: np.ndarray) -> tuple[np.ndarray, Iterator[tuple[int, int]]]:
    """The order that sorts `rows`, and [begin, end) of each run of consecutive rows in that order
    (one read or write per run), made as they are asked for: a training sample has thousands."""
    order = np.argsort(rows, kind="stable")
    breaks = np.flatnonzero(np.diff(rows[order]) != 1) + 1
    return order, zip(np.r_[0, breaks], np.r_[breaks, len(rows)], strict=True)


def row_slices(vectors: np.ndarray | VectorFile, rows: int = SLICE_ROWS) -> Iterator[np.ndarray]:
    """Consecutive float32 slices of `vectors`, in memory or in a VectorFile (never copied whole)."""
    if isinstance(vectors, VectorFile):
        yield from vectors.slices(rows)
        return
    for start in range(0, len(vectors), rows):
        yield np.ascontiguousarray(vectors[start : start + rows], dtype=np.float32)


def take_rows(vectors: np.ndarray | VectorFile, rows: np.ndarray) -> np.ndarray:
    """Rows `rows` of `vectors` as a float32 array."""
    if isinstance(vectors, VectorFile):
        return vectors.take(rows)
    return np.ascontiguousarray(vectors[rows], dtype=np.float32)
