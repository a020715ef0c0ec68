"""The lexical ranking: BM25 over the index's own tokens."""

from __future__ import annotations

from corpus import LexicalTokenizer
from search.dense import Ranked, scoped


class LexicalRanker:
    def __init__(self, lexical, chinese: str):
        self.lexical = lexical
        self.tokenizer = LexicalTokenizer(chinese)  # must split queries exactly as the index was split

    def rank(self, query: str, depth: int, scope=None) -> Ranked:
        """(row, BM25 score) of up to `depth` passages sharing a word with the query."""
        rows, scores = self.lexical.search(self.tokenizer.tokenize(query), depth, **scoped(scope))
        return [(int(row), float(score)) for row, score in zip(rows, scores)]
