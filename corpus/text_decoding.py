"""Turn a note's bytes into text, or say plainly why not."""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import UnreadableFileError
from corpus.legacy_chinese import ENCODING_NAMES, decode_legacy_chinese

# A note larger than this is almost certainly not a note (a log, a dump, a whole book in one
# file): at about 40 KB of text per second of embedding on two cores, 10 MB is already ~4 minutes.
MAX_NOTE_BYTES = 10 * 1024 * 1024

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class NoteText:
    """A note's text and the encoding it was read in ("utf-8", "utf-16", "gb18030", "big5")."""

    text: str
    encoding: str

    @property
    def notice(self) -> str | None:
        """What the build's warnings say about a note that was not Unicode: the encoding was
        detected, so the reader should know which one was taken (and may re-save the note)."""
        name = ENCODING_NAMES.get(self.encoding)
        return f"not UTF-8: read as {name} (detected); re-save it as UTF-8 to be sure" if name else None


def read_text_file(path: Path, relative: str) -> str:
    """A note's text; its size is checked before anything is read."""
    return read_note_text(path, relative).text


def read_note_text(path: Path, relative: str) -> NoteText:
    """A note's text and encoding; its size is checked before anything is read."""
    return decode_note(read_note_bytes(path, relative), relative)


def read_note_bytes(path: Path, relative: str) -> bytes:
    """A note's bytes, once its size is checked (decode them with `decode_text_file`)."""
    size = path.stat().st_size
    if size > MAX_NOTE_BYTES:
        raise UnreadableFileError(relative, _too_big(size))
    return path.read_bytes()


def decode_text_file(data: bytes, path: str) -> str:
    """The text of a note's bytes (see decode_note)."""
    return decode_note(data, path).text


def decode_note(data: bytes, path: str) -> NoteText:
    """Decode UTF-8 (with or without BOM), UTF-16 with a BOM (Windows Notepad's "Unicode"), or
    Chinese in GB18030/GBK or Big5 when the bytes say unambiguously which (corpus.legacy_chinese).
    Binary, oversized or otherwise undecodable files raise UnreadableFileError."""
    if not data:
        raise UnreadableFileError(path, "empty file (0 bytes)")
    if len(data) > MAX_NOTE_BYTES:
        raise UnreadableFileError(path, _too_big(len(data)))
    if data.startswith(_UTF16_BOMS):
        text = utf16_text(data)
        if text is None:
            raise UnreadableFileError(path, "starts like UTF-16 but is not valid UTF-16; re-save it as UTF-8")
        return NoteText(_checked(text, path), "utf-16")
    if b"\x00" in data[:8192]:
        raise UnreadableFileError(path, "looks like a binary file, not text (contains NUL bytes)")
    try:
        return NoteText(_checked(data.decode("utf-8-sig"), path), "utf-8")
    except UnicodeDecodeError as error:
        bad_byte = f"byte 0x{data[error.start]:02x} at offset {error.start}"
    legacy = decode_legacy_chinese(data)
    if legacy.text is None:
        raise UnreadableFileError(
            path, f"not valid UTF-8 ({bad_byte}); {legacy.problem}; re-save the file as UTF-8 to index it"
        )
    return NoteText(_checked(legacy.text, path), legacy.encoding)


def _too_big(size: int) -> str:
    return (f"note is {size / 1024 / 1024:.1f} MB, over the {MAX_NOTE_BYTES // 1024 // 1024} MB limit for one note; "
            "split it into smaller notes to index it")


def utf16_text(data: bytes) -> str | None:
    """The text of UTF-16 bytes with a BOM (Windows Notepad's "Unicode"), None if they are not that."""
    if not data.startswith(_UTF16_BOMS):
        return None
    try:
        return data.decode("utf-16")  # the BOM picks the byte order and is dropped
    except UnicodeDecodeError:
        return None


_SAMPLE_CHARS = 8192
_ODD_CATEGORIES = frozenset({"Cc", "Cn", "Co", "Cs"})  # control, unassigned, private use, surrogate


def _checked(text: str, path: str) -> str:
    """Decoded is not yet text: bytes that merely start like a BOM (FF FE 00 00 is UTF-32's) decode
    as UTF-16 into NULs and unassigned code points, which would be indexed as garbage."""
    if not text.strip():
        raise UnreadableFileError(path, "no text (file is blank)")
    sample = text[:_SAMPLE_CHARS]
    odd = sum(1 for char in sample if unicodedata.category(char) in _ODD_CATEGORIES and char not in "\t\n\r\f\v")
    if "\x00" in sample or odd > max(2, len(sample) // 10):
        raise UnreadableFileError(path, "looks like a binary file, not text (control or unassigned characters)")
    return text
