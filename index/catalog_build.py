"""The paper catalog of a build: which papers the library's notes and PDFs describe.

Per-PDF paper info (title, arXiv id, year) is kept in the manifest and each note's facts (its
entries) in the note cache, so a rebuild reads again only new or changed files; the linking of
them all into a catalog is done again at every build, because one new list entry can link
files that did not change.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from corpus import REFERENCES, Document, PdfHead, UnreadableFileError, decode_text_file, read_note_bytes
from papers import (Catalog, PdfPaperInfo, build_catalog, join_zotero, pdf_paper_info, reading_order,
                    with_citations)
from papers.note_facts import NoteFacts, read_note_facts
from index.citation_cache import CitationCache
from index.note_facts_cache import NoteFactsCache
from index.planner import BuildPlan

_NOTE_SUFFIXES = (".md", ".markdown", ".txt")
_LIST_HEADINGS = ("References", "REFERENCES", "Bibliography", "BIBLIOGRAPHY")
LIST_HEADING = "(?:" + "|".join(_LIST_HEADINGS) + r"|参\s?考\s?文\s?献)"
_HEADING_WORDS = (*_LIST_HEADINGS, "参")  # every LIST_HEADING match holds one: a plain substring test finds it


@dataclass
class FreshFacts:
    """What the catalog needs of the files a build reads now, taken as each is read: the build
    keeps no document after its passages are made, and parses no note a second time."""

    pdfs: dict[str, PdfPaperInfo] = field(default_factory=dict)  # `fresh_pdf_info`
    notes: dict[str, tuple[str, NoteFacts]] = field(default_factory=dict)  # `fresh_note_facts`


def pdf_infos(plan: BuildPlan, fresh: dict[str, PdfPaperInfo], previous: dict[str, dict]) -> dict[str, PdfPaperInfo]:
    """Paper info for every PDF in the library: `fresh` for files read now (`fresh_pdf_info`, as
    each was read), else from the manifest."""
    infos: dict[str, PdfPaperInfo] = {}
    for relative, path in plan.files.items():
        if not relative.lower().endswith(".pdf"):
            continue
        if relative in fresh:
            infos[relative] = fresh[relative]
        elif relative in previous and relative not in plan.to_read:
            stored = previous[relative]
            infos[relative] = PdfPaperInfo(**{**stored, "alt_titles": tuple(stored.get("alt_titles", ())),
                                              "authors": tuple(stored.get("authors", ()))})
        else:
            infos[relative] = pdf_paper_info(None, path)
    return infos


def fresh_pdf_info(relative: str, path: Path, document: Document | None, head: PdfHead | None) -> PdfPaperInfo | None:
    """A PDF's paper info from its reading, taken as each file is read so that the build holds no
    document (its text) after its passages are made: from the document, or from the page 1 kept of
    a PDF without text; None for other files."""
    if not relative.lower().endswith(".pdf") or (document is None and head is None):
        return None
    return pdf_paper_info(document, path) if document is not None else pdf_paper_info(None, path, head=head)


def note_facts(plan: BuildPlan, cache: NoteFactsCache | None = None,
               fresh: dict[str, tuple[str, NoteFacts]] | None = None) -> dict[str, NoteFacts]:
    """Every readable note's facts: from `cache` for a note whose bytes are those it was read from,
    else from `fresh` (path -> (sha256, facts) of the notes the build read for their passages),
    else read now; the cache is left holding exactly this library's notes. A note that cannot be
    read is left out (the build's skip list says why)."""
    kept = cache.load() if cache is not None else {}
    fresh = fresh or {}
    found: dict[str, tuple[str, NoteFacts]] = {}
    for relative, path in plan.files.items():
        if not relative.lower().endswith(_NOTE_SUFFIXES):
            continue
        if relative in kept and kept[relative][0] == plan.hashes.get(relative):
            found[relative] = kept[relative]
            continue
        note = fresh[relative] if relative in fresh else _read_note(path, relative)
        if note is not None:
            found[relative] = note
    if cache is not None and (found.keys() != kept.keys() or any(found[path] is not kept[path] for path in found)):
        cache.save(found)  # only when a note was read, or is gone
    return {relative: facts for relative, (_, facts) in found.items()}


def fresh_note_facts(document: Document, path: Path, relative: str) -> tuple[str, NoteFacts] | None:
    """A library note's facts, with the SHA-256 of the bytes they come from, taken as the build
    reads the note for its passages: its entries' first lines are where its passages must break,
    and the catalog takes them as they are (`note_facts`), so a changed note is parsed once. None
    for other files and for a note built from a database (Zotero), which has no list entries."""
    if document.kind != "note" or not relative.lower().endswith(_NOTE_SUFFIXES):
        return None
    return _read_note(path, relative)


def _read_note(path: Path, relative: str) -> tuple[str, NoteFacts] | None:
    """(sha256 of the note's bytes, its facts); None when it cannot be read."""
    try:
        data = read_note_bytes(path, relative)
        text = decode_text_file(data, relative)
    except (OSError, UnreadableFileError):
        return None
    return hashlib.sha256(data).hexdigest(), read_note_facts(text, relative)


def entry_starts(note: tuple[str, NoteFacts] | None) -> frozenset[int]:
    """The first line of every paper entry of a note (`fresh_note_facts`): where its passages must
    break, so that each passage is about one entry's paper (corpus/chunking.py)."""
    return frozenset(entry.line for entry in note[1].entries) if note is not None else frozenset()


def catalog_for(plan: BuildPlan, infos: dict[str, PdfPaperInfo], frame: pd.DataFrame | None = None,
                caches: Path | None = None, fresh_notes: dict[str, tuple[str, NoteFacts]] | None = None) -> Catalog:
    """The catalog, with citations inside the library when the build's passages (``frame``:
    every passage of the new index, kept and new) are given. `caches`: the index folder, whose
    note and citation caches spare the build the notes and reference lists that did not change;
    `fresh_notes`: the facts of the notes the build read (`fresh_note_facts`)."""
    notes = NoteFactsCache(caches) if caches is not None else None
    catalog = build_catalog(note_facts(plan, notes, fresh_notes), infos, other_files=plan.files.keys())
    catalog = join_zotero(catalog, plan.extra.papers) if plan.extra is not None else catalog
    if frame is None:
        return catalog
    citations = CitationCache(caches) if caches is not None else None
    catalog, memo = with_citations(catalog, reference_texts(frame), citations.load() if citations else None)
    if citations is not None:
        citations.save(memo)
    return catalog


def reference_texts(frame: pd.DataFrame) -> dict[str, list[str]]:
    """PDF path -> the texts of its reference-list passages, in reading order (papers.reading_order:
    a stored index does not keep its passages in order)."""
    references = frame["role"] == REFERENCES
    pages = set(zip(frame["path"][references], frame["page"][references]))
    # the passage holding the heading may be body (mostly the paper's last words), with the first entries
    heading = frame["text"].str.contains(LIST_HEADING, regex=True) & ~references
    on_pages = pd.Series([(path, page) in pages for path, page in zip(frame["path"], frame["page"])], index=frame.index)
    rows = frame[references | (heading & on_pages)]
    return {path: reading_order([(None if pd.isna(page) else int(page), text)
                                 for page, text in zip(group["page"].tolist(), group["text"].tolist())])
            for path, group in rows.groupby("path", sort=False)}


def reference_candidates(passages: pa.Table, keep: np.ndarray) -> pd.DataFrame:
    """The kept rows of a stored passages table that `reference_texts` can use (reference-list
    passages and any that may hold a list's heading), in their order, as a frame: an update
    gives these and its new rows to `catalog_for` instead of every passage of the library. The
    rows it leaves out cannot change `reference_texts`'s answer."""
    columns = ["path", "page", "role", "text"]
    if not passages.num_rows:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in columns}).astype({"page": "Int64"})
    # one pass of RE2 over the texts for any heading word (five substring passes took 1.7 s at 10,000 files)
    headings = pc.match_substring_regex(passages.column("text"), "|".join(map(re.escape, _HEADING_WORDS)))
    wanted = pc.or_(pc.equal(passages.column("role"), REFERENCES), headings)
    mask = wanted.to_numpy(zero_copy_only=False).astype(bool) & keep
    frame = passages.select(columns).filter(pa.array(mask)).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    return frame.astype({"page": "Int64"})


def infos_as_json(infos: dict[str, PdfPaperInfo]) -> dict[str, dict]:
    """Each PDF's info as the manifest keeps it (`dataclasses.asdict`'s form, made field by field)."""
    return {path: {**{name: getattr(info, name) for name in _INFO_FIELDS},
                   "alt_titles": list(info.alt_titles), "authors": list(info.authors)}
            for path, info in infos.items()}


_INFO_FIELDS = tuple(item.name for item in fields(PdfPaperInfo))

