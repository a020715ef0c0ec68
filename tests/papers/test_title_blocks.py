"""Linking compares only titles that share a word piece (papers.linking._blocks): the candidate
pairs must be each such pair once, in order, however the pair codes are made unique."""

from __future__ import annotations

from itertools import combinations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from papers.linking import _blocks, _pieces, _sorted_unique


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 50), max_size=300))
def test_sorted_unique_is_numpys_unique(values):
    codes = np.asarray(values, dtype=np.int64)
    assert np.array_equal(_sorted_unique(codes), np.unique(codes))


def test_blocks_are_the_pairs_that_share_a_piece():
    keys = ["deformable convolution networks", "deformable alignment", "optical flow warping",
            "flow guided alignment", "vision transformer", "video transformer networks"]
    left, right = _blocks(keys)
    pairs = list(zip(left.tolist(), right.tolist(), strict=True))
    expected = [(i, j) for i, j in combinations(range(len(keys)), 2) if _pieces(keys[i]) & _pieces(keys[j])]
    assert pairs == expected and pairs
