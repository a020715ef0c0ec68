"""The dense ranking: passages nearest in meaning to a query's language-neutral vector."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import faiss
import numpy as np

from embed import Embedder, without_direction
from search.long_text import mean_direction, query_windows

Ranked = list[tuple[int, float]]


class DenseRanker:
    """Embeds queries with the index's own model and searches its vectors."""

    def __init__(self, vectors, embedder: Embedder, direction: np.ndarray | None):
        self.vectors, self.embedder, self.direction = vectors, embedder, direction

    def rank_text(self, text: str, depth: int, notices: list[str], scope=None, rows: np.ndarray | None = None) -> Ranked:
        """A text of any length: a long one is read in windows whose vectors are averaged
        (search/long_text.py); a text that fits is embedded whole."""
        windows = query_windows(text, self.embedder)
        if len(windows) == 1:
            return self.rank_vector(self.embedder.embed_query(text), depth, scope, rows)
        notices.append(
            f"The query is {self.embedder.count_tokens([text])[0]} tokens long, more than the model reads at "
            f"once ({self.embedder.max_tokens}); it was read in {len(windows)} parts whose meanings were averaged."
        )
        vectors = np.stack([self.embedder.embed_query(window) for window in windows])
        return self.rank_vector(mean_direction(vectors), depth, scope, rows)

    def rank_truncated(self, text: str, depth: int, notices: list[str]) -> Ranked:
        """The model's first `max_tokens` tokens of `text` only (benchmarks of the single-vector query)."""
        tokens = self.embedder.count_tokens([text])[0]
        if tokens > self.embedder.max_tokens:
            notices.append(
                f"The query is {tokens} tokens long; the model reads only the first "
                f"{self.embedder.max_tokens}, so the rest was ignored."
            )
        return self.rank_vector(self.embedder.embed_query(text), depth)

    def rank_vector(self, vector: np.ndarray, depth: int, scope=None, rows: np.ndarray | None = None) -> Ranked:
        """(row, score) of the `depth` nearest passages to a query vector, made language-neutral;
        `scope` is a store's own filter (Milvus: an expression), applied inside its search; `rows`
        (ascending) ranks those passages only, exactly (a scoped search: search/scope.py)."""
        vector = without_direction(np.asarray(vector, dtype=np.float32), self.direction)
        if self.vectors.ntotal == 0:  # a first build's first commit: keyword search only so far
            return []
        if rows is not None:
            return self._rank_rows(vector, depth, rows)
        with _one_faiss_thread():
            scores, rows = self.vectors.search(vector[None, :], min(depth, self.vectors.ntotal), **scoped(scope))
        return [(int(row), float(score)) for score, row in zip(scores[0], rows[0]) if row >= 0]


    def _rank_rows(self, vector: np.ndarray, depth: int, rows: np.ndarray) -> Ranked:
        """Inner products with the stored vectors of `rows` (those embedded so far), read in
        batches so a large scope never holds all its vectors at once."""
        rows = rows[rows < self.vectors.ntotal]
        scores = np.empty(len(rows), dtype=np.float32)
        for start in range(0, len(rows), _ROW_BATCH):
            part = rows[start:start + _ROW_BATCH].astype(np.int64)
            scores[start:start + len(part)] = self.vectors.reconstruct_batch(part) @ vector
        order = np.argsort(-scores, kind="stable")[:depth]
        return [(int(rows[i]), float(scores[i])) for i in order]


_ROW_BATCH = 16_384  # vectors reconstructed at once by a scoped search (24 MB at 384 dimensions)


def scoped(scope) -> dict:
    """A store's filter scope as a keyword for its searches; the file store takes none."""
    return {} if scope is None else {"scope": scope}


@contextmanager
def _one_faiss_thread() -> Iterator[None]:
    """One query is searched on one OpenMP thread: on a busy 2-core machine two threads wait on
    each other (bench/HISTORY.md, "Scale"). Builds keep every thread."""
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(threads)
