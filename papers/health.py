"""What in a catalog needs the researcher's eye: PDFs without text, links to files that are
not there, PDFs no note mentions, papers that may be recorded twice, and mentions linking could
not settle (``ambiguous``: also headings and bare checkbox titles that may name a paper but were
not recorded, ``papers.note_papers``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from rapidfuzz import fuzz, process

from papers.records import Ambiguity, Catalog, UnresolvedLink
from papers.titles import FUZZY_THRESHOLD, differ_by_whole_word, normalise_title, title_key

_NEAR_DUPLICATE = 85.0  # titles this close that were not merged get a look


@dataclass
class HealthReport:
    unreadable_pdfs: list[str]
    missing_link_targets: list[UnresolvedLink]
    unmentioned_pdfs: list[str]
    duplicate_suspects: list[dict]
    ambiguous: list[Ambiguity]

    def summary(self) -> dict[str, int]:
        return {
            "unreadable_pdfs": len(self.unreadable_pdfs),
            "missing_link_targets": len(self.missing_link_targets),
            "unmentioned_pdfs": len(self.unmentioned_pdfs),
            "duplicate_suspects": len(self.duplicate_suspects),
            "ambiguous": len(self.ambiguous),
        }


def health(
    catalog: Catalog,
    library_files: Iterable[str],
    unreadable_pdfs: Iterable[str] = (),
) -> HealthReport:
    """What needs the researcher's eye: PDFs without text, links to files that are not there,
    PDFs no note mentions, and papers that may be recorded twice."""
    files = set(library_files)
    unreadable = sorted(set(unreadable_pdfs))
    missing = list(catalog.unresolved_links)  # reason: "missing" or "ambiguous name"
    unmentioned = []
    for path in sorted(f for f in files if f.lower().endswith(".pdf")):
        record = catalog.paper_for_file(path)
        if record is None or (not record.entries and not record.notes):
            unmentioned.append(path)
    return HealthReport(
        unreadable_pdfs=unreadable,
        missing_link_targets=missing,
        unmentioned_pdfs=unmentioned,
        duplicate_suspects=_duplicate_suspects(catalog),
        ambiguous=list(catalog.ambiguous),
    )


def _duplicate_suspects(catalog: Catalog) -> list[dict]:
    """Records that may be one paper but were kept apart, each with the reason why.

    * the same arXiv id on two records: the arXiv step refused to merge because the titles
      disagree (usually another paper's link pasted under an entry);
    * the same title on two records: kept apart by different arXiv ids (two versions of one
      work, or a wrong link);
    * near-duplicate titles (ratio ≥ 85) that the fuzzy rule did not link: they differ by a
      whole word (usually two papers), score under the threshold, or the match was ambiguous.
    """
    papers = catalog.papers
    suspects: list[dict] = []
    seen: set[tuple[int, int]] = set()

    def add(pa: int, pb: int, titles: list[str], score: float | None, reason: str) -> None:
        pair = (min(pa, pb), max(pa, pb))
        if pa == pb or pair in seen:
            return
        seen.add(pair)
        suspects.append({
            "papers": [papers[pair[0]].paper_id, papers[pair[1]].paper_id],
            "titles": titles,
            "score": None if score is None else round(score, 1),
            "reason": reason,
        })

    by_arxiv: dict[str, list[int]] = defaultdict(list)
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, paper in enumerate(papers):
        if paper.arxiv:
            by_arxiv[paper.arxiv].append(index)
        for key in {title_key(t) for t in paper.titles if title_key(t)}:
            by_key[key].append(index)
    for arxiv, indices in sorted(by_arxiv.items()):
        for other in indices[1:]:
            add(indices[0], other, [papers[indices[0]].title, papers[other].title], None,
                f"same arXiv id {arxiv} but different titles: a link pasted under the wrong entry?")
    for _key, indices in sorted(by_key.items()):
        for other in indices[1:]:
            a, b = papers[indices[0]], papers[other]
            add(indices[0], other, [a.title, b.title], 100.0,
                f"same title, kept apart by different arXiv ids ({a.arxiv}, {b.arxiv}): "
                "two versions of one work, or a wrong link")

    strings, owners, originals = [], [], []
    for index, paper in enumerate(papers):
        for title in paper.titles:
            normalised = normalise_title(title)
            if len(normalised.split()) >= 2:
                strings.append(normalised)
                owners.append(index)
                originals.append(title)
    if strings:
        scores = process.cdist(strings, strings, scorer=fuzz.ratio, score_cutoff=_NEAR_DUPLICATE, workers=1)
        rows, cols = scores.nonzero()
        for a, b in sorted(zip(rows.tolist(), cols.tolist()), key=lambda ab: -float(scores[ab[0]][ab[1]])):
            pa, pb = owners[a], owners[b]
            if pa >= pb:
                continue
            first, second = papers[pa], papers[pb]
            score = float(scores[a][b])
            if first.arxiv and second.arxiv and first.arxiv != second.arxiv:
                if score < FUZZY_THRESHOLD:
                    continue  # different arXiv ids and clearly different titles: two papers
                reason = f"different arXiv ids ({first.arxiv}, {second.arxiv}) despite close titles"
            elif differ_by_whole_word(strings[a], strings[b]):
                reason = "titles differ by whole word(s): usually two different papers"
            elif score < FUZZY_THRESHOLD:
                reason = f"title similarity {score:.1f} below the linking threshold {FUZZY_THRESHOLD:g}"
            else:
                reason = "ambiguous title match: not linked automatically"
            add(pa, pb, [originals[a], originals[b]], score, reason)
    return suspects
