"""The head of a PDF as laid out: its metadata and page 1 as lines with font sizes.

A Document keeps page text without line breaks or font sizes, but telling a paper's title from
its authors needs both. These are facts about the file, read with pypdf when a build reads the
PDF (``corpus.pdf_text``; the page text itself comes from pdfium), so the paper catalog need
not open it again. What paper the head describes is ``papers``' business.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

from corpus.pdf_clean import clean_line

_HEAD_LINES = 400  # lines of page 1 kept in a PdfHead (the arXiv stamp often comes last)


@dataclass(frozen=True)
class HeadLine:
    text: str
    size: float | None  # the largest effective font size on the line, in points


@dataclass(frozen=True)
class PdfHead:
    """What a Document does not keep: the metadata and page 1 as laid-out lines."""

    metadata: dict[str, str] = field(default_factory=dict)
    lines: tuple[HeadLine, ...] = ()


def read_pdf_head(path: str | Path) -> PdfHead | None:
    """Metadata and page 1's lines with font sizes; None when pypdf cannot open the file.

    Opens the file: for callers outside a build. A build gets the head from ``read_pdf``
    (``Document.pdf_head``, or ``UnreadableFileError.pdf_head`` for a scanned PDF).
    """
    from pypdf import PdfReader  # third-party, only needed here

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:  # noqa: BLE001 — any failure: no head
                return None
        return head_from_reader(reader)
    except Exception:  # noqa: BLE001 — pypdf raises many types on damaged files
        return None


def head_from_reader(reader) -> PdfHead:
    """The PdfHead of an open ``pypdf.PdfReader`` (page 1 extracted once, with a font visitor)."""
    return head_and_first_page_text(reader)[0]


def head_and_first_page_text(reader) -> tuple[PdfHead, str, Exception | None]:
    """The PdfHead and page 1's plain text from one extraction of page 1.

    The text is exactly what ``reader.pages[0].extract_text()`` returns, so a reader that needs
    both (``corpus.pdf_reader``) pays for page 1 once. A page 1 that cannot be extracted gives
    a metadata-only head, empty text and the error (so the reader can report it).
    """
    metadata: dict[str, str] = {}
    try:
        for key, value in (reader.metadata or {}).items():
            text = str(value or "").strip()
            if text:
                metadata[str(key)] = text
    except Exception:  # noqa: BLE001
        metadata = {}
    lines: list[HeadLine] = []
    text = ""
    error = None
    try:
        if len(reader.pages):
            text, lines = _page_lines(reader.pages[0])
    except Exception as failure:  # noqa: BLE001 — a damaged first page: metadata only
        lines, error = [], failure
    return PdfHead(metadata=metadata, lines=tuple(lines[:_HEAD_LINES])), text or "", error


def _page_lines(page) -> tuple[str, list[HeadLine]]:
    pieces: list[tuple[str, float | None]] = []

    def visit(text, cm, tm, font_dict, font_size):  # noqa: ARG001 — pypdf's visitor signature
        size = None
        if text.strip() and font_size:
            # effective size: font size × vertical scale of text matrix × current matrix
            b = tm[0] * cm[1] + tm[1] * cm[3]
            d = tm[2] * cm[1] + tm[3] * cm[3]
            c = tm[2] * cm[0] + tm[3] * cm[2]
            scale = math.hypot(c, d) or math.hypot(tm[0] * cm[0] + tm[1] * cm[2], b)
            size = round(float(font_size) * scale, 1)
        pieces.append((text, size))

    page_text = page.extract_text(visitor_text=visit)
    lines: list[HeadLine] = []
    current, size = "", None
    for text, piece_size in pieces:
        parts = text.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append(HeadLine(current, size))
                current, size = "", None
            current += part
            if piece_size and part.strip():
                size = max(size or 0.0, piece_size)
    lines.append(HeadLine(current, size))
    cleaned = []
    for line in lines:
        text = clean_line(line.text)
        if text:
            cleaned.append(HeadLine(text, line.size))
    return page_text, cleaned
