"""Which writing system a text is in; lives in corpus/script.py so the index builder can store
each passage's script (search reads the stored column and never re-detects passages).

`query_language` tells a query that mixes Chinese and English words apart from one written in
one script: fusion weighs meaning and words differently for each (search/fusion.py)."""

from __future__ import annotations

import re

from corpus.script import script_of
from corpus.syntax import HAN

_HAN = re.compile(f"[{HAN}]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def query_language(text: str) -> str:
    """'mixed' (Chinese characters and English words), 'cjk' (Chinese only) or 'latin'."""
    han, latin = _HAN.search(text) is not None, _LATIN_WORD.search(text) is not None
    return "mixed" if han and latin else "cjk" if han else "latin"


__all__ = ["query_language", "script_of"]
