"""BM25's top k: the same passages, scores and order as sorting every score (ties by row)."""

from __future__ import annotations

import numpy as np
import pytest

from index import LexicalIndex
from index.lexical import top_k


@pytest.mark.parametrize("n,k", [(5, 10), (10, 3), (1000, 100), (200_000, 100), (50_000, 7)])
@pytest.mark.parametrize("ties", [False, True])
def test_top_k_equals_a_stable_sort(n, k, ties):
    values = np.random.default_rng(n + k).random(n).astype(np.float32)
    if ties:  # few distinct values: ties inside the top k and at its cut
        values = np.round(values * 20).astype(np.float32)
    assert np.array_equal(top_k(values, k), np.argsort(-values, kind="stable")[:k])


def test_search_ranks_like_sorting_all_bm25_scores():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(300)]
    documents = [list(rng.choice(words, size=int(rng.integers(3, 30)), p=_zipf(len(words)))) for _ in range(3000)]
    documents += documents[:500]  # duplicates: equal scores
    lexical = LexicalIndex.fit(documents)
    for query in (["w0", "w1"], ["w5", "w5", "w77"], ["w299"], ["w3", "unknown"], ["unknown"]):
        scores = lexical._bm25.get_scores(query)
        expected = [row for row in np.argsort(-scores, kind="stable") if scores[row] > 0][:50]
        rows, found = lexical.search(query, 50)
        assert rows.tolist() == expected
        assert np.array_equal(found, scores[expected])


def _zipf(size: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, size + 1)
    return weights / weights.sum()
