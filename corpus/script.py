"""Which writing system a text is in: "cjk" (Chinese, Japanese, Korean) or "latin" (the rest).

Scripts, not languages: no detector to ship, and English terms inside a Chinese note do not
make it English. Fusion uses it to know which passages BM25 cannot match for a query.
"""

from __future__ import annotations

import re

from corpus.syntax import CJK_LETTER

_LATIN_WORD = re.compile(r"[A-Za-z]+")


def script_of(text: str) -> str:
    """'cjk' when CJK characters outnumber Latin words (a CJK character carries about a word)."""
    return "cjk" if len(CJK_LETTER.findall(text)) >= max(1, len(_LATIN_WORD.findall(text))) else "latin"
