"""Citations inside the library: each PDF's reference list, matched to the catalog, becomes
``cites`` / ``cited_by`` on the paper records.

Done at build time (index/catalog_build.py) and kept in papers.json, so ``papers --json``, the
cards and search hits say "cites N / cited by M in your library" without reading any PDF again.
A paper's own entry in another's list is the only evidence used: notes that mention two papers
together are not citations.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

from papers.citations import CitationMatcher
from papers.records import Catalog
from papers.references import join_passages, split_entries


CITATIONS_VERSION = 1  # raise when splitting or matching changes what a build would link


def cite_links(catalog: Catalog, references: Mapping[str, list[str]]) -> dict[str, set[str]]:
    """paper id -> ids of the library papers it cites. ``references``: PDF path -> the texts of
    its reference passages in reading order."""
    matcher = CitationMatcher(catalog.papers)
    cites: dict[str, set[str]] = {}
    for path, passages in references.items():
        citing = catalog.paper_for_file(path)
        if citing is None or not passages:
            continue
        for entry in split_entries(join_passages(passages)):
            match = matcher.match(entry.text)
            if match is not None and match.paper_id != citing.paper_id:
                cites.setdefault(citing.paper_id, set()).add(match.paper_id)
    return cites


def with_citations(catalog: Catalog, references: Mapping[str, list[str]]) -> Catalog:
    """The catalog with every record's ``cites`` and ``cited_by`` set (sorted paper ids)."""
    cites = cite_links(catalog, references)
    cited_by: dict[str, set[str]] = {}
    for citing, targets in cites.items():
        for target in targets:
            cited_by.setdefault(target, set()).add(citing)
    papers = [
        replace(p, cites=tuple(sorted(cites.get(p.paper_id, ()))), cited_by=tuple(sorted(cited_by.get(p.paper_id, ()))))
        for p in catalog.papers
    ]
    return replace(catalog, papers=papers, _by_id={p.paper_id: p for p in papers}, _citation_keys=None,
                   citations_version=CITATIONS_VERSION)


def citation_line(cites: int, cited_by: int) -> str:
    """The one wording of a paper's citations inside the library, for the CLI and the page."""
    return f"cites {cites} · cited by {cited_by} in your library"
