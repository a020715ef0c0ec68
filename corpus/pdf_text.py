"""A PDF's raw page text, as a stream of events: pdfium for the pages, pypdf for the rest.

pdfium (``pypdfium2``) extracts page text about ten times faster than pypdf, with the same
words, reading order and Chinese text on our papers (``bench/speed/bench_pdf_text.py``). pypdf still
opens the file first: it decides whether a PDF is encrypted or corrupt (the reasons a build
reports), reads the metadata, and lays out page 1 with font sizes for the paper's title
(``corpus.pdf_head``). So each PDF is opened by both libraries. A file pdfium cannot open, or a
page it fails on, is read with pypdf instead.

``pdf_events`` runs inside the extraction worker (``corpus.pdf_worker``), which times every
event and skips a page that takes too long. Events are plain picklable tuples:

    ("head", PdfHead, metadata title or None)   pypdf opened the file (only when with_head)
    ("pages", count)                              the page count; pages follow in order
    ("scanned", number, ocr)                      page `number` is a scan (``corpus.ocr``); with
                                                  ocr True it is being recognised now, else it is
                                                  left unread (Tesseract is missing)
    ("note", number, warning)                     page `number` was read, but with a caveat (a
                                                  huge page recognised below ``corpus.ocr.DPI``)
    ("marks", number, (PdfMark, ...))             the reader's highlights and notes stored on page
                                                  `number` (``corpus.pdf_annotations``), before it
    ("page", number, raw text, warning or None)   one page ("" and a warning when it failed)
    ("unreadable", reason)                        the file cannot be read; nothing follows
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError, PdfStreamError

from corpus.ocr import PAGE_TIME_LIMIT as OCR_TIME_LIMIT
from corpus.ocr import OcrError, Tesseract, capped_note, is_scanned, ocr_page, ocr_render_size
from corpus.pdf_annotations import MAX_MARKS_PER_FILE, PdfMark, page_marks
from corpus.pdf_head import PdfHead, head_and_first_page_text

_JUNK_TITLE = re.compile(r"^(untitled|microsoft word|document\d*|.*\.(docx?|tex|dvi|pdf))", re.I)
ENCRYPTED = "encrypted PDF; remove the password to index it"


class _Unreadable(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def pdf_events(
    path: Path, *, with_head: bool = True, start_page: int = 1, ocr: Tesseract | None = None,
    ocr_timeout: float = OCR_TIME_LIMIT,
) -> Iterator[tuple]:
    """Read one PDF; ``with_head=False`` skips pypdf's page-1 layout, ``start_page`` the pages
    before it (the worker resumes a file this way after a page that hung). Scanned pages are
    recognised with `ocr` (each within `ocr_timeout` seconds) when it is given."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns on every odd xref
    reader: PdfReader | None = None
    document: pdfium.PdfDocument | None = None
    try:
        if with_head:
            reader = _open_pypdf(path)
            head = head_and_first_page_text(reader)[0]
            yield ("head", head, _metadata_title(reader))
        try:
            document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:  # damaged beyond pdfium, or a password pypdf got past
            document = None
        if document is None and reader is None:
            reader = _open_pypdf(path)
        count = len(document) if document is not None else _pypdf_count(reader)
        if not count:
            raise _Unreadable("PDF has no pages")
        yield ("pages", count)
        room = MAX_MARKS_PER_FILE
        for number in range(start_page, count + 1):
            text, warning, marks = "", None, []
            try:
                if document is None:
                    raise _NoPdfium
                text = pdfium_page_text(document, number - 1, marks, room)
            except Exception:  # noqa: BLE001 — pdfium failed on this page: pypdf's turn
                try:
                    reader = reader or _open_pypdf(path)
                    text = reader.pages[number - 1].extract_text() or ""
                except Exception as error:  # noqa: BLE001 — pypdf raises many types on damaged pages
                    warning = f"page {number}: text could not be extracted ({type(error).__name__}: {error})"
            if document is not None and warning is None:
                text, warning = yield from _scanned_page(document, number, text, ocr, ocr_timeout)
            if marks:
                room -= len(marks)
                yield ("marks", number, tuple(marks))
            yield ("page", number, text, warning)
    except _Unreadable as error:
        yield ("unreadable", error.reason)
    finally:
        if document is not None:
            document.close()


class _NoPdfium(Exception):
    pass


def _scanned_page(
    document: pdfium.PdfDocument, number: int, text: str, ocr: Tesseract | None, timeout: float
) -> Iterator[tuple]:
    """For a scanned page, announce it and return (OCR text, None) or (text, warning); any other
    page's (text, None) passes through. A generator so the announcement comes before the work."""
    page = document[number - 1]
    try:
        if not is_scanned(page, text):
            return text, None
        yield ("scanned", number, ocr is not None)
        if ocr is None:
            return text, None
        size = ocr_render_size(page)
        note = capped_note(number, size)
        if note:
            yield ("note", number, note)
        try:
            return ocr_page(page, ocr, timeout, size), None
        except OcrError as error:
            return text, f"page {number}: skipped, {error}"
    finally:
        page.close()


def pdfium_page_text(document: pdfium.PdfDocument, index: int, marks: list[PdfMark] | None = None,
                     room: int = MAX_MARKS_PER_FILE) -> str:
    """One page's text as pdfium lays it out (lines end in CRLF; a word hyphenated across a
    line end comes joined, marked with U+0002, which ``corpus.pdf_clean`` handles). With `marks`,
    the page's own highlights and notes (at most `room`) are added to it, read in the same load."""
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            if marks is not None:
                marks.extend(page_marks(page, textpage, index + 1, room))
            return textpage.get_text_bounded()  # full Unicode; get_text_range is UCS-2 only
        finally:
            textpage.close()
    finally:
        page.close()


def pdf_open_problem(data: bytes) -> str | None:
    """Why a build could not open these bytes as a PDF (opened as ``pdf_events`` opens a file:
    pypdf, then the page count), or None. For checking an upload by what the readers accept."""
    try:
        reader = _open_pypdf(io.BytesIO(data))
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            count = _pypdf_count(reader)
        else:
            count = len(document)
            document.close()
    except _Unreadable as error:
        return error.reason
    except Exception as error:  # noqa: BLE001 — the build skips such a file with this error too
        return f"unexpected error while reading ({type(error).__name__}: {error})"
    return None if count else "PDF has no pages"


def _open_pypdf(path: Path | io.BytesIO) -> PdfReader:
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not _open_without_password(reader):
            raise _Unreadable(ENCRYPTED)
        return reader
    except _Unreadable:
        raise
    except Exception as error:  # noqa: BLE001
        raise _Unreadable(_pypdf_reason(error)) from None


def _pypdf_count(reader: PdfReader) -> int:
    try:
        return len(reader.pages)
    except Exception as error:  # noqa: BLE001
        raise _Unreadable(_pypdf_reason(error)) from None


def _pypdf_reason(error: Exception) -> str:
    if isinstance(error, OSError):
        return f"cannot read file ({error.strerror or error})"
    if isinstance(error, DependencyError):  # e.g. AES without the `cryptography` package
        return f"needs a missing package to open ({error})"
    if isinstance(error, LimitReachedError):
        return f"too large to decompress safely ({error})"
    if isinstance(error, (PdfReadError, PdfStreamError, FileNotDecryptedError, ValueError, KeyError, TypeError)):
        return f"corrupt or truncated PDF ({error})"
    raise error


def _open_without_password(reader: PdfReader) -> bool:
    """Many PDFs are 'encrypted' with an empty user password only to restrict printing."""
    try:
        return bool(reader.decrypt(""))
    except (FileNotDecryptedError, NotImplementedError, PdfReadError):
        return False


def _metadata_title(reader: PdfReader) -> str | None:
    try:
        title = (reader.metadata or {}).get("/Title")
    except (PdfReadError, ValueError, TypeError):
        return None
    title = str(title or "").strip()
    if len(title) < 4 or _JUNK_TITLE.match(title):
        return None
    return title


__all__ = ["ENCRYPTED", "PdfHead", "pdf_events", "pdf_open_problem", "pdfium_page_text"]
