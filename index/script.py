"""Which writing system a text is in: "cjk" (Chinese, Japanese, Korean) or "latin" (the rest).

Scripts, not languages: no detector to ship, and English terms inside a Chinese note do not
make it English. Fusion uses it to know which passages BM25 cannot match for a query.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


def script_of(text: str) -> str:
    """'cjk' when CJK characters outnumber Latin words (a CJK character carries about a word)."""
    return "cjk" if len(_CJK.findall(text)) >= max(1, len(_LATIN_WORD.findall(text))) else "latin"
