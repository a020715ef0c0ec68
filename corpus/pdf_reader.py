"""PDF files → a Document with one section per page.

Page text comes from pdfium, metadata and page 1's layout (``Document.pdf_head``) from pypdf
(``corpus.pdf_text``), read in a worker process that skips any page taking longer than
``corpus.pdf_worker.PAGE_TIME_LIMIT`` (``corpus.pdf_worker``). A skipped or failed page is left
out and named in ``Document.warnings``; the rest of the file still counts.
"""

from __future__ import annotations

from pathlib import Path

from corpus.documents import Document, Section
from corpus.errors import UnreadableFileError
from corpus.markdown_reader import title_from_filename
from corpus.pdf_clean import clean_pages
from corpus.pdf_worker import extract_pdf


def read_pdf(path: Path, relative: str) -> Document:
    if path.stat().st_size == 0:
        raise UnreadableFileError(relative, "empty file (0 bytes)")
    extraction = extract_pdf(path, relative)
    head = extraction.head
    title = extraction.title or title_from_filename(relative)
    pages = clean_pages(extraction.pages)
    sections = tuple(
        Section(text=text, page=number) for number, text in enumerate(pages, start=1) if text
    )
    if not sections and extraction.failed_pages == len(pages):
        raise UnreadableFileError(
            relative,
            f"text could not be extracted from any page ({extraction.failures[0].split(': ', 1)[1]})",
            pdf_head=head,
        )
    if not sections:
        raise UnreadableFileError(
            relative,
            "no text layer (scanned or image-only PDF); OCR it first to make it searchable",
            pdf_head=head,
        )
    return Document(
        path=relative, kind="pdf", title=title, sections=sections, warnings=tuple(extraction.warnings), pdf_head=head
    )
