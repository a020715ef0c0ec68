"""A catalog of the papers in a library: every mention in the notes, every PDF, one record each.

``build_catalog(notes, pdfs)`` reads the paper entries of every note (``parse_paper_entries``),
treats per-paper notes (``YEAR_MONTH_VENUE_Title_Note.md``) and PDFs as files that *are* a
paper, and links them, strongest evidence first:

1. ``explicit_link`` — an entry's local ``note``/``pdf`` link that resolves to a library file
   (relative to the entry's file, else by file name anywhere in the library when unique);
2. ``arxiv`` — the same arXiv id (entry links, the PDF's arXiv stamp);
3. ``note_file`` — a per-paper note and its top ``> "Title"`` entry (first entry in the first
   15 lines, when its title fits the file name);
   ``filename`` — a per-paper note's or a PDF's file name spelling a known title;
4. ``title_exact`` — the same title (case, punctuation and spaces ignored);
   ``title_fuzzy`` — titles at least ``FUZZY_THRESHOLD`` similar (rapidfuzz ratio on normalised
   titles) that differ only inside words, never by a whole added word ("Deep Exemplar-based
   Colorization" is not "Deep Exemplar-based Video Colorization"). A mention whose two best
   candidates are different papers within ``AMBIGUITY_MARGIN`` is reported, not linked.

Two groups with different arXiv ids are never merged, whatever links them (reported).
"""

from __future__ import annotations

import bisect
import hashlib
import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import Iterable, Mapping
from urllib.parse import unquote

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from corpus.paper_entries import PaperEntry, parse_paper_entries
from corpus.paper_fields import NoteFileInfo, normalise_title, paper_from_note_filename
from corpus.pdf_metadata import PdfPaperInfo, title_from_pdf_filename

__all__ = [
    "AMBIGUITY_MARGIN",
    "FUZZY_THRESHOLD",
    "Ambiguity",
    "Catalog",
    "EntryRef",
    "HealthReport",
    "LinkEvent",
    "PaperRecord",
    "UnresolvedLink",
    "build_catalog",
    "health",
    "title_match_score",
]

# Measured on hand-checked title pairs (bench/bench_paper_linking.py): every same-paper pair
# that is not identical after normalisation scores ≥ 93 once whole-word insertions are ruled
# out; the closest different papers that survive that rule score 85.7 ("Bringing Old Films /
# Photos Back to Life"). 90 sits between, with room on both sides.
FUZZY_THRESHOLD = 90.0
AMBIGUITY_MARGIN = 3.0
TOP_ENTRY_LINES = 15  # a per-paper note's own "> Title" entry sits in its first lines
_NEAR_DUPLICATE = 85.0  # health: titles this close that were not merged get a look

_PAPER_FILE_SUFFIXES = (".pdf",)
_NOTE_SUFFIXES = (".md", ".markdown", ".txt")
_LOCAL_LINK_LABELS_SKIPPED = {"code", "blog", "video", "supp", "website"}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://|^mailto:|^#")
_WINDOWS_ABSOLUTE = re.compile(r"^[a-zA-Z]:[\\/]")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+\S")
_QUOTE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)+")


# --------------------------------------------------------------------------- public shapes


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

    def to_dict(self) -> dict:
        """A JSON-ready form that ``Catalog.from_dict`` turns back into a working catalog."""
        return {
            "papers": [_record_to_dict(p) for p in self.papers],
            "link_counts": dict(self.link_counts),
            "ambiguous": [asdict(a) for a in self.ambiguous],
            "unresolved_links": [asdict(u) for u in self.unresolved_links],
            "files": dict(self._by_file),
            "blocks": {path: [list(span) for span in spans] for path, (_, spans) in self._blocks.items()},
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Catalog":
        papers = [_record_from_dict(p) for p in data["papers"]]
        blocks = {}
        for path, spans in data.get("blocks", {}).items():
            ordered = sorted((int(s), int(e), str(i)) for s, e, i in spans)
            blocks[path] = ([s for s, _, _ in ordered], ordered)
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
        )

    def paper(self, paper_id: str) -> PaperRecord | None:
        return self._by_id.get(paper_id)

    def paper_for_file(self, path: str) -> PaperRecord | None:
        """The paper a per-paper note or a PDF is; None for lists and unknown files."""
        paper_id = self._by_file.get(path)
        return self._by_id.get(paper_id) if paper_id else None

    def paper_for_line(self, path: str, line: int) -> PaperRecord | None:
        """The paper whose entry (its line and the lines under it) contains ``line``; in a
        per-paper note, lines outside any entry belong to the note's own paper."""
        blocks = self._blocks.get(path)
        if blocks:
            starts, spans = blocks
            index = bisect.bisect_right(starts, line) - 1
            # entries do not nest, but a later start may sit inside an earlier block's end
            while index >= 0:
                start, end, paper_id = spans[index]
                if start <= line <= end:
                    return self._by_id.get(paper_id)
                if end < line:
                    break
                index -= 1
        return self.paper_for_file(path)


    def papers_for_lines(self, path: str, start: int, end: int) -> list[PaperRecord]:
        """Every paper whose entry overlaps lines ``start..end`` (a chunk of a list), in order;
        for a per-paper note the note's own paper comes first."""
        found: list[PaperRecord] = []
        own = self.paper_for_file(path)
        if own is not None:
            found.append(own)
        blocks = self._blocks.get(path)
        if blocks:
            for block_start, block_end, paper_id in blocks[1]:
                if block_start <= end and block_end >= start:
                    record = self._by_id.get(paper_id)
                    if record is not None and record not in found:
                        found.append(record)
        return found


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


# --------------------------------------------------------------------------- title matching


def title_key(title: str) -> str:
    """Exact-match key: normalised and without spaces ("by deep" = "bydeep", "reso lution")."""
    return normalise_title(title).replace(" ", "")


def title_match_score(a: str, b: str) -> float:
    """Similarity 0-100 of two titles for linking; 0 when they differ by a whole word.

    rapidfuzz ratio on normalised titles; a title equal to the other's part before its colon
    ("Bitstream-corrupted Video Recovery" / "...: A Novel Benchmark Dataset and Method")
    scores the threshold.
    """
    na, nb = normalise_title(a), normalise_title(b)
    if not na or not nb:
        return 0.0
    if na.replace(" ", "") == nb.replace(" ", ""):
        return 100.0
    if _main_title_match(a, nb) or _main_title_match(b, na):
        return FUZZY_THRESHOLD
    if _whole_word_added(na, nb):
        return 0.0
    return float(fuzz.ratio(na, nb))


def _main_title_match(with_colon: str, other_normalised: str) -> bool:
    if ":" not in with_colon:
        return False
    main = normalise_title(with_colon.split(":", 1)[0])
    return len(main.split()) >= 3 and main == other_normalised


def _whole_word_added(na: str, nb: str) -> bool:
    """True when aligning the word lists needs a bare insertion or deletion of a word."""
    ta, tb = na.split(), nb.split()
    if len(ta) == len(tb):
        return False
    if "".join(ta) == "".join(tb):
        return False  # only spaces differ
    for op in Levenshtein.opcodes(ta, tb):
        if op.tag in ("insert", "delete"):
            inserted = ta[op.src_start : op.src_end] if op.tag == "delete" else tb[op.dest_start : op.dest_end]
            # "reso lution" / "resolution": a split word is not an added word
            left = (ta if op.tag == "insert" else tb)
            edge = op.src_start if op.tag == "insert" else op.dest_start
            neighbours = [w for w in (left[edge - 1] if edge > 0 else None, left[edge] if edge < len(left) else None) if w]
            if not any(_is_split_of(w, inserted) for w in neighbours):
                return True
    return False


def _is_split_of(word: str, pieces: list[str]) -> bool:
    joined = "".join(pieces)
    return word.startswith(joined) or word.endswith(joined)


# --------------------------------------------------------------------------- building


@dataclass
class _Node:
    kind: str  # "entry" | "note" | "pdf"
    key: str  # "path:line" or path
    titles: list[str]
    arxiv: str | None = None
    entry: PaperEntry | None = None
    note_info: NoteFileInfo | None = None
    pdf_info: PdfPaperInfo | None = None
    top_of: str | None = None  # for the top entry of a per-paper note: that note's path


class _Groups:
    """Union-find over nodes that refuses to join groups with different arXiv ids."""

    def __init__(self, nodes: list[_Node]):
        self.parent = list(range(len(nodes)))
        self.arxiv: list[str | None] = [n.arxiv for n in nodes]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def conflict(self, a: int, b: int) -> tuple[str, str] | None:
        ra, rb = self.find(a), self.find(b)
        xa, xb = self.arxiv[ra], self.arxiv[rb]
        if ra != rb and xa and xb and xa != xb:
            return xa, xb
        return None

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or self.conflict(a, b):
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.arxiv[ra] = self.arxiv[ra] or self.arxiv[rb]
        return True


class _Builder:
    def __init__(self, notes: Mapping[str, str], pdfs: Mapping[str, PdfPaperInfo], other_files: Iterable[str]):
        self.notes = dict(sorted(notes.items()))
        self.pdfs = dict(sorted(pdfs.items()))
        self.files = set(self.notes) | set(self.pdfs) | {f for f in other_files}
        self.by_basename: dict[str, list[str]] = defaultdict(list)
        for path in sorted(self.files):
            self.by_basename[PurePosixPath(path).name.casefold()].append(path)
        self.nodes: list[_Node] = []
        self.file_node: dict[str, int] = {}
        self.entry_nodes: dict[str, list[int]] = defaultdict(list)
        self.blocks: dict[str, list[tuple[int, int, int]]] = {}
        self.link_counts: Counter[str] = Counter()
        self.events: list[LinkEvent] = []
        self.ambiguous: list[tuple[int, str, list[tuple[int, float | None]], str]] = []
        self.unresolved: list[UnresolvedLink] = []

    # ---------------------------------------------------------------- nodes

    def add_nodes(self) -> None:
        for path, text in self.notes.items():
            entries = parse_paper_entries(text, path)
            ends = _entry_ends(text.splitlines(), [e.line for e in entries])
            spans = []
            for entry, end in zip(entries, ends):
                index = self._add(_Node("entry", f"{path}:{entry.line}", [entry.title], entry.arxiv_id, entry=entry))
                self.entry_nodes[path].append(index)
                spans.append((entry.line, end, index))
            self.blocks[path] = spans
            self._maybe_paper_note(path, entries)
        for path, info in self.pdfs.items():
            titles = [t for t in (info.title, *info.alt_titles, title_from_pdf_filename(path)) if t]
            self.file_node[path] = self._add(_Node("pdf", path, _unique(titles), info.arxiv_id, pdf_info=info))

    def _add(self, node: _Node) -> int:
        self.nodes.append(node)
        return len(self.nodes) - 1

    def _maybe_paper_note(self, path: str, entries: list[PaperEntry]) -> None:
        info = paper_from_note_filename(path) if path.lower().endswith(_NOTE_SUFFIXES) else None
        stem = PurePosixPath(path).stem
        top = next((e for e in entries if e.line <= TOP_ENTRY_LINES), None)
        name_title = info.title if info else stem.replace("_", " ").strip()
        fits = top is not None and _titles_fit(top.title, name_title)
        named_as_note = info is not None and re.search(r"(?i)[_\- ]notes?$", stem) is not None
        if not (named_as_note or (fits and (info is not None or len(name_title.split()) >= 3))):
            return
        node = _Node("note", path, [name_title], top.arxiv_id if fits else None, note_info=info)
        index = self._add(node)
        self.file_node[path] = index
        if top is not None and fits:
            top_index = next(i for i in self.entry_nodes[path] if self.nodes[i].entry is top)
            self.nodes[top_index].top_of = path
        elif top is not None:
            self.ambiguous.append((index, "top entry does not match the file name", [], f"{path}:{top.line}"))

    # ---------------------------------------------------------------- linking

    def link(self) -> _Groups:
        groups = _Groups(self.nodes)
        self._explicit(groups)
        self._same_arxiv(groups)
        self._note_files(groups)
        self._file_names(groups)
        self._exact_titles(groups)
        self._fuzzy_titles(groups)
        return groups

    def _join(self, groups: _Groups, a: int, b: int, method: str, score: float | None = None) -> bool:
        conflict = groups.conflict(a, b)
        if conflict:
            self.ambiguous.append(
                (a, f"{method} link refused: arXiv {conflict[0]} vs {conflict[1]}", [(b, score)], "")
            )
            return False
        if groups.union(a, b):
            self.link_counts[method] += 1
            self.events.append(LinkEvent(method, self.nodes[a].key, self.nodes[b].key, score))
            return True
        return False

    def _explicit(self, groups: _Groups) -> None:
        for path, indices in self.entry_nodes.items():
            for index in indices:
                entry = self.nodes[index].entry
                for link in entry.links:
                    if link.label in _LOCAL_LINK_LABELS_SKIPPED or not _local_paper_link(link.url):
                        continue
                    target, reason = self._resolve(path, link.url)
                    if target is None:
                        self.unresolved.append(UnresolvedLink(path, entry.line, link.label, link.url, reason))
                        continue
                    target_node = self.file_node.get(target)
                    if target_node is None:
                        continue  # a list note or an image: not a paper file
                    if not self._nodes_fit(index, target_node):
                        self.ambiguous.append(
                            (index, "explicit link to a file whose title differs", [(target_node, None)], "")
                        )
                        continue
                    self._join(groups, index, target_node, "explicit_link")

    def _resolve(self, source: str, url: str) -> tuple[str | None, str]:
        target = unquote(url.strip().strip("<>")).split("#", 1)[0].split("?", 1)[0].replace("\\", "/")
        if not target:
            return None, "missing"
        if not _WINDOWS_ABSOLUTE.match(url) and not target.startswith("/"):
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
            if joined in self.files:
                return joined, ""
        candidates = self.by_basename.get(PurePosixPath(target).name.casefold(), [])
        if len(candidates) == 1:
            return candidates[0], ""
        if len(candidates) > 1:
            same_dir = [c for c in candidates if posixpath.dirname(c) == posixpath.dirname(source)]
            if len(same_dir) == 1:
                return same_dir[0], ""
            return None, "ambiguous name"
        return None, "missing"

    def _same_arxiv(self, groups: _Groups) -> None:
        """Same arXiv id → same paper, unless two mentions' titles disagree outright: a pasted
        link of another paper ("A Toolbox for Video Restoration" with the FGST paper's link).
        A PDF's own arXiv stamp is trusted whatever its title reading."""
        clusters: dict[str, list[int]] = defaultdict(list)
        for index, node in enumerate(self.nodes):
            if not node.arxiv:
                continue
            reps = clusters[node.arxiv]
            home = next((r for r in reps if self._nodes_fit(r, index, trust_pdf=True)), None)
            if home is None:
                if reps:
                    self.ambiguous.append(
                        (index, f"same arXiv id {node.arxiv} but a different title: not merged",
                         [(r, None) for r in reps], "")
                    )
                reps.append(index)
            else:
                self._join(groups, home, index, "arxiv")

    def _nodes_fit(self, a: int, b: int, trust_pdf: bool = False) -> bool:
        na, nb = self.nodes[a], self.nodes[b]
        if trust_pdf and "pdf" in (na.kind, nb.kind):
            return True
        if not na.titles or not nb.titles:
            return True
        return any(_titles_fit(x, y) for x in na.titles for y in nb.titles)

    def _note_files(self, groups: _Groups) -> None:
        for path, indices in self.entry_nodes.items():
            for index in indices:
                if self.nodes[index].top_of == path and path in self.file_node:
                    self._join(groups, self.file_node[path], index, "note_file")

    def _title_index(self, kinds: set[str]) -> dict[str, list[int]]:
        index: dict[str, list[int]] = defaultdict(list)
        for i, node in enumerate(self.nodes):
            if node.kind in kinds:
                for title in node.titles:
                    key = title_key(title)
                    if key:
                        index[key].append(i)
        return index

    def _file_names(self, groups: _Groups) -> None:
        """A per-paper note's or PDF's name spelling the title of an entry (or of a PDF)."""
        by_title = self._title_index({"entry"})
        pdf_titles = self._title_index({"pdf"})
        for path, index in sorted(self.file_node.items()):
            node = self.nodes[index]
            name_title = node.note_info.title if node.note_info else (
                node.titles[0] if node.kind == "note" else title_from_pdf_filename(path)
            )
            if not name_title:
                continue
            key = title_key(name_title)
            matches = [i for i in by_title.get(key, []) + pdf_titles.get(key, []) if i != index]
            self._join_all(groups, index, matches, "filename", name_title)

    def _exact_titles(self, groups: _Groups) -> None:
        index = self._title_index({"entry", "pdf", "note"})
        for key in sorted(index):
            members = index[key]
            for other in members[1:]:
                self._join(groups, members[0], other, "title_exact")

    def _join_all(self, groups: _Groups, index: int, matches: list[int], method: str, title: str) -> None:
        roots: dict[int, int] = {}
        for m in matches:
            roots.setdefault(groups.find(m), m)
        roots.pop(groups.find(index), None)
        distinct = list(roots.values())
        # several matches that cannot be one paper (different arXiv ids): report, don't guess
        for a in distinct:
            for b in distinct:
                if a < b and groups.conflict(a, b):
                    self.ambiguous.append(
                        (index, f"{method}: '{title}' names papers with different arXiv ids",
                         [(m, 100.0) for m in distinct], "")
                    )
                    return
        for m in distinct:
            self._join(groups, index, m, method)

    def _fuzzy_titles(self, groups: _Groups) -> None:
        owners: list[int] = []
        strings: list[str] = []
        originals: list[str] = []
        for i, node in enumerate(self.nodes):
            for title in node.titles:
                normalised = normalise_title(title)
                if len(normalised) >= 8 and len(normalised.split()) >= 2:
                    owners.append(i)
                    strings.append(normalised)
                    originals.append(title)
        if not strings:
            return
        best: dict[tuple[int, int], float] = {}
        cutoff = FUZZY_THRESHOLD - AMBIGUITY_MARGIN
        chunk = 256
        for start in range(0, len(strings), chunk):
            scores = process.cdist(
                strings[start : start + chunk], strings, scorer=fuzz.ratio, score_cutoff=min(cutoff, 80), workers=1
            )
            for row in range(scores.shape[0]):
                a = start + row
                for b in scores[row].nonzero()[0]:
                    b = int(b)
                    if b <= a:
                        continue
                    ra, rb = groups.find(owners[a]), groups.find(owners[b])
                    if ra == rb:
                        continue
                    score = title_match_score(originals[a], originals[b])
                    if score < cutoff:
                        continue
                    pair = (min(ra, rb), max(ra, rb))
                    if score > best.get(pair, 0.0):
                        best[pair] = score
        # also the colon rule: "Main Title" vs "Main Title: Subtitle" (ratio may be low)
        by_main: dict[str, list[int]] = defaultdict(list)
        for k, title in enumerate(originals):
            if ":" in title:
                main = normalise_title(title.split(":", 1)[0])
                if len(main.split()) >= 3:
                    by_main[main].append(k)
        for k, normalised in enumerate(strings):
            for other in by_main.get(normalised, []):
                ra, rb = groups.find(owners[k]), groups.find(owners[other])
                if ra != rb:
                    pair = (min(ra, rb), max(ra, rb))
                    best[pair] = max(best.get(pair, 0.0), FUZZY_THRESHOLD)
        neighbours: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for (ra, rb), score in best.items():
            neighbours[ra].append((score, rb))
            neighbours[rb].append((score, ra))
        blocked: set[int] = set()
        for root, found in sorted(neighbours.items()):
            found.sort(reverse=True)
            top_score = found[0][0]
            if top_score < FUZZY_THRESHOLD:
                continue
            close = [(s, r) for s, r in found if s >= FUZZY_THRESHOLD and top_score - s <= AMBIGUITY_MARGIN]
            # candidates that are themselves the same paper do not make a mention ambiguous
            distinct = []
            for s, r in close:
                if not any(
                    best.get((min(r, d), max(r, d)), 0.0) >= FUZZY_THRESHOLD and not groups.conflict(r, d)
                    for _, d in distinct
                ):
                    distinct.append((s, r))
            near_miss = [(s, r) for s, r in found if s < FUZZY_THRESHOLD and top_score - s <= AMBIGUITY_MARGIN]
            if len(distinct) >= 2:
                blocked.add(root)
                self.ambiguous.append((root, "two different papers match this title", [(r, s) for s, r in distinct], ""))
            elif near_miss and len(distinct) == 1:
                # the runner-up is just under the threshold: as good as a tie
                blocked.add(root)
                self.ambiguous.append(
                    (root, "runner-up title is almost as close", [(r, s) for s, r in distinct + near_miss[:1]], "")
                )
        for (ra, rb), score in sorted(best.items(), key=lambda item: (-item[1], item[0])):
            if score >= FUZZY_THRESHOLD and ra not in blocked and rb not in blocked:
                self._join(groups, ra, rb, "title_fuzzy", score)

    # ---------------------------------------------------------------- records

    def records(self, groups: _Groups) -> Catalog:
        members: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.nodes)):
            members[groups.find(i)].append(i)
        records: list[PaperRecord] = []
        root_id: dict[int, str] = {}
        used_ids: set[str] = set()
        for root in sorted(members, key=lambda r: self._sort_key(members[r])):
            record = self._record(members[root], used_ids)
            used_ids.add(record.paper_id)
            root_id[root] = record.paper_id
            records.append(record)
        by_id = {r.paper_id: r for r in records}
        by_file = {}
        for path, index in self.file_node.items():
            by_file[path] = root_id[groups.find(index)]
        blocks = {}
        for path, spans in self.blocks.items():
            ordered = sorted((start, end, root_id[groups.find(i)]) for start, end, i in spans)
            blocks[path] = ([s for s, _, _ in ordered], ordered)
        ambiguous = []
        for index, reason, candidates, subject in self.ambiguous:
            node = self.nodes[index]
            ambiguous.append(
                Ambiguity(
                    subject=subject or node.key,
                    title=node.titles[0] if node.titles else "",
                    candidates=tuple(
                        (root_id[groups.find(c)], self.nodes[c].titles[0] if self.nodes[c].titles else "", s)
                        for c, s in candidates
                    ),
                    reason=reason,
                )
            )
        counts = {m: self.link_counts.get(m, 0) for m in
                  ("explicit_link", "arxiv", "note_file", "filename", "title_exact", "title_fuzzy")}
        return Catalog(
            papers=records,
            link_counts=counts,
            ambiguous=ambiguous,
            links=list(self.events),
            unresolved_links=list(self.unresolved),
            _by_id=by_id,
            _by_file=by_file,
            _blocks=blocks,
        )

    def _sort_key(self, indices: list[int]) -> tuple:
        keys = []
        for i in indices:
            node = self.nodes[i]
            if node.entry is not None:
                keys.append((node.entry.path, node.entry.line))
            else:
                keys.append((node.key, 0))
        return min(keys)

    def _record(self, indices: list[int], used_ids: set[str]) -> PaperRecord:
        nodes = [self.nodes[i] for i in indices]
        entries = sorted((n.entry for n in nodes if n.entry is not None), key=lambda e: (e.path, e.line))
        tops = [e for n in nodes if n.top_of and (e := n.entry) is not None]
        note_infos = [n.note_info for n in nodes if n.kind == "note" and n.note_info]
        pdf_infos = [n.pdf_info for n in nodes if n.pdf_info is not None]
        title = _choose_title(tops, entries, nodes)
        arxiv = Counter(n.arxiv for n in nodes if n.arxiv).most_common(1)
        arxiv_id = arxiv[0][0] if arxiv else None
        venue = _choose_venue(tops, entries, note_infos)
        year, month = _choose_date(tops, note_infos, entries, pdf_infos)
        reads = [e.read for e in entries if e.read is not None]
        read = True if any(reads) else (False if reads else None)
        abbreviation = next(
            (x for x in [*(e.abbreviation for e in tops), *(i.abbreviation for i in note_infos),
                         *(e.abbreviation for e in entries)] if x),
            None,
        )
        topics = _unique([e.topic for e in entries if e.topic])
        annotation = "\n\n".join(_unique([e.annotation.strip() for e in entries if e.annotation and e.annotation.strip()])) or None
        links: dict[str, list[str]] = {}
        for entry in [*tops, *entries]:
            for link in entry.links:
                if link.url and link.url not in links.setdefault(link.label, []):
                    links[link.label].append(link.url)
        files = sorted(
            (n.key for n in nodes if n.kind in ("note", "pdf")),
            key=lambda p: (p.lower().endswith(".pdf"), p),
        )
        refs = []
        for entry in entries:
            end = next((e for s, e, i in self.blocks.get(entry.path, []) if s == entry.line), entry.line)
            refs.append(EntryRef(entry.path, entry.line, end, entry.title, entry.read))
        titles = _unique([title] + [t for n in nodes for t in n.titles])
        paper_id = _paper_id(arxiv_id, title, used_ids)
        return PaperRecord(
            paper_id=paper_id,
            title=title,
            venue=venue,
            year=year,
            month=month,
            arxiv=arxiv_id,
            read=read,
            abbreviation=abbreviation,
            topics=tuple(topics),
            annotation=annotation,
            links={k: tuple(v) for k, v in links.items() if v},
            files=tuple(files),
            entries=tuple(refs),
            titles=tuple(titles),
        )


def build_catalog(
    notes: Mapping[str, str],
    pdfs: Mapping[str, PdfPaperInfo],
    *,
    other_files: Iterable[str] = (),
) -> Catalog:
    """One record per paper from every note's text and every PDF's ``pdf_paper_info``.

    ``notes``: library-relative Markdown/txt path → text. ``pdfs``: library-relative PDF path →
    PdfPaperInfo (give unreadable PDFs too, from ``pdf_paper_info(None, path)``, so links and
    file names still reach them). ``other_files``: any further library paths that a local link
    may point to (so such links do not count as missing).
    """
    builder = _Builder(notes, pdfs, other_files)
    builder.add_nodes()
    groups = builder.link()
    return builder.records(groups)


# --------------------------------------------------------------------------- health


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
            elif _whole_word_added(strings[a], strings[b]):
                reason = "titles differ by whole word(s): usually two different papers"
            elif score < FUZZY_THRESHOLD:
                reason = f"title similarity {score:.1f} below the linking threshold {FUZZY_THRESHOLD:g}"
            else:
                reason = "ambiguous title match: not linked automatically"
            add(pa, pb, [originals[a], originals[b]], score, reason)
    return suspects


# --------------------------------------------------------------------------- helpers


def _record_to_dict(record: PaperRecord) -> dict:
    data = asdict(record)
    data["links"] = {label: list(urls) for label, urls in record.links.items()}
    return data


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
    )


def _entry_ends(lines: list[str], starts: list[int]) -> list[int]:
    """Last line of each entry: its own line plus the indented / quoted lines under it."""
    start_set = set(starts)
    ends = []
    for start in starts:
        first = lines[start - 1] if 0 < start <= len(lines) else ""
        quote = _QUOTE_PREFIX.match(first)
        indent = len(first) - len(first.lstrip(" \t"))
        end = start
        number = start + 1
        while number <= len(lines):
            line = lines[number - 1]
            if number in start_set or _HEADING.match(line):
                break
            if not line.strip() or (quote and not line.strip(" \t>")):
                number += 1
                continue
            line_indent = len(line) - len(line.lstrip(" \t"))
            same_quote = quote is not None and line.lstrip(" \t").startswith(">")
            annotation = line.lstrip(" \t").startswith(">") and line_indent >= indent and number == end + 1
            if line_indent > indent or same_quote or annotation:
                end = number
                number += 1
                continue
            break
        ends.append(end)
    return ends


def _local_paper_link(url: str) -> bool:
    target = url.strip().split("#", 1)[0].split("?", 1)[0]
    if not target or _SCHEME.match(target):
        return False
    return bool(re.search(r"(?i)\.(?:pdf|md|markdown|txt)$", unquote(target)))


def _titles_fit(entry_title: str, name_title: str) -> bool:
    """Does a note's top entry name the paper its file name names? Loose: names drop words."""
    a, b = normalise_title(entry_title), normalise_title(name_title)
    if not a or not b:
        return False
    if a.replace(" ", "") == b.replace(" ", ""):
        return True
    shorter, longer = sorted((a, b), key=len)
    if longer.startswith(shorter) or shorter in longer:
        return True
    return fuzz.ratio(a, b) >= 60 or fuzz.token_set_ratio(a, b) >= 90


def _choose_title(tops: list[PaperEntry], entries: list[PaperEntry], nodes: list[_Node]) -> str:
    if tops:
        return tops[0].title
    if entries:
        counts = Counter(e.title for e in entries)
        best = max(counts.values())
        return next(e.title for e in entries if counts[e.title] == best)
    for kind in ("pdf", "note"):
        for node in nodes:
            if node.kind == kind and node.titles:
                return node.titles[0]
    return nodes[0].key


def _choose_venue(tops, entries, note_infos) -> str | None:
    ordered = [*(e.venue for e in tops), *(i.venue for i in note_infos), *(e.venue for e in entries)]
    ordered = [v for v in ordered if v]
    real = [v for v in ordered if v.casefold() != "arxiv"]
    pool = real or ordered
    if not pool:
        return None
    counts = Counter(pool)
    best = max(counts.values())
    return next(v for v in pool if counts[v] == best)


def _choose_date(tops, note_infos, entries, pdf_infos) -> tuple[int | None, int | None]:
    for source in (*tops, *note_infos):
        if source.year:
            return source.year, source.month
    dated = [(e.year, e.month) for e in entries if e.year]
    if dated:
        counts = Counter(year for year, _ in dated)
        year = max(counts, key=lambda y: (counts[y], -y))
        month = next((m for y, m in dated if y == year and m), None)
        return year, month
    for info in sorted(pdf_infos, key=lambda i: i.year_source == "metadata_date"):
        if info.year:
            return info.year, None
    return None, None


def _paper_id(arxiv_id: str | None, title: str, used: set[str]) -> str:
    if arxiv_id:
        base = "arxiv-" + arxiv_id.replace("/", "_")
    else:
        digest = hashlib.sha1(title_key(title).encode("utf-8")).hexdigest()[:12]
        base = "title-" + digest
    paper_id, n = base, 2
    while paper_id in used:
        paper_id, n = f"{base}-{n}", n + 1
    return paper_id


def _unique(items):
    seen = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out
