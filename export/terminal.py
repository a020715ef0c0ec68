"""Text from files, made safe to show on a terminal (and to write into exports).

A note or a PDF (its text, its metadata title) or a file's name is someone else's bytes: an
escape sequence in it would drive the user's terminal when printed — OSC 52 writes the clipboard,
OSC 8 hides a link, OSC 0 retitles the window, CSI 2J clears the screen — and bidi overrides make
a file name read differently from what it is. Every string from a file that the command line
prints goes through `terminal_safe`: C0 controls (except tab and newline), DEL, C1 controls and
the bidi embedding, override and isolate controls are removed. JSON keeps every character, as
JSON: `terminal_json` is json.dumps (which escapes C0 itself) with DEL, C1, bidi controls and the
line and paragraph separators escaped as \\uXXXX too, so ordinary text is byte-identical.
"""

from __future__ import annotations

import json
import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f{_BIDI}\u2028\u2029]")


def terminal_safe(text: str, keep: str = "") -> str:
    """`text` without the characters a terminal would obey instead of show (tab and newline stay,
    and those in `keep`)."""
    if keep:
        return _UNSAFE.sub(lambda match: match.group() if match.group() in keep else "", text)
    return _UNSAFE.sub("", text)


def terminal_json(data, **options) -> str:
    """json.dumps(data, ensure_ascii=False, **options) with every control character escaped."""
    text = json.dumps(data, ensure_ascii=False, **options)
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
