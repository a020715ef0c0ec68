"""Citations inside the library: each PDF's reference list, matched to the catalog, becomes
``cites`` / ``cited_by`` on the paper records.

Done at build time (index/catalog_build.py) and kept in papers.json, so ``papers --json``, the
cards and search hits say "cites N / cited by M in your library" without reading any PDF again.
A paper's own entry in another's list is the only evidence used: notes that mention two papers
together are not citations.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, replace
from typing import Callable, Mapping

import numpy as np

from papers.citations import CitationMatcher, MatcherKeys, keyword_of_title
from papers.records import Catalog
from papers.references import join_passages, split_entries


CITATIONS_VERSION = 1  # raise when splitting or matching changes what a build would link


@dataclass(frozen=True)
class PdfCitations:
    """What one PDF's reference list matched, and what that depended on: the list's text (by
    digest), and the arXiv ids, DOIs and words its entries were looked up by (the words as
    ``word_hashes``, so that 10,000 PDFs' words stay a few megabytes)."""

    source: str
    matched: tuple[str, ...]  # the paper ids its entries name, sorted (its own included)
    arxiv: tuple[str, ...]
    dois: tuple[str, ...]
    words: np.ndarray  # uint32, sorted, unique


@dataclass(frozen=True)
class CitationMemo:
    """One build's matching, for the next build: a PDF whose list is the same and whose keys the
    new catalog answers alike (MatcherKeys) matches the same papers, so only the others are
    matched again; at 10,000 PDFs that was most of a one-file update's citation work."""

    keys: MatcherKeys
    pdfs: dict[str, PdfCitations]


def cite_links(catalog: Catalog, references: Mapping[str, list[str]],
               memo: CitationMemo | None = None) -> tuple[dict[str, set[str]], CitationMemo]:
    """paper id -> ids of the library papers it cites, and the memo of this matching.
    ``references``: PDF path -> the texts of its reference passages in reading order; ``memo``:
    the previous build's, whose still valid PDFs are not matched again."""
    matcher = CitationMatcher(catalog.papers)
    keys = matcher.keys()
    still_valid = _still_valid(memo, keys)
    cites: dict[str, set[str]] = {}
    pdfs: dict[str, PdfCitations] = {}
    for path, passages in references.items():
        citing = catalog.paper_for_file(path)
        if citing is None or not passages:
            continue
        source = _digest(passages)
        known = memo.pdfs.get(path) if memo is not None else None
        if known is None or known.source != source or not still_valid(known):
            known = _match_pdf(matcher, passages, source)
        pdfs[path] = known
        targets = [paper for paper in known.matched if paper != citing.paper_id]
        if targets:
            cites.setdefault(citing.paper_id, set()).update(targets)
    return cites, CitationMemo(keys, pdfs)


def with_citations(catalog: Catalog, references: Mapping[str, list[str]],
                   memo: CitationMemo | None = None) -> tuple[Catalog, CitationMemo]:
    """The catalog with every record's ``cites`` and ``cited_by`` set (sorted paper ids), and the
    memo of the matching (see ``cite_links``)."""
    cites, memo = cite_links(catalog, references, memo)
    cited_by: dict[str, set[str]] = {}
    for citing, targets in cites.items():
        for target in targets:
            cited_by.setdefault(target, set()).add(citing)
    papers = [
        replace(p, cites=tuple(sorted(cites.get(p.paper_id, ()))), cited_by=tuple(sorted(cited_by.get(p.paper_id, ()))))
        for p in catalog.papers
    ]
    linked = replace(catalog, papers=papers, _by_id={p.paper_id: p for p in papers}, _citation_keys=None,
                     citations_version=CITATIONS_VERSION)
    return linked, memo


def word_hashes(words) -> np.ndarray:
    """Sorted unique CRC-32s of ``words``: a collision only matches a PDF again, never wrongly."""
    return np.unique(np.fromiter((zlib.crc32(word.encode("utf-8", "surrogatepass")) for word in words),
                                 dtype=np.uint32))


def _match_pdf(matcher: CitationMatcher, passages: list[str], source: str) -> PdfCitations:
    matched: set[str] = set()
    arxiv: set[str] = set()
    dois: set[str] = set()
    words: set[str] = set()
    for entry in split_entries(join_passages(passages)):
        found = matcher.lookup(entry.text)
        if found.match is not None:
            matched.add(found.match.paper_id)
        arxiv.update([found.arxiv] if found.arxiv else [])
        dois.update([found.doi] if found.doi else [])
        words.update(word for word in found.words if keyword_of_title(word))
    return PdfCitations(source, tuple(sorted(matched)), tuple(sorted(arxiv)), tuple(sorted(dois)), word_hashes(words))


def _still_valid(memo: CitationMemo | None, keys: MatcherKeys) -> Callable[[PdfCitations], bool]:
    """A test of a remembered PDF: are all its keys answered by ``keys`` as by the memo's matcher?"""
    if memo is None:
        return lambda known: False
    arxiv, dois, words = memo.keys.changed(keys)
    changed_words = word_hashes(words)

    def still_valid(known: PdfCitations) -> bool:
        return (arxiv.isdisjoint(known.arxiv) and dois.isdisjoint(known.dois)
                and not np.isin(known.words, changed_words, assume_unique=True).any())

    return still_valid


def _digest(passages: list[str]) -> str:
    digest = hashlib.sha256()
    for text in passages:
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def citation_line(cites: int, cited_by: int) -> str:
    """The one wording of a paper's citations inside the library, for the CLI and the page."""
    return f"cites {cites} · cited by {cited_by} in your library"
