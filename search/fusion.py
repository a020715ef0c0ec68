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
    # With a second encoder's ranking (index/companion.py), Chinese and mixed queries weigh three:
    # (dense, companion) convex weights, BM25 the rest. English queries keep the two above. Issue
    # #20: chosen on the dev sets (bench/RETRIEVAL.md), SciFact untouched (it is English).
    companion_cjk: tuple[float, float] = (0.3, 0.4)
    companion_mixed: tuple[float, float] = (0.6, 0.2)
    # English queries weigh a little of the companion too, but only in a library that holds Chinese
    # passages (Searcher decides): it finds the Chinese note an English question is about (issue #20,
    # second round: en->zh-note 0.696 -> 0.768 on the bilingual dev set, chosen on held-out folds of
    # the three dev sets; bench/RETRIEVAL.md). An English-only library, SciFact among them, keeps
    # the two rankings above.
    companion_latin: tuple[float, float] = (0.4, 0.05)
    companion_weight: float = 0.0  # set by for_language when a companion ranking is fused
    # Chinese queries (with the companion) also weigh BM25 over the English words CC-CEDICT gives
    # for their words of two characters or more (search/glossary.py), taken from BM25's share: a
    # Chinese question meets its English paper by words too (issue #20, fourth round: Chinese
    # 0.77 -> 0.81-0.83 on held-out folds of the dev sets; bench/RETRIEVAL.md).
    # Their BM25 query is also expanded by the same English (each English token counted
    # `expansion_cjk` times beside the Chinese bigrams): one BM25 ranking where Chinese notes match on
    # bigrams and English passages on the translations, in the share the dictionary leaves (issue
    # #20, fourth round part 2: topical Chinese questions 0.676 -> 0.690 and 0.716 -> 0.723 on held-out
    # folds of dev_zh and dev_blind; bench/RETRIEVAL.md). 0 turns it off.
    dictionary_cjk: float = 0.2
    dictionary_weight: float = 0.0  # set by for_language per query
    expansion_cjk: int = 3
    expansion: int = 0  # set by for_language per query
    # How deep each ranking is read, and the depth its min-max bounds come from whatever more is
    # read (a filter, a long result list): 400, the depth every quality figure was measured at.
    candidates: int = 400

    def as_dict(self) -> dict:
        return asdict(self)

    def for_language(self, language: str, companion: bool = False) -> FusionSettings:
        """These settings with the dense (and, with a companion ranking, the companion) weight for a
        query in `language` (search/script.py); RRF settings are returned as they are."""
        if self.method != "convex":
            return self
        if companion and language in ("cjk", "mixed", "latin"):
            weight, second = {"cjk": self.companion_cjk, "mixed": self.companion_mixed}.get(language, self.companion_latin)
            return replace(self, dense_weight=weight, dense_weight_cjk=weight, dense_weight_mixed=weight,
                           companion_weight=second, dictionary_weight=self.dictionary_cjk if language == "cjk" else 0.0,
                           expansion=self.expansion_cjk if language == "cjk" else 0)
        weight = {"cjk": self.dense_weight_cjk, "mixed": self.dense_weight_mixed}.get(language, self.dense_weight)
        return replace(self, dense_weight=weight, dense_weight_cjk=weight, dense_weight_mixed=weight, companion_weight=0.0,
                       dictionary_weight=0.0, expansion=0)


def fuse(
    dense: Ranked, lexical: Ranked, settings: FusionSettings, other_script: np.ndarray | None = None,
    companion: Ranked | None = None, glossed: Ranked | None = None,
) -> Ranked:
    """`other_script[row]` marks passages written in another script than the query (a Chinese
    note for an English query). BM25 cannot match across scripts, so for those rows not matching
    is no evidence: their lexical score is at least their dense one (in RRF, their lexical rank at
    least as good as their dense rank). Without this a Chinese query's few shared bigrams put any
    Chinese note above the English paper it asks about (bench/RETRIEVAL.md measures both).
    `companion`: a second encoder's dense ranking, weighed by `settings.companion_weight` (convex only).
    `glossed`: BM25's ranking of the query's dictionary English (search/glossary.py), weighed by
    `settings.dictionary_weight` out of BM25's share (convex, with a companion only).
    With `settings.expansion` the lexical ranking is of the query's bigrams and its dictionary English:
    an English passage can match it, so not matching is evidence again and no passage is lifted."""
    if settings.expansion > 0:
        other_script = None
    if settings.method == "rrf":
        return _reciprocal_rank(dense, lexical, settings, other_script)
    alpha = settings.dense_weight
    if companion is None or settings.companion_weight <= 0:
        return _convex([(dense, alpha)], (lexical, 1.0 - alpha), settings.candidates, other_script)
    parts = [(dense, alpha), (companion, settings.companion_weight)]
    lexical_weight = 1.0 - alpha - settings.companion_weight
    if glossed and settings.dictionary_weight > 0:
        parts.append((glossed, min(settings.dictionary_weight, lexical_weight)))
        lexical_weight -= parts[-1][1]
    return _convex(parts, (lexical, lexical_weight), settings.candidates, other_script)


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


def _convex(denses: list[tuple[Ranked, float]], lexical: tuple[Ranked, float], reference: int, other_script) -> Ranked:
    """Weighted sum of min-max scores; `denses` are the meaning rankings, `lexical` BM25's. Computed
    over arrays of the candidate rows (a Chinese query fuses four rankings of 400: the loops this
    replaced cost ~2 ms a query); the same sums in the same order, ties in the order rows first appear."""
    rankings = [ranked for ranked, _ in denses] + [lexical[0]]
    rows = list(dict.fromkeys(row for ranked in rankings for row, _ in ranked))  # ordered, so ties stay deterministic
    position = {row: i for i, row in enumerate(rows)}
    scored = [_normalised_arrays(ranked, reference, position, len(rows)) for ranked in rankings]
    lexical_value, lexical_inside, lexical_present = scored[-1]
    if other_script is not None:
        other = np.asarray(other_script)[np.asarray(rows, dtype=np.int64)] if rows else np.zeros(0, dtype=bool)
        for value, inside, present in scored[:-1]:
            lift = present & other & (value > np.where(lexical_present, lexical_value, -np.inf))
            lexical_value[lift], lexical_inside[lift], lexical_present[lift] = value[lift], inside[lift], True
    weights = [weight for _, weight in denses] + [lexical[1]]
    any_inside = np.zeros(len(rows), dtype=bool)
    inside_sum = np.zeros(len(rows))
    outside_sum = np.zeros(len(rows))
    for (value, inside, _), weight in zip(scored, weights):
        any_inside |= inside
        inside_sum = inside_sum + weight * np.where(inside, value, 0.0)
        outside_sum = outside_sum + weight * value
    # below every reference (every value <= 0): after every row above one
    scores = np.where(any_inside, inside_sum, outside_sum - 1e-9)
    order = np.argsort(-scores, kind="stable")
    return [(rows[i], float(scores[i])) for i in order]


def _normalised_arrays(ranked: Ranked, reference: int, position: dict[int, int], size: int):
    """`_normalised` as arrays over the candidate rows: value (-1 where the ranking did not return
    the row: below all it did), whether it is within the reference depth, whether it was returned."""
    value, inside, present = np.full(size, _ABSENT[0]), np.zeros(size, dtype=bool), np.zeros(size, dtype=bool)
    if ranked:
        at = np.fromiter((position[row] for row, _ in ranked), dtype=np.int64, count=len(ranked))
        value[at], inside[at] = _min_max(np.asarray([score for _, score in ranked], dtype=np.float64), reference)
        present[at] = True
    return value, inside, present


def _min_max(scores: np.ndarray, reference: int) -> tuple[np.ndarray, np.ndarray]:
    """Scores min-max scaled with bounds from the first `reference` (at least one), rows past them
    below 0; and whether each is one of those first."""
    head = scores[: max(1, reference)]
    high, low = head.max(), head.min()
    span = high - low if high - low >= 1e-12 else None
    inside = np.arange(len(scores)) < len(head)
    return ((scores - low) / span if span else np.where(inside, 1.0, scores - low)), inside


_ABSENT = (-1.0, False)  # a row one ranking did not return: below all it did


def _normalised(ranked: Ranked, reference: int) -> dict[int, tuple[float, bool]]:
    """row -> (min-max score with bounds from the first `reference` rows, whether it is one of
    them); rows past the reference score below 0."""
    if not ranked:
        return {}
    scaled, inside = _min_max(np.asarray([score for _, score in ranked], dtype=np.float64), reference)
    return {row: (float(value), bool(first)) for (row, _), value, first in zip(ranked, scaled, inside, strict=True)}
