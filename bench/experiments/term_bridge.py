"""An experiment that lost (bench/RETRIEVAL.md, issue #13), kept with the lab that measured it.

A personal term bridge: the Chinese–English term pairs a researcher's own notes give.

Notes written in two languages pair their terms as they go: ``积分图（integral image）``,
``structure tensor analysis (结构张量分析)``, a heading ``## 光流 Optical Flow``. BM25 cannot
match across scripts, so an English query never meets the note that only says 积分图. The
experiment mined these pairs from every passage holding both scripts and added the other side of
each pair a query names to its lexical query (bench/experiments/ranking_lab.py). A library with no Chinese
mines nothing. It lost: -0.004 nDCG@10 on the blind dev set.

Where a pair's Chinese side begins is not marked (``可用于非对齐(non-aligned)``): the run before the
bracket is cut to about two characters per English word, on jieba's word boundaries. The English
side of ``term (中文)`` is its last words before the bracket that are not stop words. Every
pattern is bounded, so mining reads a passage in linear time.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from corpus.syntax import HAN

_ZH_THEN_EN = re.compile(rf"([{HAN}]{{2,16}})[ \t]?[（(][ \t]?([A-Za-z][A-Za-z0-9\-' ]{{0,60}}?)[ \t]?[)）]")
_EN_THEN_ZH = re.compile(rf"([A-Za-z][A-Za-z0-9\-' ]{{0,60}}?)[ \t]?[（(][ \t]?([{HAN}]{{2,8}})[ \t]?[)）]")
_HEADING = re.compile(
    rf"(?m)^[ \t]*#{{0,6}}[ \t]*(?:([{HAN}]{{2,8}})[ \t]+([A-Za-z][A-Za-z\-' ]{{2,50}}?)"
    rf"|([A-Za-z][A-Za-z\-' ]{{2,50}}?)[ \t]+([{HAN}]{{2,8}}))[ \t]*$"
)
_STOP = frozenset(
    "a an the of for to in on and or with by from via is are be as at we our this that its it use "
    "using used which e.g i.e etc vs".split()
)
# Words a Chinese run starts with that are not part of the term before the bracket
_LEADING = frozenset(
    "的 了 与 和 及 或 如 在 将 把 被 对 从 用 用于 使用 采用 通过 进行 一个 一种 这个 该 其 为 是 即 称为 又称 "
    "也称为 叫做 以及 由 中 上 下 来 去 并 而 就 都 也 后 前 个 种 些".split()
)
MAX_ENGLISH_WORDS = 5
MAX_CHINESE_PER_TERM = 3  # an English term glossed many ways keeps its most frequent renderings


@dataclass(frozen=True)
class BridgePair:
    chinese: str
    english: str  # lower case, single spaces
    count: int = 1  # how often the library pairs them


class TermBridge:
    def __init__(self, pairs: tuple[BridgePair, ...] = ()):
        self.pairs = pairs
        self._by_english = {}
        self._by_chinese = {}
        for pair in pairs:
            self._by_english.setdefault(pair.english, []).append(pair)
            self._by_chinese.setdefault(pair.chinese, []).append(pair)
        self._longest_english = max((len(p.english.split()) for p in pairs), default=0)
        self._longest_chinese = max((len(p.chinese) for p in pairs), default=0)

    def __len__(self) -> int:
        return len(self.pairs)

    @classmethod
    def mine(cls, texts: list[str]) -> TermBridge:
        """The pairs the texts give; texts without Chinese are not read."""
        counts: Counter[tuple[str, str]] = Counter()
        has_han = re.compile(f"[{HAN}]")
        for text in texts:
            if not has_han.search(text) or not re.search("[A-Za-z]", text):
                continue
            for pair in _pairs_in(text):
                counts[pair] += 1
        kept: list[BridgePair] = []
        per_english: Counter[str] = Counter()
        for (chinese, english), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            if per_english[english] < MAX_CHINESE_PER_TERM:
                per_english[english] += 1
                kept.append(BridgePair(chinese, english, count))
        return cls(tuple(sorted(kept, key=lambda p: (p.english, p.chinese))))

    def bridged(self, query: str) -> list[BridgePair]:
        """The pairs the query names on one side and not on the other, in query order."""
        lowered = query.lower()
        words = re.findall(r"[a-z0-9][a-z0-9\-']*", lowered)
        found: dict[tuple[str, str], BridgePair] = {}
        for n in range(min(self._longest_english, len(words)), 0, -1):
            for start in range(len(words) - n + 1):
                for pair in self._by_english.get(" ".join(words[start : start + n]), ()):
                    found.setdefault((pair.chinese, pair.english), pair)
        for run in re.findall(f"[{HAN}]+", query):
            for length in range(min(self._longest_chinese, len(run)), 1, -1):
                for start in range(len(run) - length + 1):
                    for pair in self._by_chinese.get(run[start : start + length], ()):
                        found.setdefault((pair.chinese, pair.english), pair)
        return [p for p in found.values() if p.chinese not in query or not _contains_words(lowered, p.english)]

    def to_list(self) -> list[list]:
        return [[p.chinese, p.english, p.count] for p in self.pairs]

    @classmethod
    def from_list(cls, rows: list) -> TermBridge:
        return cls(tuple(BridgePair(str(c), str(e), int(n)) for c, e, n in rows))


def _contains_words(lowered: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", lowered) is not None


def _pairs_in(text: str):
    for match in _ZH_THEN_EN.finditer(text):
        english = _english(match.group(2))
        if english:
            chinese = _chinese_tail(match.group(1), len(_parts(match.group(2))))
            if chinese:
                yield chinese, english
    for match in _EN_THEN_ZH.finditer(text):
        english = _english_tail(match.group(1))
        if english:
            yield match.group(2), english
    for match in _HEADING.finditer(text):
        chinese, english = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        english = _english(english)
        if english:
            yield chinese, english


def _english(raw: str) -> str | None:
    """A term, not a gloss: 1 to 5 words with letters, not all stop words or one-letter symbols;
    one word only when it is a name (an acronym, or with capitals or digits inside: PCA, E2FGVI),
    since a lone common word (mask, local, window) is glossed too loosely to bridge on."""
    words = raw.split()
    if not words or len(words) > MAX_ENGLISH_WORDS:
        return None
    lowered = [w.lower() for w in words]
    if all(w in _STOP for w in lowered) or all(len(w) < 2 for w in words) or len(" ".join(words)) < 3:
        return None
    if len(_parts(raw)) == 1 and not re.fullmatch(r"[A-Za-z]*[A-Z0-9][A-Za-z0-9]*", words[0][1:] or "x"):
        return None
    return " ".join(lowered)


def _parts(english: str) -> list[str]:
    """The words of an English term; an acronym counts one word per letter (PCA: three words
    of Chinese, 主成分分析)."""
    words = re.findall(r"[A-Za-z0-9]+", english)
    return [letter for word in words for letter in (word if word.isupper() and len(word) <= 6 else [word])]


def _english_tail(raw: str) -> str | None:
    """The last words before a Chinese gloss that can be a term: no stop word among them."""
    tail: list[str] = []
    for word in reversed(raw.split()):
        if word.lower() in _STOP or len(tail) == MAX_ENGLISH_WORDS:
            break
        tail.append(word)
    return _english(" ".join(reversed(tail))) if tail else None


def _chinese_tail(run: str, english_words: int) -> str | None:
    """The end of a Chinese run that the English term glosses: about two characters per English
    word, grown to whole jieba words (a single long word is kept whole)."""
    budget = max(2, 2 * english_words + 1)
    words = list(_jieba_words(run))
    tail: list[str] = []
    for word in reversed(words):
        if tail and sum(map(len, tail)) + len(word) > budget:
            break
        tail.insert(0, word)
    while tail and tail[0] in _LEADING:
        tail.pop(0)
    term = "".join(tail)
    return term if len(term) >= 2 else None


@lru_cache(maxsize=4096)
def _jieba_words(run: str) -> tuple[str, ...]:
    from corpus.lexical_tokens import jieba_module

    return tuple(jieba_module().cut(run))
