"""The things linking joins: every paper entry of every note, every per-paper note and every
PDF, each as a node with the titles and arXiv id it carries. Entry blocks (an entry's line and
the lines under it) are measured here so chunks of a list can be tied to their papers."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterable, Mapping, NamedTuple

from papers.entries import PaperEntry
from papers.note_facts import NoteFacts, read_note_facts
from papers.file_names import NoteFileInfo, paper_from_note_filename, title_from_pdf_filename
from papers.pdf_info import PdfPaperInfo
from papers.titles import titles_fit

TOP_ENTRY_LINES = 15  # a per-paper note's own "> Title" entry sits in its first lines
_NOTE_SUFFIXES = (".md", ".markdown", ".txt")


@dataclass
class Node:
    kind: str  # "entry" | "note" | "pdf"
    key: str  # "path:line" or path
    titles: list[str]
    arxiv: str | None = None
    entry: PaperEntry | None = None
    note_info: NoteFileInfo | None = None
    pdf_info: PdfPaperInfo | None = None
    top_of: str | None = None  # for the top entry of a per-paper note: that note's path
    citation_key: str | None = None  # a per-paper note's own "Citation Key: ..." (Zotero / Better BibTeX)

    @property
    def tentative(self) -> bool:
        """A mention too weakly evidenced to be a paper unless linking ties it to one."""
        return self.entry is not None and self.entry.tentative


class Doubt(NamedTuple):
    """A link not made, in node indices; becomes an ``Ambiguity`` in the catalog."""

    index: int
    reason: str
    candidates: list[tuple[int, float | None]]  # (node index, score)
    subject: str  # "" → the node's own key


class LibraryNodes:
    """All nodes of a library, by file and by note, with the doubts found while making them."""

    def __init__(self, notes: Mapping[str, str | NoteFacts], pdfs: Mapping[str, PdfPaperInfo],
                 other_files: Iterable[str]):
        """`notes`: each note's text, or its facts when the caller kept them (index/note_facts_cache.py)."""
        self.notes = dict(sorted(notes.items()))
        self.pdfs = dict(sorted(pdfs.items()))
        self.files = set(self.notes) | set(self.pdfs) | {f for f in other_files}
        self.by_basename: dict[str, list[str]] = defaultdict(list)
        for path in sorted(self.files):
            self.by_basename[PurePosixPath(path).name.casefold()].append(path)
        self.nodes: list[Node] = []
        self.file_node: dict[str, int] = {}
        self.entry_nodes: dict[str, list[int]] = defaultdict(list)
        self.blocks: dict[str, list[tuple[int, int, int]]] = {}  # path → (start, end, node)
        self.sections: dict[str, list[tuple[int, int, int]]] = {}  # heading entries' sections
        self.doubts: list[Doubt] = []
        self._add_nodes()

    def _add_nodes(self) -> None:
        for path, note in self.notes.items():
            facts = note if isinstance(note, NoteFacts) else read_note_facts(note, path)
            entries = list(facts.entries)
            spans, sections = [], []
            for entry, end in zip(entries, facts.ends, strict=True):
                index = self._add(Node("entry", f"{path}:{entry.line}", [entry.title], entry.arxiv_id, entry=entry))
                self.entry_nodes[path].append(index)
                if entry.end_line is not None:
                    sections.append((entry.line, entry.end_line, index))
                else:
                    spans.append((entry.line, end, index))
            self.blocks[path] = spans
            if sections:
                self.sections[path] = sections
            self._maybe_paper_note(path, entries)
            if path in self.file_node:
                self.nodes[self.file_node[path]].citation_key = facts.citation_key
        for path, info in self.pdfs.items():
            titles = [t for t in (info.title, *info.alt_titles, title_from_pdf_filename(path)) if t]
            self.file_node[path] = self._add(
                Node("pdf", path, list(dict.fromkeys(titles)), info.arxiv_id, pdf_info=info)
            )

    def _add(self, node: Node) -> int:
        self.nodes.append(node)
        return len(self.nodes) - 1

    def _maybe_paper_note(self, path: str, entries: list[PaperEntry]) -> None:
        """A note named after a paper, or whose top entry names the paper its name spells,
        is that paper's note: a node of its own, joined to its top entry."""
        info = paper_from_note_filename(path) if path.lower().endswith(_NOTE_SUFFIXES) else None
        stem = PurePosixPath(path).stem
        top = next((e for e in entries if e.line <= TOP_ENTRY_LINES and not e.tentative), None)
        name_title = info.title if info else stem.replace("_", " ").strip()
        fits = top is not None and titles_fit(top.title, name_title)
        named_as_note = info is not None and re.search(r"(?i)[_\- ]notes?$", stem) is not None
        if not (named_as_note or (fits and (info is not None or len(name_title.split()) >= 3))):
            return
        node = Node("note", path, [name_title], top.arxiv_id if fits else None, note_info=info)
        index = self._add(node)
        self.file_node[path] = index
        if top is not None and fits:
            top_index = next(i for i in self.entry_nodes[path] if self.nodes[i].entry is top)
            self.nodes[top_index].top_of = path
        elif top is not None:
            self.doubts.append(Doubt(index, "top entry does not match the file name", [], f"{path}:{top.line}"))
