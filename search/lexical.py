"""The lexical ranking: BM25 over the index's own tokens."""

from __future__ import annotations

from corpus import LexicalTokenizer
from search.dense import Ranked, scoped


class LexicalRanker:
    def __init__(self, lexical, chinese: str):
        self.lexical = lexical
        self.tokenizer = LexicalTokenizer(chinese)  # must split queries exactly as the index was split

    def rank(self, query: str, depth: int, scope=None, rows=None, also: str = "", times: int = 1) -> Ranked:
        """(row, BM25 score) of up to `depth` passages sharing a word with the query; with `rows`,
        of those passages only (a store that ranks within rows: index/store.py). `also`: more words
        (a Chinese query's dictionary English) whose tokens count `times` each: BM25 sums over the
        query's tokens, a repeated one again, so this is one search weighing them `times` over."""
        tokens = self.tokenizer.tokenize(query) + self.tokenizer.tokenize(also) * times
        within = {"rows": rows} if rows is not None else {}
        rows, scores = self.lexical.search(tokens, depth, **scoped(scope), **within)
        return [(int(row), float(score)) for row, score in zip(rows, scores)]
