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

K1, B = 1.5, 0.75  # chosen on SciFact train (bench/eval_retrieval.py); recorded in the manifest


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

    def search(self, tokens: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the k best chunks with a positive score, best first."""
        if self._bm25 is None or not tokens or k < 1:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores = self._bm25.get_scores(tokens)
        positive = np.flatnonzero(scores > 0)
        if len(positive) > k:
            positive = positive[np.argpartition(-scores[positive], k - 1)[:k]]
        order = positive[np.argsort(-scores[positive], kind="stable")]
        return order, scores[order]
