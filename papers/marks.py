"""The researcher's own marks on papers: read / unread / to-read and tags, laid over the catalog.

A catalog is rebuilt from the files at every build, so marks cannot live in it: they live in a
plain JSON file of their own (library/marks.py reads and writes it) and are applied to whatever
catalog is current, at load time. They are keyed by what names a paper whatever the build —
``arxiv:<id>``, else ``doi:<doi>``, else ``title:<title key>`` — never by a row, a build or a
path, so a full rebuild, an index rebuilt after damage and a moved library all find them again.
A mark is found by any identity the paper has now (a paper that later gains an arXiv id keeps the
mark written under its title).

Reading status, strongest first (``read_source`` says which decided):
``marked`` (the marks file) > ``note`` (the paper has its own reading note: counted as read) >
``list`` (a ``- [x]`` / ``- [ ]`` in a paper list). A paper list's ``[ ]`` is often a to-do written
before the note, so the note wins over it; only an explicit mark overrides the note.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Iterable

from papers.records import Catalog, PaperRecord
from papers.titles import title_key

READINGS = ("read", "unread", "to-read")
MARKS_VERSION = 1
_ABOUT = ("Papersearch's marks on your papers (read / unread / to-read, and tags). Plain JSON: back it up, edit "
          "it by hand if you like. Keys name a paper whatever the build: arxiv:<id>, doi:<doi> or title:<title "
          "in lower case without spaces or punctuation>; 'title' is only for you to read.")


class MarksFormatError(ValueError):
    """The marks file is not what Papersearch writes (bad JSON, an unknown reading, ...)."""


@dataclass(frozen=True)
class Mark:
    reading: str | None = None  # one of READINGS, or None: only tags are set
    tags: tuple[str, ...] = ()
    title: str = ""  # the paper's title when it was marked, for the person reading the file
    updated: str = ""  # ISO date-time of the last change

    def is_empty(self) -> bool:
        return self.reading is None and not self.tags


def identities(record: PaperRecord) -> list[str]:
    """Every key that names this paper, the most stable first: its arXiv id, its DOIs, its titles."""
    from papers.zotero_join import doi_in  # one rule for DOIs in links

    keys = [f"arxiv:{record.arxiv.casefold()}"] if record.arxiv else []
    keys += [f"doi:{doi}" for urls in record.links.values() for url in urls if (doi := doi_in(url))]
    keys += [f"title:{key}" for title in (record.title, *record.titles) if (key := title_key(title))]
    return list(dict.fromkeys(keys))


class Marks:
    """Marks by paper identity; immutable: every change returns a new Marks."""

    def __init__(self, marks: dict[str, Mark] | None = None):
        self.by_key: dict[str, Mark] = dict(marks or {})

    def __len__(self) -> int:
        return len(self.by_key)

    def for_paper(self, record: PaperRecord) -> tuple[str, Mark] | None:
        """The mark under the first of the paper's identities that has one."""
        if not self.by_key:
            return None
        for key in identities(record):
            if key in self.by_key:
                return key, self.by_key[key]
        return None

    def changed(self, record: PaperRecord, *, reading: str | None = None, add_tags: Iterable[str] = (),
                remove_tags: Iterable[str] = (), now: str = "") -> "Marks":
        """These marks with one paper's mark changed; the mark moves to the paper's most stable
        key (an arXiv id found since it was marked), and a mark left empty is dropped."""
        if reading is not None and reading not in READINGS:
            raise MarksFormatError(f"Unknown reading status {reading!r}; use one of {', '.join(READINGS)}.")
        found = self.for_paper(record)
        old = found[1] if found else Mark()
        removing = {_tag_key(tag) for tag in remove_tags}
        tags = [tag for tag in old.tags if _tag_key(tag) not in removing]
        for tag in add_tags:
            tag = " ".join(tag.split())
            if tag and _tag_key(tag) not in {_tag_key(t) for t in tags}:
                tags.append(tag)
        mark = Mark(reading or old.reading, tuple(tags), record.title, now or old.updated)
        marks = {key: value for key, value in self.by_key.items() if key not in identities(record)}
        if not mark.is_empty():
            marks[identities(record)[0]] = mark
        return Marks(marks)

    def to_json(self) -> str:
        papers = {}
        for key, mark in sorted(self.by_key.items()):
            entry: dict = {"title": mark.title}
            if mark.reading:
                entry["reading"] = mark.reading
            if mark.tags:
                entry["tags"] = list(mark.tags)
            if mark.updated:
                entry["updated"] = mark.updated
            papers[key] = entry
        return json.dumps({"about": _ABOUT, "version": MARKS_VERSION, "papers": papers}, ensure_ascii=False,
                          indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Marks":
        """Read a marks file; a hand edit that broke it is a MarksFormatError saying where."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise MarksFormatError(f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
        if not isinstance(data, dict) or not isinstance(data.get("papers", {}), dict):
            raise MarksFormatError("does not hold a \"papers\" object")
        marks = {}
        for key, entry in data.get("papers", {}).items():
            if not isinstance(entry, dict):
                raise MarksFormatError(f"has an entry {key!r} that is not an object")
            reading = entry.get("reading")
            if reading is not None and reading not in READINGS:
                raise MarksFormatError(f"marks {key!r} as {reading!r}; use one of {', '.join(READINGS)}")
            tags = entry.get("tags", [])
            if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
                raise MarksFormatError(f"has tags of {key!r} that are not a list of words")
            marks[str(key)] = Mark(reading, tuple(tags), str(entry.get("title", "")), str(entry.get("updated", "")))
        return cls(marks)


def reading_of(record: PaperRecord, mark: Mark | None) -> tuple[str | None, str | None]:
    """(reading status, what decided it): the mark, else an own reading note, else the list's box."""
    if mark is not None and mark.reading:
        return mark.reading, "marked"
    if record.notes:
        return "read", "note"
    if record.read is not None:
        return ("read" if record.read else "unread"), "list"
    return None, None


def apply_marks(catalog: Catalog, marks: Marks) -> Catalog:
    """The catalog as the researcher sees it: every paper's reading status decided (see the module
    docstring) and its marked tags added to its Zotero tags. Files, entries and links are kept."""
    papers = []
    for record in catalog.papers:
        found = marks.for_paper(record)
        mark = found[1] if found else None
        reading, source = reading_of(record, mark)
        tags = record.tags
        if mark is not None and mark.tags:
            have = {_tag_key(tag) for tag in tags}
            tags = tags + tuple(tag for tag in mark.tags if _tag_key(tag) not in have)
        papers.append(replace(record, read=None if reading is None else reading == "read", reading=reading,
                              read_source=source, tags=tags, marked_tags=mark.tags if mark else ()))
    return replace(catalog, papers=papers, _by_id={p.paper_id: p for p in papers},
                   _citation_keys=catalog._citation_keys)


def _tag_key(tag: str) -> str:
    return " ".join(tag.split()).casefold()
