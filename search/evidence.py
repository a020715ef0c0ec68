"""What a passage's fused score misses: whether it is the paper's own text, and what else its
file says about the query.

* A reference list names every method its paper cites, so a query naming a method meets the
  bibliography of every paper that cites it (corpus/bibliography.py marks those passages). Its
  score is multiplied by `reference_weight`.
* A file placed by its best passage alone ignores its second and third strong passages: a paper
  whose method section, experiments and conclusion all answer a topical question should rank
  above one that mentions it once. Each file gains `file_gain` times the decayed sum of its other
  candidate passages' scores (the i-th next one weighted `file_decay`**i), counting only passages
  scoring at least `file_near` of the best candidate (weak matches are what every long file has).
  Every passage of the file gains the same, so passages keep their order within a file and the
  file's best passage carries the file's score.

Measured on the blind dev set, the older bilingual set and SciFact (bench/RETRIEVAL.md, issue
#13): defaults chosen on the blind dev set and SciFact train together, never on SciFact test.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

import numpy as np

Ranked = list[tuple[int, float]]


@dataclass(frozen=True)
class EvidenceSettings:
    reference_weight: float = 0.5
    stub_weight: float = 0.85  # a note passage with almost no body (corpus/chunking.py STUB_TOKENS)
    file_gain: float = 0.2
    file_decay: float = 0.5
    file_near: float = 0.5

    def as_dict(self) -> dict:
        return asdict(self)


def weigh(
    ranked: Ranked, paths: list[str], references: np.ndarray, settings: EvidenceSettings, stubs: np.ndarray | None = None
) -> Ranked:
    """`ranked` re-scored and re-sorted; `paths[i]`, `references[i]` and `stubs[i]` describe `ranked[i]`'s row."""
    if not ranked:
        return ranked
    scores = np.fromiter((score for _, score in ranked), dtype=np.float64, count=len(ranked))
    scores = np.where(references, scores * settings.reference_weight, scores)
    if stubs is not None:
        scores = np.where(stubs, scores * settings.stub_weight, scores)
    by_file: dict[str, list[float]] = defaultdict(list)
    for path, score in zip(paths, scores.tolist()):
        by_file[path].append(score)
    floor = settings.file_near * float(scores.max())
    bonus = {}
    for path, values in by_file.items():
        values.sort(reverse=True)
        others = [value for value in values[1:] if value >= floor]
        bonus[path] = settings.file_gain * sum(value * settings.file_decay**i for i, value in enumerate(others))
    weighed = [(row, float(score + bonus[path])) for (row, _), score, path in zip(ranked, scores.tolist(), paths)]
    weighed.sort(key=lambda item: -item[1])  # stable: ties keep the fused order
    return weighed
