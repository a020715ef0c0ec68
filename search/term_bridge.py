"""The library's English names for a Chinese question's terms (issue #20).

CC-CEDICT (search/glossary.py) gives a Chinese question's everyday words in English, but not the
field's terms: 去模糊, 插帧, 超分辨率 get nothing or "vague". The build keeps every short word
run of the library's titles with the second encoder's vector of it (index/title_terms.py). Each
span of the question's words (two to six characters, on the dictionary's word boundaries) is
embedded by the same encoder, in one batch; a span's closest title term is taken when their
cosine is at least MATCH, the spans best first and never overlapping, and its words join the
dictionary's English in BM25's expanded query and the dictionary ranking. MATCH was chosen on
the 212 Chinese questions of the three dev sets and read once on the validation set (bench/
RETRIEVAL.md, issue #20, "Fifth round, part 2": Chinese topical questions 0.580 → 0.609).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

import numpy as np

from search.glossary import cedict

MATCH = 0.5  # cosine of a span and a title term (USE), chosen on the dev sets
SPAN_CHARACTERS = (2, 6)
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_REMEMBERED = 256  # questions whose terms are kept (a page asks the same one again as it reruns)
_SPANS_REMEMBERED = 8192  # span vectors kept: questions share their words (视频, 模型), and embedding is the cost


class TermBridge:
    """The title terms of one index and the encoder that embedded them."""

    def __init__(self, terms: tuple[str, ...], vectors: np.ndarray, encoder):
        self.terms, self.vectors, self.encoder = terms, np.asarray(vectors, dtype=np.float32), encoder
        self._found: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        self._span_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def english(self, query: str) -> tuple[str, ...]:
        """The title terms that name the query's Chinese terms, in the order their spans score."""
        with self._lock:
            if query in self._found:
                self._found.move_to_end(query)
                return self._found[query]
        found = self._match(query)
        with self._lock:
            self._found[query] = found
            while len(self._found) > _REMEMBERED:
                self._found.popitem(last=False)
        return found

    def _match(self, query: str) -> tuple[str, ...]:
        spans = chinese_spans(query)
        if not spans or not self.terms:
            return ()
        scores = self._vectors_of([text for _, _, text in spans]) @ self.vectors.T
        best = scores.argmax(axis=1)
        ranked = sorted(((float(scores[i, best[i]]), i) for i in range(len(spans))), key=lambda item: (-item[0], item[1]))
        taken: list[tuple[int, int]] = []
        found: list[str] = []
        for score, i in ranked:
            if score < MATCH:
                break
            start, end, _ = spans[i]
            if any(start < other_end and other_start < end for other_start, other_end in taken):
                continue
            taken.append((start, end))
            found.append(self.terms[int(best[i])])
        return tuple(found)


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
    """(start, end, text) of every run of the query's dictionary words that is two to six Chinese
    characters long (positions in the query's Chinese text); a bounded number per word."""
    words = cedict().words(query)
    ends = np.cumsum([0] + [len(word) for word in words])
    shortest, longest = SPAN_CHARACTERS
    spans = []
    for first in range(len(words)):
        for last in range(first + 1, len(words) + 1):
            length = int(ends[last] - ends[first])
            if length > longest:
                break
            text = "".join(words[first:last])
            if length >= shortest and _CHINESE.fullmatch(text):
                spans.append((int(ends[first]), int(ends[last]), text))
    return spans
