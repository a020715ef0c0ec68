"""A model's word-embedding table read a row at a time from its .npy file, never mapped.

Why not `np.load(mmap_mode="r")`: every row read through a mapping faults in its page and the
kernel maps the cached pages around it too, so a build's process soon showed most of e5's 366 MiB
table as resident (+274 MiB after 2,000 passages; bench/README.md, "Where the e5 stage's memory
is"), and so did the page and the MCP server after enough queries. `pread` copies only the rows a
batch uses, from the page cache, at about the same cost.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from embed.errors import ModelLoadError

ROW_DTYPE = np.dtype("<f4")


class WordTable:
    """Rows of a 2-D little-endian float32 .npy, gathered like `table[ids]` for any shape of ids."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._fd = -1
        try:
            with open(self.path, "rb") as file:
                version = np.lib.format.read_magic(file)
                shape, fortran_order, dtype = _read_header(file, version)
                self._offset = file.tell()
            size = self.path.stat().st_size
        except (OSError, ValueError) as error:
            raise ModelLoadError(f"cannot read the word-embedding table {self.path}: {error}") from None
        if len(shape) != 2 or fortran_order or dtype != ROW_DTYPE:
            raise ModelLoadError(f"{self.path}: expected a 2-D float32 table in C order, found {dtype} {shape}")
        self.shape = (int(shape[0]), int(shape[1]))
        self._row_bytes = self.shape[1] * ROW_DTYPE.itemsize
        if size < self._offset + self.shape[0] * self._row_bytes:
            raise ModelLoadError(f"{self.path}: the file is shorter than its {self.shape[0]} rows")
        self._fd = os.open(self.path, os.O_RDONLY)

    def __getitem__(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids)
        if not ids.size:
            return np.empty((*ids.shape, self.shape[1]), dtype=ROW_DTYPE)
        if ids.min() < 0 or ids.max() >= self.shape[0]:
            raise IndexError(f"token id out of range 0..{self.shape[0] - 1}")
        wanted, where = np.unique(ids.ravel(), return_inverse=True)
        rows = np.empty((len(wanted), self.shape[1]), dtype=ROW_DTYPE)
        # consecutive ids are one read: ids run together in a batch of one language's text
        breaks = np.flatnonzero(np.diff(wanted) != 1) + 1
        for first, end in zip(np.r_[0, breaks], np.r_[breaks, len(wanted)], strict=True):
            self._read_into(rows[first:end], int(wanted[first]))
        return rows[where].reshape(*ids.shape, self.shape[1])

    def _read_into(self, rows: np.ndarray, first_id: int) -> None:
        view = memoryview(rows).cast("B")
        offset = self._offset + first_id * self._row_bytes
        while view:  # pread may return fewer bytes than asked
            count = os.preadv(self._fd, [view], offset)
            if count == 0:
                raise ModelLoadError(f"{self.path} ended early: was it replaced while in use?")
            view, offset = view[count:], offset + count

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self):
        self.close()


def _read_header(file, version: tuple[int, int]):
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(file)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(file)
    raise ValueError(f"unsupported .npy version {version}")
