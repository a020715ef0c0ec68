"""The ONNX engine's forward passes hold at most BATCH_TOKENS padded tokens (embed/onnx_engine.py):
ONNX Runtime keeps the memory of its largest pass, which grows with the batch times its length."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from embed.onnx_engine import token_budget_batches


@given(st.lists(st.integers(min_value=0, max_value=600), max_size=300), st.integers(1, 64), st.integers(1, 10_000))
def test_batches_cover_every_input_in_order_within_the_budget(lengths, most, budget):
    lengths = sorted(lengths, reverse=True)  # as the engine orders its inputs
    batches = token_budget_batches(lengths, most, budget)
    assert [i for start, end in batches for i in range(start, end)] == list(range(len(lengths)))
    for start, end in batches:
        assert 1 <= end - start <= most
        assert end - start == 1 or (end - start) * lengths[start] <= budget  # one input alone may exceed it


def test_long_passages_go_eight_at_a_time_and_short_ones_as_many_as_allowed():
    assert token_budget_batches([512] * 20, 32, 4096) == [(0, 8), (8, 16), (16, 20)]
    assert token_budget_batches([100] * 40, 32, 4096) == [(0, 32), (32, 40)]
