"""Why a file could not be read: one error type carrying a human reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corpus.pdf_head import PdfHead


class UnreadableFileError(Exception):
    """A library file that cannot be turned into a document; the build skips it and reports `reason`.

    ``pdf_head``: for a PDF that opened but has no text layer (scanned), its metadata and
    page 1, so the paper catalog can still use them without reopening the file.
    """

    def __init__(self, path: str, reason: str, pdf_head: PdfHead | None = None):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.pdf_head = pdf_head
