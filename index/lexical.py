"""BM25 over the chunks' tokens (bm25s), the lexical half of hybrid search.

Each build keeps its passages' token ids beside BM25 (`token_ids.npy`, `token_counts.npy`; the
ids are BM25's own vocabulary), so a rebuild tokenises only new passages and an update re-fits
BM25 from the kept rows' ids and the new passages' tokens without reading any token as text
(bench/README.md, "Token ids kept beside BM25"). Builds written before kept the tokens as text in
chunks.parquet (index/migrations.py).

BM25 is fitted from token ids held as one flat int32 array (`TokenIds`), not from lists: bm25s
given lists of strings copies them and makes a list of Python ints per passage (about 5 KB a
passage, 1.6 GB at 300k passages); given ids it reads each passage's as it goes. Its sparse
matrix is made by scipy (COO to CSC in C++), not by bm25s's NumPy argsort of every (token,
passage) pair, which needed about twice the memory. The scores are the same (a token's id only
names its column; tests/index/test_streamed_build.py compares them with bm25s's defaults).
"""

from __future__ import annotations

import json
import logging
import math
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import bm25s
import numpy as np

logging.getLogger("bm25s").setLevel(logging.WARNING)

K1, B = 1.5, 0.75  # chosen on SciFact train (bench/quality/eval_retrieval.py); recorded in the manifest
_TOKEN_IDS, _TOKEN_COUNTS = "token_ids.npy", "token_counts.npy"
_VOCABULARY = "vocab.index.json"  # bm25s's file of its vocabulary (token -> column), which the ids index


class LexicalIndex:
    def __init__(self, bm25: bm25s.BM25 | None, tokens: TokenIds | None = None):
        self._bm25 = bm25  # None for an empty corpus
        self.tokens = tokens  # the ids it was fitted from, saved with it; None when loaded for search

    @classmethod
    def fit(cls, token_lists: Iterable[Sequence[str]], k1: float = K1, b: float = B) -> LexicalIndex:
        """BM25 over each passage's tokens, read once (an iterator will do)."""
        tokens = token_lists if isinstance(token_lists, TokenIds) else TokenIds.of(token_lists)
        return cls.fit_ids(tokens, k1, b)

    @classmethod
    def fit_ids(cls, tokens: TokenIds, k1: float = K1, b: float = B) -> LexicalIndex:
        """BM25 over passages given as token ids: bm25s's own scores (`bm25s_weights`), without its
        loop over passages in Python (tens of seconds at 300k passages; an update re-fits every one)."""
        ids, lengths = tokens.arrays()
        vocabulary = tokens.vocabulary
        if not len(lengths):
            return cls(None, tokens)
        data, indices, indptr = bm25s_weights(np.asarray(ids, dtype=np.int32), np.asarray(lengths, dtype=np.int64),
                                              len(vocabulary), k1, b)
        bm25 = bm25s.BM25(k1=k1, b=b, method="lucene", csc_backend="scipy")
        bm25.scores = {"data": data, "indices": indices, "indptr": indptr, "num_docs": len(lengths)}
        bm25.vocab_dict = dict(vocabulary)
        if "" not in bm25.vocab_dict:  # as bm25s.index adds it: a query of no known token scores nothing
            bm25.vocab_dict[""] = len(vocabulary)
        bm25.unique_token_ids_set = set(bm25.vocab_dict.values())
        bm25.nonoccurrence_array = None
        return cls(bm25, tokens)

    @property
    def is_empty(self) -> bool:
        return self._bm25 is None

    def save(self, directory: Path) -> None:
        """BM25's files, and the token ids it was fitted from (an index loaded for search has none)."""
        directory.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(directory), show_progress=False)
        if self.tokens is not None:
            ids, lengths = self.tokens.arrays()
            np.save(directory / _TOKEN_IDS, ids)
            np.save(directory / _TOKEN_COUNTS, lengths.astype(np.int32))

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


class TokenIds(Sequence[list[int]]):
    """Every passage's tokens as ids into one vocabulary, in one flat int32 array: what bm25s reads
    (len, and each passage's ids as a list, made only when read)."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self._ids = array("i")
        self._ends = array("q")

    @classmethod
    def of(cls, token_lists: Iterable[Sequence[str]]) -> TokenIds:
        ids = cls()
        for tokens in token_lists:
            ids.append(tokens)
        return ids

    @classmethod
    def read(cls, directory: Path) -> TokenIds | None:
        """The token ids a build saved with its BM25 (`LexicalIndex.save`), or None when it saved
        none (a build written before they were kept; an empty library's); raises ValueError when
        the files do not fit together."""
        if not (directory / _TOKEN_COUNTS).exists():
            return None
        lengths = np.load(directory / _TOKEN_COUNTS, allow_pickle=False)
        ids = np.load(directory / _TOKEN_IDS, mmap_mode="r", allow_pickle=False)
        vocabulary = json.loads((directory / _VOCABULARY).read_text(encoding="utf-8")) if len(ids) else {}
        if vocabulary.get("") == len(vocabulary) - 1:  # the entry LexicalIndex.fit_ids adds for bm25s
            del vocabulary[""]
        if ids.dtype != np.int32 or lengths.ndim != 1 or int(lengths.sum()) != len(ids) or (
                len(ids) and (int(ids.max()) >= len(vocabulary) or int(ids.min()) < 0)):
            raise ValueError(f"{_TOKEN_IDS} does not fit {_TOKEN_COUNTS} and {_VOCABULARY}")
        return cls.from_arrays(ids, lengths, vocabulary)

    @classmethod
    def from_arrays(cls, ids: np.ndarray, lengths: np.ndarray, vocabulary: dict[str, int]) -> TokenIds:
        tokens = cls()
        tokens.vocabulary = vocabulary
        tokens._ids.frombytes(np.ascontiguousarray(ids, dtype=np.int32).tobytes())
        tokens._ends.frombytes(np.cumsum(lengths, dtype=np.int64).tobytes())
        return tokens

    def kept(self, keep: np.ndarray) -> TokenIds:
        """The passages `keep` is True for, in order, with a vocabulary of only the tokens they use
        (numbered in the order of their old ids): what an update keeps of the previous build."""
        ids, lengths = self.arrays()
        if keep.all():  # nothing removed: the same ids and vocabulary (a build's every token is used)
            return TokenIds.from_arrays(ids, lengths, dict(self.vocabulary))
        kept_ids = ids[np.repeat(keep, lengths)]
        used = np.bincount(kept_ids, minlength=len(self.vocabulary)).astype(bool)
        renumbered = np.cumsum(used, dtype=np.int64) - 1
        vocabulary = {word: number for number, word in enumerate(self._words()[used].tolist())}
        return TokenIds.from_arrays(renumbered[kept_ids].astype(np.int32), lengths[keep], vocabulary)

    def take(self, rows: np.ndarray) -> TokenIds:
        """The passages `rows` names, in that order, with the same vocabulary (a staged build puts
        its passages in the order the model fills them)."""
        ids, lengths = self.arrays()
        rows = np.asarray(rows, dtype=np.int64)
        taken = lengths[rows]
        starts = np.cumsum(lengths) - lengths
        # each taken passage's ids: its old start, then one id after another
        positions = np.repeat(starts[rows] - (np.cumsum(taken) - taken), taken) + np.arange(int(taken.sum()))
        return TokenIds.from_arrays(ids[positions], taken, dict(self.vocabulary))

    def token_lists(self, rows: Iterable[int] | None = None) -> list[list[str]]:
        """Passages' tokens as text, every passage's or those of `rows` (tools and the Milvus store
        read them; no build does), made a passage at a time: never one object per token of the
        whole library at once."""
        words, ids, ends = self._words(), np.frombuffer(self._ids, dtype=np.int32), np.frombuffer(self._ends, dtype=np.int64)
        chosen = range(len(self)) if rows is None else rows
        return [words[ids[(ends[row - 1] if row else 0) : ends[row]]].tolist() for row in chosen]

    def _words(self) -> np.ndarray:
        """Each id's token (an object array indexed by id)."""
        words = np.empty(len(self.vocabulary), dtype=object)
        for word, number in self.vocabulary.items():
            words[number] = word
        return words

    def append(self, tokens: Sequence[str]) -> None:
        vocabulary = self.vocabulary
        self._ids.extend(vocabulary.setdefault(token, len(vocabulary)) for token in tokens)
        self._ends.append(len(self._ids))

    def __len__(self) -> int:
        return len(self._ends)

    def extend_arrow(self, token_lists) -> None:
        """Append passages from an Arrow list<string> column: each batch's distinct tokens are
        looked up once (dictionary encoding in C++), not every token in Python."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(token_lists, pa.ChunkedArray):
            for chunk in token_lists.chunks:
                self.extend_arrow(chunk)
            return
        if not len(token_lists):
            return
        encoded = pc.dictionary_encode(pc.list_flatten(token_lists))
        vocabulary = self.vocabulary
        local = np.array([vocabulary.setdefault(token, len(vocabulary)) for token in encoded.dictionary.to_pylist()],
                         dtype=np.int32)
        ids = local[encoded.indices.to_numpy(zero_copy_only=False)] if len(local) else np.zeros(0, dtype=np.int32)
        lengths = pc.list_value_length(token_lists).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
        last = self._ends[-1] if len(self._ends) else 0
        self._ids.frombytes(ids.astype(np.int32).tobytes())
        self._ends.frombytes((last + np.cumsum(lengths)).astype(np.int64).tobytes())

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(every id, int32; each passage's number of ids): views, not copies."""
        ends = np.frombuffer(self._ends, dtype=np.int64) if len(self._ends) else np.zeros(0, dtype=np.int64)
        ids = np.frombuffer(self._ids, dtype=np.int32) if len(self._ids) else np.zeros(0, dtype=np.int32)
        return ids, np.diff(ends, prepend=0)

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        row = range(len(self))[row]
        return self._ids[self._ends[row - 1] if row else 0 : self._ends[row]].tolist()

    def __iter__(self) -> Iterator[list[int]]:
        start = 0
        for end in self._ends:
            yield self._ids[start:end].tolist()
            start = end


def bm25s_weights(ids: np.ndarray, lengths: np.ndarray, vocabulary_size: int, k1: float,
                  b: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (data, indices, indptr) of the docs x vocabulary CSC matrix that bm25s 0.2's `index`
    makes with method "lucene": the same operations on the same dtypes, element by element, so the
    same float32 weights (tests/index/test_lexical_fit.py compares them with bm25s's own). A
    token's document frequency and each passage's term frequencies come from one sparse matrix
    (scipy sums the repeated (passage, token) pairs in C++)."""
    import scipy.sparse as sp

    count = len(lengths)
    # each passage's ids are already its row of a CSR matrix (duplicates summed in place by scipy): no
    # row array and no COO copy, a third of the fit's memory at 10,000 files (bench/README.md)
    rows = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(lengths, out=rows[1:])
    counts = sp.csr_matrix((np.ones(len(ids), dtype=np.float32), np.array(ids, dtype=np.int32), rows),
                           shape=(count, vocabulary_size))
    counts.sum_duplicates()
    frequencies = np.bincount(counts.indices, minlength=vocabulary_size)
    distinct, which = np.unique(frequencies, return_inverse=True)  # bm25s: math.log per token, kept as float32
    idf = np.array([math.log(1 + (count - int(df) + 0.5) / (int(df) + 0.5)) if df else 0.0 for df in distinct],
                   dtype=np.float32)[which]
    average = np.asarray(lengths, dtype=np.int64).mean()  # bm25s: np.array(lengths).mean()
    # bm25s, per passage: tf / (k1 * ((1 - b) + b * len / avg) + tf) with a float64 scalar and float32 tf
    work = (np.float64(1.0) + np.zeros(1, dtype=np.float32)).dtype  # float64 under NumPy 2's promotion
    # idf * (tf / (per_row + tf)), in that order and those dtypes, one temporary at a time (in place)
    tf = counts.data.astype(work)
    scaled = np.repeat(k1 * ((1 - b) + (b * lengths.astype(np.float64)) / average), np.diff(counts.indptr)).astype(work)
    scaled += tf
    np.divide(tf, scaled, out=tf)
    del scaled
    weighted = idf[counts.indices].astype(work)
    weighted *= tf
    del tf
    weights = weighted.astype(np.float32)
    del weighted
    indices, indptr = counts.indices, counts.indptr
    del counts
    matrix = sp.csr_matrix((weights, indices, indptr), shape=(count, vocabulary_size)).tocsc()
    matrix.sort_indices()
    return matrix.data, matrix.indices, matrix.indptr


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
