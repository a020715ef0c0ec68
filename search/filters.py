"""Narrow results by what a researcher knows about their papers: file kind, year, venue,
topic heading, reading status, tags, authors, whether a local PDF is at hand, the colour of their own
marks, and a scope: one paper, one file (a reading list) or one folder (search/scope.py ranks within it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from corpus.annotation_passages import mark_of_heading
from papers import Catalog, PaperRecord


@dataclass(frozen=True)
class ResultFilter:
    kind: str | None = None  # "pdf", "note" or "annotation"
    year_from: int | None = None
    year_to: int | None = None
    venue: str | None = None  # case-insensitive, exact venue name (e.g. "CVPR")
    topic: str | None = None  # case-insensitive substring of a topic heading of the paper
    read: bool | None = None  # True: only papers read; False: only unread or to-read ones (papers/marks.py)
    has_pdf: bool | None = None  # True: only papers with a PDF in the library
    collection: str | None = None  # a Zotero collection; its sub-collections' papers count too
    tag: str | None = None  # a Zotero tag or one the researcher set, case-insensitive
    to_read: bool | None = None  # True: only papers marked to-read
    author: str | None = None  # whole words of one author's name, any case ("vaswani", "Kaiming He")
    colour: str | None = None  # only your marks of this colour ("yellow"; corpus/annotation_passages.py COLOURS)
    paper: str | None = None  # a paper_id: only passages of that paper (its PDF, notes, list entries, your marks)
    file: str | None = None  # a library-relative path: only that file's passages (a reading list, a note, a PDF)
    folder: str | None = None  # a library-relative folder: only files inside it, at any depth

    def __post_init__(self) -> None:
        if self.folder is not None:
            object.__setattr__(self, "folder", clean_folder(self.folder))

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    def accepts(self, kind: str, paper: PaperRecord | None, heading: str | None = None, path: str | None = None) -> bool:
        """`heading` is the passage's, read for the colour of a mark; `path` its file, read for a
        file or folder scope."""
        if self.kind is not None and kind != self.kind:
            return False
        if self.file is not None and path != self.file:
            return False
        if self.folder is not None and not in_folder(path, self.folder):
            return False
        if self.colour is not None:
            mark = mark_of_heading(heading) if kind == "annotation" else None
            if mark is None or mark.colour != self.colour:
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
        if self.collection is not None and not in_collection(paper.collections, self.collection):
            return False
        if self.tag is not None and self.tag.casefold() not in {tag.casefold() for tag in paper.tags}:
            return False
        if self.to_read is not None and (paper.reading == "to-read") != self.to_read:
            return False
        if self.author is not None and not has_author(paper.authors, self.author):
            return False
        if self.paper is not None and paper.paper_id != self.paper:
            return False
        return True

    def _only_kind(self) -> bool:
        """Only conditions on the passage itself, none on its paper."""
        return all(getattr(self, f.name) is None for f in fields(self) if f.name not in _PASSAGE_FIELDS)

    def scope(self) -> "ResultFilter":
        """The scope alone (paper, file, folder, tag), without the other filters."""
        return ResultFilter(paper=self.paper, file=self.file, folder=self.folder, tag=self.tag)


_PASSAGE_FIELDS = ("kind", "colour", "file", "folder")  # conditions on the passage itself, not on its paper


def clean_folder(folder: str) -> str:
    """A folder as the index names files under it: forward slashes, no leading "./" or "/", no
    trailing "/" ("" is the library itself)."""
    parts = [part for part in folder.replace("\\", "/").split("/") if part not in ("", ".")]
    return "/".join(parts)


def in_folder(path: str | None, folder: str) -> bool:
    """Is the library file `path` inside the (clean) `folder`, at any depth? The library itself
    ("") holds every file."""
    return path is not None and (not folder or path.startswith(folder + "/"))


def in_collection(paths: tuple[str, ...], wanted: str) -> bool:
    """Is a paper filed in `wanted` ("Deep learning" or a path "Deep learning/Sequence models"),
    directly or in one of its sub-collections?"""
    wanted = wanted.strip("/").casefold()
    return any(path.casefold() == wanted or path.casefold().startswith(wanted + "/")
               or path.casefold().split("/")[-1] == wanted for path in paths)


def has_author(authors: tuple[str, ...], wanted: str) -> bool:
    """Does one of `authors` carry the words of `wanted`, in order ("He" is Kaiming He, not Zheng)?"""
    words = wanted.casefold().split()
    if not words:
        return True
    pattern = re.compile(r"(?<!\w)" + r"\W+".join(re.escape(word) for word in words) + r"(?!\w)")
    return any(pattern.search(name.casefold()) for name in authors)


def _is_own_title(heading: str, paper: PaperRecord) -> bool:
    """A per-paper note's title heading is the paper, not a topic: the Topic list keeps the
    researcher's own headings (a list's sections) and leaves the papers' titles to search."""
    words = " ".join(heading.split()).casefold()
    return any(words == " ".join(title.split()).casefold() for title in (paper.title, *paper.titles))


def facet_values(catalog: Catalog) -> dict[str, list]:
    """Choices for the page's filter widgets."""
    years = sorted({p.year for p in catalog.papers if p.year})
    return {
        "venues": sorted({p.venue for p in catalog.papers if p.venue}, key=str.casefold),
        "topics": sorted({t[-1] for p in catalog.papers for t in p.topics if t and not _is_own_title(t[-1], p)},
                         key=str.casefold),
        "years": [years[0], years[-1]] if years else [],
        "read_marks": any(p.read is not None for p in catalog.papers),  # a mark, an own note, or a list's box
        "to_read": any(p.reading == "to-read" for p in catalog.papers),
        "authors": sorted({a for p in catalog.papers for a in p.authors}, key=str.casefold),
        # Zotero collections with their parents (a filter on a parent keeps its sub-collections), and tags
        "collections": sorted({"/".join(c.split("/")[: i + 1]) for p in catalog.papers for c in p.collections
                               for i in range(c.count("/") + 1)}, key=str.casefold),
        "tags": sorted({t for p in catalog.papers for t in p.tags}, key=str.casefold),
    }
