"""One reader per file type; this module only picks the right one."""

from __future__ import annotations

from pathlib import Path

from corpus.documents import Document
from corpus.errors import UnreadableFileError
from corpus.markdown_reader import read_markdown, read_plain_text
from corpus.pdf_reader import read_pdf

_READERS = {
    ".pdf": read_pdf,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".txt": read_plain_text,
}


def read_document(path: Path, relative: str) -> Document:
    """Read one library file. Raises UnreadableFileError with a reason a user can act on."""
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise UnreadableFileError(relative, f"unsupported file type {path.suffix!r}")
    try:
        return reader(path, relative)
    except OSError as error:
        raise UnreadableFileError(relative, f"cannot read file ({error.strerror or error})") from None
