"""Merge a dense and a lexical ranking into one.

Reciprocal rank fusion needs no score calibration; the convex combination of min-max
normalised scores uses how far ahead a candidate is, which often ranks better when tuned.
Both are measured in bench/ (tuned on SciFact train only).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Literal

import numpy as np

Ranked = list[tuple[int, float]]  # (row, score), best first


@dataclass(frozen=True)
class FusionSettings:
    """Defaults from bench/eval_retrieval.py, tuned on SciFact *train* only. With the default
    model (multilingual-e5-small) the convex combination at alpha 0.5 was the best setting
    (0.7373; best RRF, k=20, 0.7306) and scores 0.724 on SciFact test. all-MiniLM-L6-v2 chose
    0.4/0.5 within noise too (bench/RETRIEVAL.md)."""

    method: Literal["rrf", "convex"] = "convex"
    rrf_k: int = 60
    dense_weight: float = 0.5  # for convex: alpha; lexical gets 1 - alpha
    # Queries in Chinese, or mixing Chinese and English, lean more on meaning: BM25 sees only their
    # own script's passages (issue #13: tuned on the blind dev set with SciFact train; 0.6 and 0.5)
    dense_weight_cjk: float = 0.6
    dense_weight_mixed: float = 0.5
    lexical_weight: float = 1.0
    candidates: int = 100  # how deep each ranking is read

    def as_dict(self) -> dict:
        return asdict(self)

    def for_language(self, language: str) -> FusionSettings:
        """These settings with the dense weight for a query in `language` (search/script.py); the
        per-language weights are convex alphas, so RRF settings are returned as they are."""
        if self.method != "convex":
            return self
        weight = {"cjk": self.dense_weight_cjk, "mixed": self.dense_weight_mixed}.get(language, self.dense_weight)
        return replace(self, dense_weight=weight, dense_weight_cjk=weight, dense_weight_mixed=weight)


def fuse(dense: Ranked, lexical: Ranked, settings: FusionSettings, other_script: np.ndarray | None = None) -> Ranked:
    """`other_script[row]` marks passages written in another script than the query (a Chinese
    note for an English query). BM25 cannot match across scripts, so for those rows not matching
    is no evidence: their lexical score is at least their dense one (in RRF, their lexical rank at
    least as good as their dense rank). Without this a Chinese query's few shared bigrams put any
    Chinese note above the English paper it asks about (bench/RETRIEVAL.md measures both)."""
    if settings.method == "rrf":
        return _reciprocal_rank(dense, lexical, settings, other_script)
    return _convex(dense, lexical, settings, other_script)


def _reciprocal_rank(dense: Ranked, lexical: Ranked, settings: FusionSettings, other_script) -> Ranked:
    dense_rank = {row: rank for rank, (row, _) in enumerate(dense, start=1)}
    lexical_rank = {row: rank for rank, (row, _) in enumerate(lexical, start=1)}
    if other_script is not None:
        for row, rank in dense_rank.items():
            if other_script[row]:
                lexical_rank[row] = min(rank, lexical_rank.get(row, rank))
    scores: dict[int, float] = {}
    for ranks, weight in ((dense_rank, settings.dense_weight), (lexical_rank, settings.lexical_weight)):
        for row, rank in ranks.items():
            scores[row] = scores.get(row, 0.0) + weight / (settings.rrf_k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


def _convex(dense: Ranked, lexical: Ranked, settings: FusionSettings, other_script) -> Ranked:
    alpha = settings.dense_weight
    dense_score = dict(zip((row for row, _ in dense), _min_max([s for _, s in dense])))
    lexical_score = dict(zip((row for row, _ in lexical), _min_max([s for _, s in lexical])))
    if other_script is not None:
        for row, value in dense_score.items():
            if other_script[row]:
                lexical_score[row] = max(value, lexical_score.get(row, 0.0))
    rows = dict.fromkeys([*dense_score, *lexical_score])  # ordered, so ties stay deterministic
    scores = {row: alpha * dense_score.get(row, 0.0) + (1.0 - alpha) * lexical_score.get(row, 0.0) for row in rows}
    return sorted(scores.items(), key=lambda item: -item[1])


def _min_max(values: list[float]) -> list[float]:
    if not values:
        return []
    array = np.asarray(values, dtype=np.float64)
    low, high = array.min(), array.max()
    if high - low < 1e-12:
        return [1.0] * len(values)
    return list((array - low) / (high - low))
