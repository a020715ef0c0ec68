"""Merge a dense and a lexical ranking into one.

Reciprocal rank fusion needs no score calibration; the convex combination of min-max
normalised scores uses how far ahead a candidate is, which often ranks better when tuned.
Both are measured in bench/ (tuned on SciFact train only).

Min-max bounds come from a fixed reference depth (`FusionSettings.candidates`) of each ranking,
however deep the rankings were read, so a passage's fused score does not depend on how many
results were asked for or on a filter: the first 10 results are the first 10 of 100, and a filter
removes results without reordering the rest. Passages below both references (read only to fill a
filtered or long result list) come after every passage above one, in their own fused order.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Literal

import numpy as np

Ranked = list[tuple[int, float]]  # (row, score), best first


@dataclass(frozen=True)
class FusionSettings:
    """Defaults from bench/quality/eval_retrieval.py, tuned on SciFact *train* only. With the default
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
    # How deep each ranking is read, and the depth its min-max bounds come from whatever more is
    # read (a filter, a long result list): 400, the depth every quality figure was measured at.
    candidates: int = 400

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
    dense_score = _normalised(dense, settings.candidates)
    lexical_score = _normalised(lexical, settings.candidates)
    if other_script is not None:
        for row, (value, inside) in dense_score.items():
            if other_script[row] and value > lexical_score.get(row, (-np.inf, False))[0]:
                lexical_score[row] = (value, inside)
    rows = dict.fromkeys([*dense_score, *lexical_score])  # ordered, so ties stay deterministic
    scores = {}
    for row in rows:
        d_value, d_inside = dense_score.get(row, _ABSENT)
        l_value, l_inside = lexical_score.get(row, _ABSENT)
        if d_inside or l_inside:  # as if each ranking had been read to its reference depth only
            scores[row] = alpha * (d_value if d_inside else 0.0) + (1.0 - alpha) * (l_value if l_inside else 0.0)
        else:  # below both references (every value <= 0): after every row above one
            scores[row] = alpha * d_value + (1.0 - alpha) * l_value - 1e-9
    return sorted(scores.items(), key=lambda item: -item[1])


_ABSENT = (-1.0, False)  # a row one ranking did not return: below all it did


def _normalised(ranked: Ranked, reference: int) -> dict[int, tuple[float, bool]]:
    """row -> (min-max score with bounds from the first `reference` rows, whether it is one of
    them); rows past the reference score below 0."""
    if not ranked:
        return {}
    values = np.asarray([score for _, score in ranked], dtype=np.float64)
    head = values[: max(1, reference)]
    high, low = head.max(), head.min()
    span = high - low if high - low >= 1e-12 else None
    scaled = (values - low) / span if span else np.where(np.arange(len(values)) < len(head), 1.0, values - low)
    return {row: (float(value), position < len(head)) for position, ((row, _), value) in enumerate(zip(ranked, scaled))}
