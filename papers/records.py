"""The catalog and its records: one PaperRecord per paper, with every mention (EntryRef) and
file that is it, plus what linking did (LinkEvent) and could not do (Ambiguity,
UnresolvedLink). ``Catalog.to_dict``/``from_dict`` keep it in the index between builds."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, fields

_PAPER_FILE_SUFFIXES = (".pdf",)


@dataclass(frozen=True)
class EntryRef:
    """One mention of a paper: a list line (and the lines under it) in a note."""

    path: str
    line: int
    end_line: int
    title: str
    read: bool | None


@dataclass(frozen=True)
class PaperRecord:
    paper_id: str
    title: str
    venue: str | None
    year: int | None
    month: int | None
    arxiv: str | None
    read: bool | None
    abbreviation: str | None
    topics: tuple[tuple[str, ...], ...]
    annotation: str | None
    links: dict[str, tuple[str, ...]]
    files: tuple[str, ...]  # per-paper notes and PDFs that are this paper
    entries: tuple[EntryRef, ...]
    titles: tuple[str, ...]  # every spelling seen (entries, file names, PDF metadata/page 1)
    authors: tuple[str, ...] = ()  # as the PDF's metadata names them, "Given Family" or "Family, Given"
    citation_key: str | None = None  # the key the user's own note gives (Zotero / Better BibTeX "Citation Key:")
    tags: tuple[str, ...] = ()  # Zotero tags of the paper's item
    collections: tuple[str, ...] = ()  # Zotero collections, as "Parent/Child" paths
    thesis: str | None = None  # "phd" | "masters" | "bachelor": its PDF is a thesis (papers/theses.py)
    school: str | None = None  # the thesis's university, from its cover
    cites: tuple[str, ...] = ()  # paper ids of library papers its PDF's reference list names (papers/citation_links.py)
    cited_by: tuple[str, ...] = ()  # paper ids of library papers whose reference lists name it
    # Set by papers/marks.apply_marks (never stored with a build): "read" | "unread" | "to-read", what
    # decided it ("marked" | "note" | "list"), and the tags the researcher set (also in `tags`)
    reading: str | None = None
    read_source: str | None = None
    marked_tags: tuple[str, ...] = ()

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(f for f in self.files if not f.lower().endswith(_PAPER_FILE_SUFFIXES))

    @property
    def pdfs(self) -> tuple[str, ...]:
        return tuple(f for f in self.files if f.lower().endswith(_PAPER_FILE_SUFFIXES))


@dataclass(frozen=True)
class LinkEvent:
    """Two groups of mentions/files joined by one piece of evidence."""

    method: str
    source: str  # "path:line" of an entry, or a file path
    target: str
    score: float | None = None


@dataclass(frozen=True)
class Ambiguity:
    subject: str  # "path:line" of an entry, or a file path
    title: str
    candidates: tuple[tuple[str, str, float | None], ...]  # (paper_id, title, score)
    reason: str


@dataclass(frozen=True)
class UnresolvedLink:
    path: str
    line: int
    label: str
    target: str
    reason: str  # "missing" | "ambiguous name"


@dataclass
class Catalog:
    papers: list[PaperRecord]
    link_counts: dict[str, int]
    ambiguous: list[Ambiguity]
    links: list[LinkEvent] = field(default_factory=list)
    unresolved_links: list[UnresolvedLink] = field(default_factory=list)
    _by_id: dict[str, PaperRecord] = field(default_factory=dict, repr=False)
    _by_file: dict[str, str] = field(default_factory=dict, repr=False)
    _blocks: dict[str, tuple[list[int], list[tuple[int, int, str]]]] = field(default_factory=dict, repr=False)
    # the sections of headings that name a paper; they hold list entries, so they are kept apart
    _sections: dict[str, tuple[list[int], list[tuple[int, int, str]]]] = field(default_factory=dict, repr=False)
    _citation_keys: dict[str, str] | None = field(default=None, repr=False, compare=False)
    # which version of reference matching made cites/cited_by (papers/citation_links.py, 0: none); a
    # catalog of another version gets its citations again at the next build, even with no file changes
    citations_version: int = 0

    def to_dict(self) -> dict:
        """A JSON-ready form that ``Catalog.from_dict`` turns back into a working catalog."""
        return {
            "papers": [_record_to_dict(p) for p in self.papers],
            "link_counts": dict(self.link_counts),
            "ambiguous": [_fields_of(a, _AMBIGUITY_FIELDS) for a in self.ambiguous],
            "unresolved_links": [_fields_of(u, _UNRESOLVED_FIELDS) for u in self.unresolved_links],
            "files": dict(self._by_file),
            "blocks": {path: [list(span) for span in spans] for path, (_, spans) in self._blocks.items()},
            "sections": {path: [list(span) for span in spans] for path, (_, spans) in self._sections.items()},
            "citations_version": self.citations_version,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Catalog":
        papers = [_record_from_dict(p) for p in data["papers"]]
        blocks, sections = {}, {}
        for target, key in ((blocks, "blocks"), (sections, "sections")):
            for path, spans in data.get(key, {}).items():
                ordered = sorted((int(s), int(e), str(i)) for s, e, i in spans)
                target[path] = ([s for s, _, _ in ordered], ordered)
        return cls(
            papers=papers,
            link_counts=dict(data.get("link_counts", {})),
            ambiguous=[
                Ambiguity(a["subject"], a["title"], tuple(tuple(c) for c in a["candidates"]), a["reason"])
                for a in data.get("ambiguous", [])
            ],
            unresolved_links=[UnresolvedLink(**u) for u in data.get("unresolved_links", [])],
            _by_id={p.paper_id: p for p in papers},
            _by_file=dict(data.get("files", {})),
            _blocks=blocks,
            _sections=sections,
            citations_version=int(data.get("citations_version", 0)),
        )

    def files_of_papers(self) -> dict[str, frozenset[str]]:
        """paper_id → the library files holding its passages: its PDFs and per-paper notes, and the
        lists and notes with an entry or a section about it (a file may hold other papers too)."""
        found: dict[str, set[str]] = {}
        for path, paper_id in self._by_file.items():
            found.setdefault(paper_id, set()).add(path)
        for spans in (self._blocks, self._sections):
            for path, (_, ordered) in spans.items():
                for _, _, paper_id in ordered:
                    found.setdefault(paper_id, set()).add(path)
        return {paper_id: frozenset(paths) for paper_id, paths in found.items()}

    def citation_keys(self) -> dict[str, str]:
        """paper_id → BibTeX key, stable and unique over the whole catalog (papers/citation_keys.py)."""
        if self._citation_keys is None:
            from papers.citation_keys import citation_keys  # it imports this module

            self._citation_keys = citation_keys(self.papers)
        return self._citation_keys

    def paper(self, paper_id: str) -> PaperRecord | None:
        return self._by_id.get(paper_id)

    def paper_for_file(self, path: str) -> PaperRecord | None:
        """The paper a per-paper note or a PDF is; None for lists and unknown files."""
        paper_id = self._by_file.get(path)
        return self._by_id.get(paper_id) if paper_id else None

    def paper_for_line(self, path: str, line: int) -> PaperRecord | None:
        """The paper whose entry (its line and the lines under it) contains ``line``; in a
        per-paper note, lines outside any entry belong to the note's own paper; else the paper
        whose heading's section holds the line."""
        found = _span_at(self._blocks.get(path), line)
        own = self.paper_for_file(path)
        if found is None and own is None:
            found = _span_at(self._sections.get(path), line)
        return self._by_id.get(found) if found is not None else own

    def papers_for_lines(self, path: str, start: int, end: int) -> list[PaperRecord]:
        """Every paper whose entry overlaps lines ``start..end`` (a chunk of a list), in order;
        for a per-paper note the note's own paper comes first."""
        found: list[PaperRecord] = []
        own = self.paper_for_file(path)
        if own is not None:
            found.append(own)
        spans = sorted([*self._blocks.get(path, ((), []))[1], *self._sections.get(path, ((), []))[1]])
        for block_start, block_end, paper_id in spans:
            if block_start <= end and block_end >= start:
                record = self._by_id.get(paper_id)
                if record is not None and record not in found:
                    found.append(record)
        return found


def _span_at(blocks: tuple[list[int], list[tuple[int, int, str]]] | None, line: int) -> str | None:
    """The paper id of the span holding ``line``; spans do not nest, but a later start may sit
    inside an earlier span's end."""
    if not blocks:
        return None
    starts, spans = blocks
    index = bisect.bisect_right(starts, line) - 1
    while index >= 0:
        start, end, paper_id = spans[index]
        if start <= line <= end:
            return paper_id
        if end < line:
            break
        index -= 1
    return None


def _record_to_dict(record: PaperRecord) -> dict:
    """What `dataclasses.asdict` gave, made field by field: its deep copies of every value were
    most of writing a 10,000-file library's catalog (bench/README.md). The tuples are immutable,
    so they are kept as they are (JSON writes them as lists)."""
    data = _fields_of(record, _RECORD_FIELDS)
    data["entries"] = tuple(_fields_of(entry, _ENTRY_FIELDS) for entry in record.entries)
    data["links"] = {label: list(urls) for label, urls in record.links.items()}
    return data


def _fields_of(item: object, names: tuple[str, ...]) -> dict:
    return {name: getattr(item, name) for name in names}


_RECORD_FIELDS = tuple(item.name for item in fields(PaperRecord))
_ENTRY_FIELDS = tuple(item.name for item in fields(EntryRef))
_AMBIGUITY_FIELDS = tuple(item.name for item in fields(Ambiguity))
_UNRESOLVED_FIELDS = tuple(item.name for item in fields(UnresolvedLink))


def _record_from_dict(data: dict) -> PaperRecord:
    return PaperRecord(
        paper_id=data["paper_id"],
        title=data["title"],
        venue=data.get("venue"),
        year=data.get("year"),
        month=data.get("month"),
        arxiv=data.get("arxiv"),
        read=data.get("read"),
        abbreviation=data.get("abbreviation"),
        topics=tuple(tuple(t) for t in data.get("topics", ())),
        annotation=data.get("annotation"),
        links={label: tuple(urls) for label, urls in data.get("links", {}).items()},
        files=tuple(data.get("files", ())),
        entries=tuple(EntryRef(**e) for e in data.get("entries", ())),
        titles=tuple(data.get("titles", ())),
        authors=tuple(data.get("authors", ())),
        citation_key=data.get("citation_key"),
        tags=tuple(data.get("tags", ())),
        collections=tuple(data.get("collections", ())),
        thesis=data.get("thesis"),
        school=data.get("school"),
        cites=tuple(data.get("cites", ())),
        cited_by=tuple(data.get("cited_by", ())),
        reading=data.get("reading"),
        read_source=data.get("read_source"),
        marked_tags=tuple(data.get("marked_tags", ())),
    )
