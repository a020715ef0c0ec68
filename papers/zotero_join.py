"""Zotero items join the catalog: a Markdown note about a paper and that paper's Zotero item are
one record, one card.

The folder's catalog is built first (notes, list entries, PDFs — Zotero's attachment PDFs
among them, linked to notes by their arXiv stamp or title like any PDF). Then each Zotero item
finds its record by, strongest first: the record its attachment PDFs already joined, the same
arXiv id, the same DOI, the same title (case and punctuation ignored). Records it finds are
merged into one; an item that finds none becomes a record of its own. Zotero's metadata fills
what the notes did not say (venue, year, authors), and its citation key wins (the key the
user's Zotero and Better BibTeX cite it by). Every name of the item — its PDFs, notes and
annotations — is mapped to that record, so each passage knows its paper.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from corpus.zotero.names import annotation_name, attachment_name, note_name
from corpus.zotero.records import ZoteroItem
from papers.merging import _paper_id as new_paper_id
from papers.records import Catalog, PaperRecord
from papers.titles import title_key


def join_zotero(catalog: Catalog, items: Iterable[ZoteroItem]) -> Catalog:
    papers = {paper.paper_id: paper for paper in catalog.papers}
    by_file = dict(catalog._by_file)
    renamed: dict[str, str] = {}  # absorbed paper id -> the id it was merged into
    index = _Keys(papers.values())
    for item in items:
        pdfs = [attachment_name(item, a) for a in item.attachments]
        readable = [attachment_name(item, a) for a in item.attachments if a.problem is None]
        others = [note_name(item, n) for n in item.notes]
        others += [annotation_name(item, a, x) for a in item.attachments for x in a.annotations]
        found = [pid for pid in dict.fromkeys(_resolve(p, renamed) for p in index.matches(item, pdfs, by_file))
                 if pid in papers]
        if found:
            target = found[0]
            for other in found[1:]:
                papers[target] = _merge(papers[target], papers.pop(other))
                renamed[other] = target
                by_file = {path: target if pid == other else pid for path, pid in by_file.items()}
        else:
            target = new_paper_id(item.arxiv, item.title, set(papers))
            papers[target] = _record(target, item)
        papers[target] = _with_item(papers[target], item, readable + others[:len(item.notes)])
        index.add(papers[target])
        for name in pdfs + others:
            by_file[name] = target
    blocks = {path: (starts, [(s, e, renamed.get(pid, pid)) for s, e, pid in spans])
              for path, (starts, spans) in catalog._blocks.items()}
    sections = {path: (starts, [(s, e, renamed.get(pid, pid)) for s, e, pid in spans])
                for path, (starts, spans) in catalog._sections.items()}
    ordered = sorted(papers.values(), key=lambda p: p.paper_id)
    return Catalog(papers=ordered, link_counts=dict(catalog.link_counts), ambiguous=list(catalog.ambiguous),
                   links=list(catalog.links), unresolved_links=list(catalog.unresolved_links),
                   _by_id={p.paper_id: p for p in ordered}, _by_file=by_file, _blocks=blocks, _sections=sections)


class _Keys:
    """Papers by arXiv id, DOI (from their links) and title key, so each item is looked up, not
    compared with every paper (a Zotero library has thousands)."""

    def __init__(self, papers: Iterable[PaperRecord]):
        self.by: dict[str, list[str]] = {}
        for paper in papers:
            self.add(paper)

    def add(self, paper: PaperRecord) -> None:
        keys = [f"arxiv:{paper.arxiv}"] if paper.arxiv else []
        keys += [f"doi:{doi}" for urls in paper.links.values() for url in urls if (doi := doi_in(url))]
        keys += [f"title:{key}" for title in paper.titles if (key := title_key(title))]
        for key in dict.fromkeys(keys):
            self.by.setdefault(key, []).append(paper.paper_id)

    def matches(self, item: ZoteroItem, pdfs: list[str], by_file: dict[str, str]) -> list[str]:
        found = [by_file[name] for name in pdfs if name in by_file]
        keys = [f"arxiv:{item.arxiv}" if item.arxiv else "", f"doi:{item.doi.casefold()}" if item.doi else "",
                f"title:{title_key(item.title)}" if title_key(item.title) else ""]
        return found + [pid for key in keys if key for pid in self.by.get(key, ())]


def doi_in(url: str) -> str | None:
    """The DOI a link names (https://doi.org/10.1000/x), case-folded as DOIs compare."""
    marker = url.casefold().find("10.")
    return url[marker:].casefold().rstrip("/") if "doi" in url.casefold() and marker >= 0 else None


def _resolve(paper_id: str, renamed: dict[str, str]) -> str:
    while paper_id in renamed:
        paper_id = renamed[paper_id]
    return paper_id


def _record(paper_id: str, item: ZoteroItem) -> PaperRecord:
    return PaperRecord(paper_id=paper_id, title=item.title, venue=None, year=None, month=None, arxiv=None, read=None,
                       abbreviation=None, topics=(), annotation=None, links={}, files=(), entries=(),
                       titles=(item.title,))


def _merge(first: PaperRecord, second: PaperRecord) -> PaperRecord:
    links = {label: tuple(dict.fromkeys([*first.links.get(label, ()), *second.links.get(label, ())]))
             for label in dict.fromkeys([*first.links, *second.links])}
    return replace(
        first, venue=first.venue or second.venue, year=first.year or second.year, month=first.month or second.month,
        arxiv=first.arxiv or second.arxiv, read=first.read if first.read is not None else second.read,
        abbreviation=first.abbreviation or second.abbreviation, topics=tuple(dict.fromkeys(first.topics + second.topics)),
        annotation=first.annotation or second.annotation, links=links,
        files=tuple(dict.fromkeys(first.files + second.files)), entries=first.entries + second.entries,
        titles=tuple(dict.fromkeys(first.titles + second.titles)), authors=first.authors or second.authors,
        citation_key=first.citation_key or second.citation_key,
        tags=tuple(dict.fromkeys(first.tags + second.tags)),
        collections=tuple(dict.fromkeys(first.collections + second.collections)),
    )


def _with_item(paper: PaperRecord, item: ZoteroItem, files: list[str]) -> PaperRecord:
    links = dict(paper.links)
    extra = {"zotero": item.select_link, "doi": f"https://doi.org/{item.doi}" if item.doi else None, "url": item.url}
    for label, url in extra.items():
        if url and url not in links.get(label, ()):
            links[label] = (*links.get(label, ()), url)
    return replace(
        paper, venue=paper.venue or item.venue, year=paper.year or item.year, arxiv=paper.arxiv or item.arxiv,
        links=links, files=tuple(dict.fromkeys([*paper.files, *files])),
        titles=tuple(dict.fromkeys([*paper.titles, item.title])), authors=item.creators or paper.authors,
        citation_key=item.citation_key or paper.citation_key,
        tags=tuple(dict.fromkeys([*paper.tags, *item.tags])),
        collections=tuple(dict.fromkeys([*paper.collections, *item.collections])),
    )
