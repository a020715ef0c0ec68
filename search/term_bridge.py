"""The library's English names for a Chinese question's terms (issue #20).

CC-CEDICT (search/glossary.py) gives a Chinese question's everyday words in English, but not the
field's terms: 去模糊, 插帧, 超分辨率 get nothing or "vague". The build keeps every short word
run of the library's titles with the second encoder's vector of it (index/title_terms.py). Each
span of the question's words (one to three dictionary words, two to four characters, never
across punctuation) is embedded by the same encoder, in one batch; a span's closest title term
is taken when their cosine is at least MATCH, the spans best first and never overlapping, and
its words join the dictionary's English in BM25's expanded query and the dictionary ranking.
MATCH was chosen on the 212 Chinese questions of the three dev sets and read once on the
validation set (bench/RETRIEVAL.md, issue #20, "Fifth round, part 2": Chinese topical questions
0.580 → 0.609). Embedding the spans is the bridge's cost; the span limits ("Fifth round, part 3")
take 78 → 41 spans of a long question (dev_zh p95) with the same ranking on the dev sets.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np

from corpus.syntax import HAN_RUN
from search.glossary import cedict

MATCH = 0.5  # cosine of a span and a title term (USE), chosen on the dev sets
SPAN_CHARACTERS = (2, 4)  # a field's terms: 光流, 去模糊, 超分辨率 (longer spans matched nothing more on the dev sets)
SPAN_WORDS = 3  # dictionary words per span: 超 + 分辨率, 去 + 模糊
_REMEMBERED = 256  # questions whose scored spans are kept (a page asks the same one again as it reruns)
_SPANS_REMEMBERED = 8192  # span vectors kept: questions share their words (视频, 模型), and embedding is the cost


class TermBridge:
    """The title terms of one index and the encoder that embedded them."""

    def __init__(self, terms: tuple[str, ...], vectors: np.ndarray, encoder):
        self.terms, self.vectors, self.encoder = terms, np.asarray(vectors, dtype=np.float32), encoder
        self._span_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        # (cosine, start, end, term index) of each span's closest title term, best first, per question
        self.scored_spans = lru_cache(maxsize=_REMEMBERED)(self._scored_spans)

    def english(self, query: str, match: float = MATCH) -> tuple[str, ...]:
        """The title terms that name the query's Chinese terms, in the order their spans score:
        each span's closest term if their cosine is at least `match`, spans overlapping a better
        one left out."""
        taken: list[tuple[int, int]] = []
        found: list[str] = []
        for score, start, end, term in self.scored_spans(query):
            if score < match:
                break
            if not any(start < other_end and other_start < end for other_start, other_end in taken):
                taken.append((start, end))
                found.append(self.terms[term])
        return tuple(found)

    def _scored_spans(self, query: str) -> tuple[tuple[float, int, int, int], ...]:
        spans = chinese_spans(query)
        if not spans or not self.terms:
            return ()
        scores = self._vectors_of([text for _, _, text in spans]) @ self.vectors.T
        best = scores.argmax(axis=1)
        return tuple(sorted(((float(scores[i, best[i]]), start, end, int(best[i]))
                             for i, (start, end, _) in enumerate(spans)), key=lambda item: (-item[0], item[1])))

    def _vectors_of(self, texts: list[str]) -> np.ndarray:
        """The encoder's vectors of the spans, those it made for earlier questions remembered."""
        with self._lock:
            known = {text: self._span_vectors[text] for text in texts if text in self._span_vectors}
        fresh = list(dict.fromkeys(text for text in texts if text not in known))
        if fresh:
            made = self.encoder.embed_documents(fresh)
            known.update(zip(fresh, made, strict=True))
            with self._lock:
                for text, vector in zip(fresh, made, strict=True):
                    self._span_vectors[text] = vector
                while len(self._span_vectors) > _SPANS_REMEMBERED:
                    self._span_vectors.popitem(last=False)
        return np.stack([known[text] for text in texts])


def chinese_spans(query: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of every run of one to SPAN_WORDS dictionary words that is SPAN_CHARACTERS
    long, inside one run of the query's Chinese characters (positions in the query); at most
    SPAN_WORDS per word, so linear in the query's length. A run of several words is a span only
    when one of them is a single character: the terms the dictionary splits (超+分辨率, 去+模糊,
    插+帧); for a run of whole words (深度+模型) the dictionary gives each word's English already."""
    shortest, longest = SPAN_CHARACTERS
    spans = []
    for run in HAN_RUN.finditer(query):
        words = cedict().words(run.group())
        ends = np.cumsum([0] + [len(word) for word in words]) + run.start()
        for first in range(len(words)):
            for last in range(first + 1, min(len(words), first + SPAN_WORDS) + 1):
                length = int(ends[last] - ends[first])
                if length > longest:
                    break
                if length >= shortest and (last - first == 1 or any(len(word) == 1 for word in words[first:last])):
                    spans.append((int(ends[first]), int(ends[last]), "".join(words[first:last])))
    return spans
