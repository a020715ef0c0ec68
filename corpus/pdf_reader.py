"""PDF files → a Document with one section per page (pypdf).

The file is opened once: page 1 is extracted together with its layout (``corpus.pdf_head``)
and that head rides along on the Document (or on the error, for a scanned PDF).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError, PdfStreamError

from corpus.documents import Document, Section
from corpus.errors import UnreadableFileError
from corpus.markdown_reader import title_from_filename
from corpus.pdf_clean import clean_pages
from corpus.pdf_head import PdfHead, head_and_first_page_text

_JUNK_TITLE = re.compile(r"^(untitled|microsoft word|document\d*|.*\.(docx?|tex|dvi|pdf))", re.I)


def read_pdf(path: Path, relative: str) -> Document:
    if path.stat().st_size == 0:
        raise UnreadableFileError(relative, "empty file (0 bytes)")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns on every odd xref
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not _open_without_password(reader):
            raise UnreadableFileError(relative, "encrypted PDF; remove the password to index it")
        raw_pages, warnings, head = _extract_pages(reader, relative)
        title = _metadata_title(reader) or title_from_filename(relative)
    except UnreadableFileError:
        raise
    except DependencyError as error:  # e.g. AES without the `cryptography` package
        raise UnreadableFileError(relative, f"needs a missing package to open ({error})") from None
    except LimitReachedError as error:
        raise UnreadableFileError(relative, f"too large to decompress safely ({error})") from None
    except (PdfReadError, PdfStreamError, FileNotDecryptedError, ValueError, KeyError, TypeError) as error:
        raise UnreadableFileError(relative, f"corrupt or truncated PDF ({error})") from None
    pages = clean_pages(raw_pages)
    sections = tuple(
        Section(text=text, page=number) for number, text in enumerate(pages, start=1) if text
    )
    if not sections and len(warnings) == len(raw_pages):
        raise UnreadableFileError(
            relative, f"text could not be extracted from any page ({warnings[0].split(': ', 1)[1]})", pdf_head=head
        )
    if not sections:
        raise UnreadableFileError(
            relative,
            "no text layer (scanned or image-only PDF); OCR it first to make it searchable",
            pdf_head=head,
        )
    return Document(
        path=relative, kind="pdf", title=title, sections=sections, warnings=warnings, pdf_head=head
    )


def _open_without_password(reader: PdfReader) -> bool:
    """Many PDFs are 'encrypted' with an empty user password only to restrict printing."""
    try:
        return bool(reader.decrypt(""))
    except (FileNotDecryptedError, NotImplementedError, PdfReadError):
        return False


def _extract_pages(reader: PdfReader, relative: str) -> tuple[list[str], tuple[str, ...], PdfHead]:
    """Text of every page and the PDF's head; a page that fails is left empty and reported,
    the rest still count. Page 1's text comes from the same extraction as the head."""
    head, first_text, first_error = head_and_first_page_text(reader)
    texts: list[str] = []
    warnings: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            if number == 1 and first_error is not None:
                raise first_error
            texts.append(first_text if number == 1 else (page.extract_text() or ""))
        except Exception as error:  # noqa: BLE001 — pypdf raises many types on damaged pages
            texts.append("")
            warnings.append(f"page {number}: text could not be extracted ({type(error).__name__}: {error})")
    if not reader.pages:
        raise UnreadableFileError(relative, "PDF has no pages")
    return texts, tuple(warnings), head


def _metadata_title(reader: PdfReader) -> str | None:
    try:
        title = (reader.metadata or {}).get("/Title")
    except (PdfReadError, ValueError, TypeError):
        return None
    title = str(title or "").strip()
    if len(title) < 4 or _JUNK_TITLE.match(title):
        return None
    return title
