"""Words for BM25 in both languages.

English is lower-cased, stop words dropped and stemmed (Snowball); Chinese, which has no
spaces, becomes overlapping character bigrams (or jieba words); identifiers such as
"BasicVSR++", "2203.17276" or "E2FGVI" are kept whole, and their parts are added so that a
query for "BasicVSR" still meets "BasicVSR++".
"""

from __future__ import annotations

import re
from functools import lru_cache
from sys import intern
from typing import Literal

import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from corpus.syntax import HAN

ChineseMode = Literal["bigram", "jieba"]

_TOKEN = re.compile(rf"(?P<word>[A-Za-z0-9]+(?:[+.\-_/'][A-Za-z0-9]+)*\+*)|(?P<cjk>[{HAN}]+)")
_SPLIT = re.compile(r"[+.\-_/']+")
_STOPWORDS = frozenset(STOPWORDS_EN)
_CHINESE_STOPWORDS = frozenset("的 了 是 在 和 与 及 或 也 就 都 而 被 把 对 从 这 那 一个 我们 你 他 它 其 之 中 上 下 为 以 等".split())


_STEMS_KEPT = 1 << 18  # words whose stems a tokenizer remembers (a library's vocabulary, not a corpus's)


class LexicalTokenizer:
    def __init__(self, chinese: ChineseMode = "bigram"):
        self.chinese = chinese
        self._stemmer = Stemmer.Stemmer("english")
        self._stems: dict[str, str] = {}

    def settings(self) -> dict[str, str]:
        """Recorded with the index: a different tokenizer needs a re-tokenised index."""
        return {"tokenizer": "papersearch-v1", "chinese": self.chinese, "stemmer": "snowball-english"}

    def tokenize(self, text: str) -> list[str]:
        tokens: list[str] = []
        for match in _TOKEN.finditer(text):
            if match.lastgroup == "word":
                tokens.extend(self._word(match.group().lower()))
            else:
                tokens.extend(self._chinese(match.group()))
        return tokens

    def tokenize_many(self, texts: list[str]) -> list[list[str]]:
        return [self.tokenize(text) for text in texts]

    def _word(self, word: str) -> list[str]:
        if not _SPLIT.search(word.rstrip("+")) and not word.endswith("+"):
            return self._plain(word)
        parts = [part for part in _SPLIT.split(word) if part and not part.isdigit()]
        if word.endswith("'s"):  # possessive, not an identifier
            return self._plain(word[:-2])
        return [intern(word)] + [token for part in parts for token in self._plain(part)]

    def _plain(self, word: str) -> list[str]:
        if word in _STOPWORDS:
            return []
        if word.isalpha():
            return [self._stem(word)]
        return [intern(word)]

    def _stem(self, word: str) -> str:
        """The word's stem, one string object per stem however often it occurs: a first build holds
        every passage's tokens until BM25 is fitted, and a separate object per occurrence was a
        quarter of a 10,000-file build's memory."""
        stem = self._stems.get(word)
        if stem is None:
            if len(self._stems) >= _STEMS_KEPT:
                self._stems.clear()
            stem = self._stems[word] = intern(self._stemmer.stemWord(word))
        return stem

    def _chinese(self, run: str) -> list[str]:
        if self.chinese == "jieba":
            return [w for w in jieba_module().cut_for_search(run) if w.strip() and w not in _CHINESE_STOPWORDS]
        if len(run) == 1:
            return [] if run in _CHINESE_STOPWORDS else [intern(run)]
        return [intern(run[i : i + 2]) for i in range(len(run) - 1)]


@lru_cache(maxsize=1)
def jieba_module():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba
