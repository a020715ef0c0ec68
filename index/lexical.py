"""BM25 over the chunks' tokens (bm25s), the lexical half of hybrid search.

Tokens are stored per chunk in the chunk table, so a rebuild re-tokenises only new chunks and
re-fits BM25 (a sparse-matrix build, fast) from the stored tokens.
"""

from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np

logging.getLogger("bm25s").setLevel(logging.WARNING)

K1, B = 1.5, 0.75  # chosen on SciFact train (bench/quality/eval_retrieval.py); recorded in the manifest


class LexicalIndex:
    def __init__(self, bm25: bm25s.BM25 | None):
        self._bm25 = bm25  # None for an empty corpus

    @classmethod
    def fit(cls, token_lists: list[list[str]], k1: float = K1, b: float = B) -> LexicalIndex:
        if not token_lists:
            return cls(None)
        bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        bm25.index([list(tokens) for tokens in token_lists], show_progress=False)
        return cls(bm25)

    @property
    def is_empty(self) -> bool:
        return self._bm25 is None

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        if not (directory / "params.index.json").exists():
            return cls(None)
        return cls(bm25s.BM25.load(str(directory), mmap=True, show_progress=False))

    @property
    def document_count(self) -> int | None:
        return None if self._bm25 is None else int(self._bm25.scores["num_docs"])

    def document_weights(self):
        """(docs x vocabulary CSR matrix of each passage's BM25 term weights, token -> column):
        a passage's score for a query is the sum of its weights over the query's tokens (a repeated
        token counts again), so another engine can reproduce these scores with an inner product."""
        import scipy.sparse as sp

        if self._bm25 is None:
            return sp.csr_matrix((0, 0), dtype=np.float32), {}
        scores = self._bm25.scores
        vocabulary = {str(token): int(column) for token, column in self._bm25.vocab_dict.items()}
        shape = (int(scores["num_docs"]), len(scores["indptr"]) - 1)
        matrix = sp.csc_matrix((scores["data"], scores["indices"], scores["indptr"]), shape=shape)
        return matrix.tocsr().astype(np.float32), vocabulary

    def search(self, tokens: list[str], k: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the k best chunks with a positive score, best first; with `rows`
        (ascending), the k best of those rows only (a scoped search)."""
        if self._bm25 is None or not tokens or k < 1:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores = self._bm25.get_scores(tokens)
        candidates = np.flatnonzero(scores > 0) if rows is None else rows[scores[rows] > 0]
        order = candidates[top_k(scores[candidates], k)]
        return order, scores[order]


def top_k(values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k largest values, largest first, ties in position order: what a stable
    sort of all of them gives, without sorting or partitioning them all. A query word shared by
    half of a million passages leaves 500k positive scores, and np.argpartition over them cost
    more than the rest of the BM25 search (bench/HISTORY.md, "Scale"). The k-th largest of a strided
    sample of sqrt(n*k) values is at most the k-th largest of all, so every value at least that
    large is a candidate (about sqrt(n*k) of them), and only those are partitioned and sorted."""
    n = len(values)
    candidates = np.arange(n)
    if n > 4 * k:
        step = max(1, int(np.sqrt(n / k)))
        sample = values[::step]
        floor = np.partition(sample, len(sample) - k)[len(sample) - k]
        candidates = np.flatnonzero(values >= floor)
    if len(candidates) > k:
        chosen = values[candidates]
        kth = np.partition(chosen, len(chosen) - k)[len(chosen) - k]
        candidates = candidates[chosen >= kth]
    return candidates[np.argsort(-values[candidates], kind="stable")][:k]
