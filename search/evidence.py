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

* A page the researcher highlighted or commented on (a passage of kind ``annotation``: Zotero's
  or one stored in the PDF) is what the paper means to them. A mark that matches the query
  (scores at least `file_near` of the best candidate) lifts the passages of its PDF: those on its
  page by `mark_page_gain` times the mark's score, every other by `mark_file_gain` times it. Marks
  do not count towards the file gain above (they lift through these two gains alone), and with
  no mark among the candidates this step does nothing at all (search/marks.py, tested).

Measured on the blind dev set, the older bilingual set and SciFact (bench/RETRIEVAL.md, issue
#13): defaults chosen on the blind dev set and SciFact train together, never on SciFact test.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

import numpy as np

from search.marks import MarkRows

Ranked = list[tuple[int, float]]


@dataclass(frozen=True)
class EvidenceSettings:
    reference_weight: float = 0.5
    stub_weight: float = 0.85  # a note passage with almost no body (corpus/chunking.py STUB_TOKENS)
    file_gain: float = 0.2
    file_decay: float = 0.5
    file_near: float = 0.5
    # A highlighted/commented page's passages, per unit of the mark's score, and the rest of that PDF's.
    # Chosen on bench/quality/marks_dev.json (bench/README.md, "Marks as evidence"): 0.3/0.1 moved one
    # marked page of nine, 0.6/0.2 three; no control query's first ten pages moved at any value up to 0.9/0.3.
    mark_page_gain: float = 0.6
    mark_file_gain: float = 0.2

    def as_dict(self) -> dict:
        return asdict(self)


def weigh(
    ranked: Ranked, paths: list[str], references: np.ndarray, settings: EvidenceSettings, stubs: np.ndarray | None = None,
    marks: MarkRows | None = None,
) -> Ranked:
    """`ranked` re-scored and re-sorted; `paths[i]`, `references[i]` and `stubs[i]` describe `ranked[i]`'s row,
    `marks` which rows are the reader's marks and where each row is (None: no mark among them)."""
    if not ranked:
        return ranked
    scores = np.fromiter((score for _, score in ranked), dtype=np.float64, count=len(ranked))
    scores = np.where(references, scores * settings.reference_weight, scores)
    if stubs is not None:
        scores = np.where(stubs, scores * settings.stub_weight, scores)
    floor = settings.file_near * float(scores.max())
    lift = marks.lift(scores, floor, settings.mark_page_gain, settings.mark_file_gain) if marks is not None else None
    by_file: dict[str, list[float]] = defaultdict(list)
    for index, (path, score) in enumerate(zip(paths, scores.tolist())):
        if marks is None or not marks.is_mark[index]:
            by_file[path].append(score)
    bonus = defaultdict(float)
    for path, values in by_file.items():
        values.sort(reverse=True)
        others = [value for value in values[1:] if value >= floor]
        bonus[path] = settings.file_gain * sum(value * settings.file_decay**i for i, value in enumerate(others))
    if lift is not None:
        scores = scores + lift
    weighed = [(row, float(score + bonus[path])) for (row, _), score, path in zip(ranked, scores.tolist(), paths)]
    weighed.sort(key=lambda item: -item[1])  # stable: ties keep the fused order
    return weighed
