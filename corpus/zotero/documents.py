"""A Zotero library's documents for a build: its PDFs (read by the ordinary PDF reader, pages and
preview included), its child notes (HTML, as notes with headings) and its annotations (one
passage each, kind ``annotation``: the highlighted text, the comment, the page, the colour).

Every name gets a content hash: the PDF's bytes, or the fields a note or annotation is built
from. An incremental build therefore re-reads one changed annotation without touching its PDF,
and an item that left the library (deleted, trashed) leaves the index with all its names.
"""

from __future__ import annotations

import hashlib
import json

from corpus.annotation_passages import annotation_section
from corpus.documents import Document
from corpus.markdown_reader import markdown_document
from corpus.sources import ExtraSources
from corpus.zotero.data_dir import DATABASE
from corpus.zotero.html_text import note_text
from corpus.zotero.names import annotation_name, attachment_name, note_name
from corpus.zotero.reader import ZoteroLibraryData
from corpus.zotero.records import ZoteroAnnotation, ZoteroItem
from disk import file_sha256

# part of every built document's hash: a change here re-reads them (2: a colour off Zotero's palette
# takes the nearest palette name, as marks inside PDFs do)
DOCUMENT_FORMAT = "zotero-documents-2"


def zotero_sources(data: ZoteroLibraryData) -> ExtraSources:
    """Every readable PDF, note and annotation of the library, with their hashes; attachments
    that cannot be read (missing, not a PDF) as problems."""
    files, documents, hashes, problems = {}, {}, {}, {}
    for item in data.items:
        for attachment in item.attachments:
            name = attachment_name(item, attachment)
            if attachment.problem:
                problems[name] = attachment.problem
            else:
                try:
                    hashes[name] = file_sha256(attachment.file)
                    files[name] = attachment.file
                except OSError as error:
                    problems[name] = f"the attachment's file cannot be read ({error.strerror or error})"
            for annotation in attachment.annotations:
                _add(documents, hashes, annotation_name(item, attachment, annotation), annotation_document(
                    annotation_name(item, attachment, annotation), item, annotation))
        for note in item.notes:
            name = note_name(item, note)
            _add(documents, hashes, name, markdown_document(note_text(note.html), name, title=item.title))
    return ExtraSources(origin=data.data_dir / DATABASE, files=files, documents=documents, hashes=hashes,
                        problems=problems, papers=data.items)


def annotation_document(name: str, item: ZoteroItem, annotation: ZoteroAnnotation) -> Document:
    """One passage in the shape every reader's mark takes (corpus/annotation_passages.py): the
    highlighted text, then the comment, under "your highlight (yellow)"."""
    section = annotation_section(annotation.kind, annotation.text, annotation.comment, annotation.color,
                                 annotation.page)
    return Document(path=name, kind="annotation", title=item.title, sections=(section,) if section else ())


def _add(documents: dict[str, Document], hashes: dict[str, str], name: str, document: Document) -> None:
    documents[name] = document
    content = json.dumps([DOCUMENT_FORMAT, document.title, document.kind,
                          [[s.text, s.page, list(s.heading_path), s.start_line] for s in document.sections]],
                         ensure_ascii=False)
    hashes[name] = hashlib.sha256(content.encode("utf-8")).hexdigest()
