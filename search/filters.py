"""Narrow results by what a researcher knows about their papers: file kind, year, venue,
topic heading, read mark, and whether a local PDF is at hand."""

from __future__ import annotations

from dataclasses import dataclass, fields

from papers import Catalog, PaperRecord


@dataclass(frozen=True)
class ResultFilter:
    kind: str | None = None  # "pdf" or "note"
    year_from: int | None = None
    year_to: int | None = None
    venue: str | None = None  # case-insensitive, exact venue name (e.g. "CVPR")
    topic: str | None = None  # case-insensitive substring of a topic heading of the paper
    read: bool | None = None  # True: only papers marked [x]; False: only [ ] ones
    has_pdf: bool | None = None  # True: only papers with a PDF in the library

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    def accepts(self, kind: str, paper: PaperRecord | None) -> bool:
        if self.kind is not None and kind != self.kind:
            return False
        if self.is_empty() or self._only_kind():
            return True
        if paper is None:
            return False  # a paper-level condition cannot hold for a passage with no paper
        if self.year_from is not None and (paper.year is None or paper.year < self.year_from):
            return False
        if self.year_to is not None and (paper.year is None or paper.year > self.year_to):
            return False
        if self.venue is not None and (paper.venue or "").casefold() != self.venue.casefold():
            return False
        if self.topic is not None and not any(
            self.topic.casefold() in " > ".join(topic).casefold() for topic in paper.topics
        ):
            return False
        if self.read is not None and paper.read is not self.read:
            return False
        if self.has_pdf is not None and bool(paper.pdfs) != self.has_pdf:
            return False
        return True

    def _only_kind(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self) if f.name != "kind")


def facet_values(catalog: Catalog) -> dict[str, list]:
    """Choices for the page's filter widgets."""
    years = sorted({p.year for p in catalog.papers if p.year})
    return {
        "venues": sorted({p.venue for p in catalog.papers if p.venue}, key=str.casefold),
        "topics": sorted({t[-1] for p in catalog.papers for t in p.topics if t}, key=str.casefold),
        "years": [years[0], years[-1]] if years else [],
        "read_marks": any(p.read is not None for p in catalog.papers),  # any "- [x]" / "- [ ]" in the lists
    }
