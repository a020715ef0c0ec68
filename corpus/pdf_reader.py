"""PDF files → a Document with one section per page.

Page text comes from pdfium, metadata and page 1's layout (``Document.pdf_head``) from pypdf
(``corpus.pdf_text``), read in a worker process that skips any page taking longer than
``corpus.pdf_worker.PAGE_TIME_LIMIT`` (``corpus.pdf_worker``). A skipped or failed page is left
out and named in ``Document.warnings``; the rest of the file still counts. Scanned pages are read
by OCR when Tesseract is installed (``corpus.ocr``), and named in the warnings either way: OCR
text may hold recognition errors, and pages left unread say how to read them (``OCR_MISSING``,
which is also how a later build knows to read the file again once Tesseract is there).
Highlights, underlines and notes that any reader stored in the PDF come with the pages
(``corpus.pdf_annotations``) and become the document's ``marks``: passages of kind annotation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pathlib import Path

from corpus.annotation_passages import annotation_section
from corpus.documents import Document, Section
from corpus.errors import UnreadableFileError
from corpus.markdown_reader import title_from_filename
from corpus.ocr import OCR_MISSING
from corpus.pdf_clean import clean_pages
from corpus.pdf_worker import extract_pdf

if TYPE_CHECKING:  # pypdfium2 is loaded by the reading itself, not by importing corpus
    from corpus.pdf_annotations import PdfMark


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
        if extraction.unread_scans:
            why = f"no text layer (scanned or image-only PDF); {OCR_MISSING}"
        elif extraction.ocr_pages:
            why = "no text layer, and OCR found no text on its scanned pages"
        else:
            why = "no text layer, and no scanned image on any page: nothing to read"
        raise UnreadableFileError(relative, why, pdf_head=head)
    warnings = list(extraction.warnings)
    if extraction.ocr_pages:
        warnings.append(f"{_pages(extraction.ocr_pages)}: scanned, text read by OCR (may hold recognition errors)")
    if extraction.unread_scans:
        warnings.append(f"{_pages(extraction.unread_scans)}: scanned, left out; {OCR_MISSING}")
    return Document(path=relative, kind="pdf", title=title, sections=sections, warnings=tuple(warnings), pdf_head=head,
                    marks=mark_sections(extraction.marks))


def mark_sections(marks: list[PdfMark]) -> tuple[Section, ...]:
    """The PDF's own highlights and notes as passages in the shape of Zotero's annotations."""
    sections = (annotation_section(mark.kind, mark.text, mark.comment, mark.colour, mark.page) for mark in marks)
    return tuple(section for section in sections if section is not None)


def pdf_open_problem(data: bytes) -> str | None:
    """Why a build could not open these bytes as a PDF, or None (``corpus.pdf_text``; imported
    here only when asked, so that importing corpus does not load pypdf)."""
    from corpus.pdf_text import pdf_open_problem as problem

    return problem(data)


def _pages(numbers: list[int]) -> str:
    """'page 3' or 'pages 1, 4, 7'."""
    return f"page {numbers[0]}" if len(numbers) == 1 else "pages " + ", ".join(map(str, numbers))
