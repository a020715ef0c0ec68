"""Dense search that compares meaning, not language: each script's mean vector is removed first.

A multilingual embedder puts every Chinese text near every other Chinese text. With
multilingual-e5-small a Chinese query scores about 0.89 against an unrelated Chinese note and
0.87 against the English paper that answers it, so Chinese queries never reach English PDFs.
What the unrelated texts share is a language direction; subtracting each language's mean vector
(over the library's own passages) removes it and leaves the meaning. This is the centering of
Libovický et al., 2020 ("On the language neutrality of pre-trained multilingual
representations"); bench/RETRIEVAL.md measures it on our bilingual dev set and on SciFact.

The stored vectors stay exactly as the model made them. The correction is exact at query time,

    (q - m_q) · (d - m_d)  =  (q - m_q) · d  -  (q - m_q) · m_d,

so it costs one FAISS search per script (restricted to that script's rows) and one constant per
script. Scripts, not languages: Chinese, Japanese and Korean text ("cjk") against everything else
("latin"), which needs no language detector and cannot be fooled by English terms in a Chinese note.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import faiss
import numpy as np

from index.fusion import Ranked

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
# A script with few passages borrows this many passages' worth of the overall mean, so one Chinese
# passage in an English library is not centred onto itself. Small on purpose: on the shared library
# (5,308 passages, 613 Chinese) 0, 10 and 50 score the same on the dev set, but on a 306-passage
# library with 50 Chinese ones, 50 under-corrected and Chinese notes beat the English papers again.
PRIOR_PASSAGES = 10
_BLOCK = 8192  # vectors read at a time while averaging, so a large index is never copied whole


def script_of(text: str) -> str:
    """'cjk' when CJK characters outnumber Latin words (a CJK character carries about a word)."""
    return "cjk" if len(_CJK.findall(text)) >= max(1, len(_LATIN_WORD.findall(text))) else "latin"


@dataclass(frozen=True)
class LanguageCentering:
    means: dict[str, np.ndarray]  # script -> mean vector to subtract
    overall: np.ndarray  # mean of all passages: the fallback for a script the library lacks
    rows: dict[str, np.ndarray]  # script -> its passages' row numbers
    _filters: dict[str, faiss.SearchParameters | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        # Built once: a selector holds its rows, and FAISS needs it alive while searching.
        filters = {
            script: faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows)) if len(self.rows) > 1 else None
            for script, rows in self.rows.items()
        }
        object.__setattr__(self, "_filters", filters)

    @classmethod
    def fit(cls, vectors: faiss.Index, scripts: Sequence[str], prior: int = PRIOR_PASSAGES) -> LanguageCentering:
        """Per-script means of the stored vectors; `scripts[i]` is `script_of` vector i's passage."""
        scripts = np.asarray(scripts, dtype=str)
        sums: dict[str, np.ndarray] = {}
        for start in range(0, vectors.ntotal, _BLOCK):
            block = vectors.reconstruct_n(start, min(_BLOCK, vectors.ntotal - start)).astype(np.float64)
            for script in np.unique(scripts[start:start + len(block)]):
                mask = scripts[start:start + len(block)] == script
                sums[script] = sums.get(script, 0.0) + block[mask].sum(axis=0)
        overall = sum(sums.values()) / max(1, vectors.ntotal) if sums else np.zeros(vectors.d)
        rows = {script: np.flatnonzero(scripts == script).astype(np.int64) for script in sums}
        means = {  # shrunk towards the overall mean, so a handful of passages cannot erase themselves
            script: (total + prior * overall) / (len(rows[script]) + prior) for script, total in sums.items()
        }
        return cls(
            {script: mean.astype(np.float32) for script, mean in means.items()},
            np.asarray(overall, dtype=np.float32),
            rows,
        )

    def mean_for(self, script: str) -> np.ndarray:
        return self.means.get(script, self.overall)

    def rank(self, vectors: faiss.Index, query_vector: np.ndarray, query_text: str, depth: int) -> Ranked:
        """The `depth` best rows by centred inner product, best first."""
        query = (query_vector - self.mean_for(script_of(query_text))).astype(np.float32)[None, :]
        ranked: Ranked = []
        for script, rows in self.rows.items():
            offset = float(query[0] @ self.means[script])
            scores, found = vectors.search(query, min(depth, len(rows)), params=self._filters[script])
            ranked.extend((int(row), float(score) - offset) for score, row in zip(scores[0], found[0]) if row >= 0)
        ranked.sort(key=lambda item: -item[1])
        return ranked[:depth]
