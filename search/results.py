"""Search results: ranked passages, and passages grouped into one card per source document."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from papers import Catalog, PaperRecord


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    kind: str  # "pdf", "note" or "annotation"
    path: str  # relative to the library
    title: str
    page: int | None
    heading: str | None
    start_line: int | None
    text: str
    chunk_id: str
    links: tuple[str, ...] = ()
    dense_rank: int | None = None  # rank of this passage in the dense (embedding) ranking
    lexical_rank: int | None = None  # rank in the BM25 ranking; None = not among its candidates
    paper_id: str | None = None  # the paper this passage is about, from the paper catalog
    paper_title: str | None = None
    venue: str | None = None
    year: int | None = None
    arxiv: str | None = None
    read: bool | None = None  # the user's [x] / [ ] mark
    role: str = "body"  # "references": from a PDF's reference list, counted at reduced weight
    embedded: bool = True  # False: found by keyword only, its vector not made yet (a first build under way)
    library: str | None = None  # "zotero:user" / "zotero:group-<id>" for a Zotero passage, None for the folder's
    collections: tuple[str, ...] = ()  # the paper's Zotero collections ("Parent/Child")
    tags: tuple[str, ...] = ()  # the paper's Zotero tags

    @property
    def location(self) -> str:
        """Where in the file: 'p. 3' for a PDF page, the heading path and line for a note."""
        if self.page is not None:
            return f"p. {self.page}"
        heading = self.heading or ""
        if heading == self.title or heading.startswith(self.title + " > "):
            heading = heading[len(self.title) :].removeprefix(" > ")
        parts = [heading] if heading else []
        if self.start_line is not None:
            parts.append(f"line {self.start_line}")
        return ", ".join(parts)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["links"] = list(self.links)
        data["collections"], data["tags"] = list(self.collections), list(self.tags)
        return data


@dataclass(frozen=True)
class DocumentResult:
    path: str
    title: str
    kind: str
    score: float  # the best passage's score
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class SearchResponse:
    query: str
    hits: tuple[Hit, ...]
    notices: tuple[str, ...] = ()

    def by_document(self, limit: int, passages_per_document: int = 3) -> list[DocumentResult]:
        """One result per file, ordered by its best passage, with up to N best passages each."""
        groups: dict[str, list[Hit]] = {}
        for hit in self.hits:
            groups.setdefault(hit.path, []).append(hit)
        results = [
            DocumentResult(path, hits[0].title, hits[0].kind, hits[0].score, tuple(hits[:passages_per_document]))
            for path, hits in groups.items()
        ]
        return results[:limit]


@dataclass(frozen=True)
class PaperResult:
    """One card per paper: passages from its PDF, its note and the lists that mention it."""

    paper_id: str | None  # None: passages from a file that is not about one paper
    title: str
    score: float
    hits: tuple[Hit, ...]


def by_paper(hits: tuple[Hit, ...], limit: int, passages_per_paper: int = 3) -> list[PaperResult]:
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.paper_id or f"file:{hit.path}", []).append(hit)
    results = [
        PaperResult(
            paper_id=found[0].paper_id,
            title=found[0].paper_title or found[0].title,
            score=found[0].score,
            hits=tuple(found[:passages_per_paper]),
        )
        for found in groups.values()
    ]
    return results[:limit]


def papers_of(hits: Iterable[Hit], catalog: Catalog) -> list[PaperRecord]:
    """The distinct papers of `hits`, in the order they first appear."""
    seen: dict[str, PaperRecord] = {}
    for hit in hits:
        if hit.paper_id and hit.paper_id not in seen:
            record = catalog.paper(hit.paper_id)
            if record is not None:
                seen[hit.paper_id] = record
    return list(seen.values())


def search_depth(k: int, grouped: bool) -> int:
    """How many passages to ask for: k cards of grouped results need more than k passages,
    since a paper's or file's best passages arrive together."""
    return max(k * 10, 50) if grouped else k
