"""Read a note saved in a pre-Unicode Chinese encoding — GB18030/GBK (mainland Windows' "ANSI")
or Big5 (Taiwan, Hong Kong) — or say why not, never guess.

The two encodings overlap: almost any Big5 file is also valid GBK, and many GBK files are valid
Big5, so "it decodes" proves nothing. What tells them apart is the characters: text decoded with
its own encoding is made of the common characters (GB2312's level 1, Big5's level 1 — together
about 7,000 that cover over 99% of running text), while the wrong one gives rare characters, kana
and box drawing. A decoding is taken only when it is plausible and the other one is not; when both
are (a note with two Chinese words in it), the note is refused as ambiguous rather than indexed as
mojibake nobody would ever find.

charset-normalizer (installed with requests) was tried first, restricted to these two encodings: on
notes with a few Chinese characters it chose Big5 for GBK bytes (30 of 31 two-character notes), so
it cannot decide alone, and with this rule it has nothing left to add.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Python's codec names, and the names a reader knows them by.
GB18030 = "gb18030"  # a superset of GBK and GB2312: any GBK file decodes the same with it
BIG5 = "big5"
ENCODING_NAMES = {GB18030: "GB18030/GBK", BIG5: "Big5"}

# A decoding is plausible when at least this share of its Chinese characters (and of the other
# characters no Chinese text has: kana, Hangul, private use, ...) are common ones.
_PLAUSIBLE = 0.9
# Broken UTF-8 — a UTF-8 note with a stray byte — also decodes as GB18030, into mojibake. When at
# most this share of its non-ASCII characters are UTF-8 errors, the note is UTF-8 and stays refused.
_BROKEN_UTF8 = 0.1


def _level_one(encoding: str, leads: range, trails: range) -> frozenset[str]:
    chars = set()
    for lead in leads:
        for trail in trails:
            try:
                chars.add(bytes((lead, trail)).decode(encoding))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


# GB2312 level 1: rows 0xB0-0xD7 (3,755 characters by frequency); Big5 level 1: 0xA440-0xC67E
# (5,401 "常用字"). Traditional text saved as GBK is judged by the second, simplified by the first.
_COMMON_HAN = _level_one("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF)) | (
    _level_one("big5", range(0xA4, 0xC6), range(0x40, 0xFF)) | _level_one("big5", range(0xC6, 0xC7), range(0x40, 0x7F))
)

# Punctuation and symbols both encodings carry and Chinese notes use (full-width forms, 《》,
# ①, ×, Greek letters, arrows, box drawing): no evidence either way.
_NEUTRAL_RANGES = (
    (0x00A0, 0x00FF), (0x0391, 0x03C9), (0x2010, 0x206F), (0x2100, 0x22FF), (0x2460, 0x24FF),
    (0x2500, 0x25FF), (0x2600, 0x26FF), (0x3000, 0x303F), (0xFE30, 0xFE4F), (0xFF01, 0xFFEF),
)


@dataclass(frozen=True)
class LegacyDecoding:
    """The outcome: ``text`` and ``encoding`` when one encoding reads the bytes as Chinese text,
    else ``problem``, a reason fit for the skip list."""

    text: str | None = None
    encoding: str | None = None
    problem: str | None = None


def decode_legacy_chinese(data: bytes) -> LegacyDecoding:
    """GB18030/GBK or Big5 bytes as text, when exactly one of the two reads as Chinese."""
    if _is_broken_utf8(data):
        return LegacyDecoding(problem="the rest of it is UTF-8, so a byte is damaged (not another encoding)")
    plausible = {}
    for encoding in (GB18030, BIG5):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _is_plausible(text):
            plausible[encoding] = text
    if len(plausible) == 1:
        ((encoding, text),) = plausible.items()
        return LegacyDecoding(text=text, encoding=encoding)
    if plausible:
        return LegacyDecoding(problem="could be GBK or Big5 (too little Chinese text to tell which)")
    return LegacyDecoding(problem="not GBK or Big5 Chinese text either")


def _is_plausible(text: str) -> bool:
    common = counted = 0
    for char in text:
        if char.isascii() or _is_neutral(char):
            continue
        counted += 1
        common += char in _COMMON_HAN
    return common > 0 and common >= _PLAUSIBLE * counted


def _is_neutral(char: str) -> bool:
    point = ord(char)
    if any(low <= point <= high for low, high in _NEUTRAL_RANGES):
        return unicodedata.category(char) not in {"Cn", "Co"}
    return False


def _is_broken_utf8(data: bytes) -> bool:
    text = data.decode("utf-8", errors="replace")
    errors = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    non_ascii = sum(1 for char in text if not char.isascii())
    return non_ascii > 0 and errors <= _BROKEN_UTF8 * non_ascii
