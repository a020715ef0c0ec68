"""Sources of documents other than the library folder's own files (a Zotero library): what a
build needs of them, in one shape, so the planner and the builder treat them like files.

Each has a library-relative *name* (``zotero/user/ITEMKEY/...``), and a content hash that
changes when what it says changes, so incremental builds re-read only what changed. A name is
either a real file read by the usual readers (a Zotero attachment PDF in ``storage/``) or a
document built from a database (a note, an annotation), handed over whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from corpus.documents import Document
from corpus.readers import read_document


@dataclass(frozen=True)
class ExtraSources:
    origin: Path  # the file built documents come from (zotero.sqlite): their "path" on disk
    files: dict[str, Path] = field(default_factory=dict)  # name -> real file, read by its reader
    documents: dict[str, Document] = field(default_factory=dict)  # name -> document built already
    hashes: dict[str, str] = field(default_factory=dict)  # every name of files and documents -> content hash
    problems: dict[str, str] = field(default_factory=dict)  # name -> why it cannot be read now
    papers: tuple = ()  # the source's paper records (ZoteroItem), joined into the catalog

    def paths(self) -> dict[str, Path]:
        """Every name with the file on disk it comes from."""
        return {**self.files, **{name: self.origin for name in self.documents}}


def read_source(path: Path, relative: str, extra: ExtraSources | None) -> Document:
    """A file of the library through its reader, or a document an extra source built already."""
    if extra is not None and relative in extra.documents:
        return extra.documents[relative]
    return read_document(path, relative)
