"""The library's own names for things, for Chinese questions: every short word run of its titles,
embedded by the second encoder (issue #20).

A Chinese question names the field's terms (去模糊, 超分辨率, 光流) that CC-CEDICT does not know
or glosses as everyday words ("vague"), while the researcher's notes and papers name them in
English, as the papers' titles do ("Video Deblurring", "Super-Resolution", "Optical Flow"). Every
run of one to three words of a title (not starting or ending with a stop word) is a term; the build
embeds each once with the companion (multilingual USE puts a Chinese term near its English name:
光流 ↔ "optical flow" 0.85) and an update embeds only terms it has not seen. Search finds the
terms near a Chinese question's words (search/term_bridge.py). Measured in bench/RETRIEVAL.md,
issue #20, "Fifth round, part 2".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from embed import Embedder

LONGEST = 3  # words in a term
MAX_TERMS = 20_000  # the terms most titles share: a question's spans are compared with each (bench/README.md)
MAX_TITLE = 300  # characters of a title read: a title is a line, not a text
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
_STOP = frozenset(
    "a an the of for to in on and or with by from via is are be as at we our this that its it using use "
    "towards toward beyond into".split())
EMBED_BATCH = 512


@dataclass(frozen=True)
class TitleTerms:
    terms: tuple[str, ...]  # lower case, single spaces, sorted
    vectors: np.ndarray  # float32, row i the companion's unit vector of terms[i]

    def __post_init__(self) -> None:
        if self.vectors.shape[0] != len(self.terms):
            raise ValueError(f"{len(self.terms)} title terms with {self.vectors.shape[0]} vectors")


def terms_of_titles(titles: Iterable[str | None], most: int = MAX_TERMS) -> list[str]:
    """Every run of one to LONGEST words of the distinct titles that neither starts nor ends with a
    stop word, lower case, sorted; of more than `most`, those the most titles hold (a library's
    field terms recur, a title's own word runs do not). Linear in the titles' length."""
    held: Counter[str] = Counter()
    for title in set(titles):
        words = _WORD.findall((title or "")[:MAX_TITLE].lower())
        runs = set()
        for size in range(1, LONGEST + 1):
            for start in range(len(words) - size + 1):
                run = words[start : start + size]
                if run[0] not in _STOP and run[-1] not in _STOP:
                    runs.add(" ".join(run))
        held.update(runs)
    if len(held) <= most:
        return sorted(held)
    return sorted(sorted(held, key=lambda term: (-held[term], term))[:most])


def title_terms(titles: Iterable[str | None], embedder: Embedder, previous: TitleTerms | None = None) -> TitleTerms:
    """The terms of `titles` with the companion's vectors: a term `previous` holds keeps its vector
    (the same companion made it), only the others are embedded."""
    terms = terms_of_titles(titles)
    same = previous is not None and previous.vectors.shape[1] == embedder.dimension
    known = dict(zip(previous.terms, previous.vectors, strict=True)) if same else {}
    vectors = np.zeros((len(terms), embedder.dimension), dtype=np.float32)
    missing = []
    for i, term in enumerate(terms):
        if term in known:
            vectors[i] = known[term]
        else:
            missing.append(i)
    for start in range(0, len(missing), EMBED_BATCH):
        rows = missing[start : start + EMBED_BATCH]
        vectors[rows] = embedder.embed_documents([terms[i] for i in rows])
    return TitleTerms(tuple(terms), vectors)
