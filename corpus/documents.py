"""The shapes that flow through the corpus stage.

A Document is one source file split into Sections (a PDF page, a Markdown heading section);
a Chunk is the unit that gets embedded and shown. Every chunk carries where it came from
(file, page or line, heading path) so a result can point the reader back to the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from corpus.pdf_head import PdfHead

Kind = Literal["pdf", "note", "annotation"]  # "annotation": a reader's own highlight or comment


@dataclass(frozen=True)
class Section:
    """A contiguous piece of a document with one location: a PDF page or a note section."""

    text: str
    page: int | None = None
    heading_path: tuple[str, ...] = ()
    start_line: int | None = None


@dataclass(frozen=True)
class Document:
    path: str  # relative to the library root, with forward slashes
    kind: Kind
    title: str
    sections: tuple[Section, ...]
    warnings: tuple[str, ...] = ()
    # The reader's own marks stored in a PDF (corpus/annotation_passages.py), one section each: passages
    # of kind "annotation" under the PDF's own path, so they lead back to its page.
    marks: tuple[Section, ...] = ()
    # A PDF's metadata and laid-out page 1, kept so the paper catalog need not reopen the file.
    pdf_head: PdfHead | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Chunk:
    """One passage. `text` is what the reader sees; `embed_text` is what the model sees."""

    chunk_id: str
    path: str
    kind: Kind
    title: str
    text: str
    embed_text: str
    page: int | None = None
    heading: str | None = None
    start_line: int | None = None
    links: tuple[str, ...] = field(default=())
    role: str = "body"  # "references" for a PDF's reference list (corpus/bibliography.py)
