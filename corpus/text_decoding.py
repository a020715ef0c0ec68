"""Turn a note's bytes into text, or say plainly why not."""

from __future__ import annotations

from corpus.errors import UnreadableFileError


def decode_text_file(data: bytes, path: str) -> str:
    """Decode UTF-8 (with or without BOM). Binary or non-UTF-8 files raise UnreadableFileError."""
    if not data:
        raise UnreadableFileError(path, "empty file (0 bytes)")
    if b"\x00" in data[:8192]:
        raise UnreadableFileError(path, "looks like a binary file, not text (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFileError(
            path,
            f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "re-save the file as UTF-8 to index it",
        ) from None
    if not text.strip():
        raise UnreadableFileError(path, "no text (file is blank)")
    return text
