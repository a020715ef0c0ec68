"""arXiv identifiers wherever they are written: in arXiv / Hugging Face / alphaXiv URLs, in
``arXiv:ID`` mentions, in the stamp arXiv prints on page 1
(``arXiv:1706.03762v7 [cs.CL] 6 Dec 2017``) and in file names (``1706.03762v7.pdf``).
The id pattern is defined here once."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_NEW_ID = r"(?:0[7-9]|1\d|2\d)(?:0[1-9]|1[0-2])\.\d{4,5}"  # 1706.03762
_OLD_ID = r"[a-z\-]+(?:\.[A-Z]{2})?/\d{7}"  # hep-th/9901001, math.GT/0309136
_ID = r"(?P<id>" + _NEW_ID + "|" + _OLD_ID + r")"
_URL = re.compile(
    r"(?:arxiv\.org|huggingface\.co/papers|alphaxiv\.org)/(?:(?:abs|pdf|html|format|papers)/)?"
    + _ID + r"(?:v\d+)?",
    re.IGNORECASE,
)
_MENTION = re.compile(r"\barxiv\s*[:：]?\s*" + _ID + r"(?:v\d+)?(?![\d])", re.IGNORECASE)
_STAMP_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
_STAMP = re.compile(
    r"arXiv\s*:\s*" + _ID + r"\s*(?:v\s*\d+)?\s*\[\s*[a-zA-Z\-]+(?:\.[A-Za-z\-]+)?\s*\]"
    r"(?:\s*(?P<day>\d{1,2})\s+(?P<month>" + _STAMP_MONTH + r")\.?\s+(?P<year>(?:19|20)\d{2}))?"
)
_FILENAME = re.compile(r"^(?:arxiv[_\-. ]?)?" + _ID + r"(?:v\d+)?$", re.IGNORECASE)


def extract_arxiv_id(text: str) -> str | None:
    """The first arXiv id in an arXiv/Hugging Face URL or an ``arXiv:ID`` mention, no version."""
    if not text:
        return None
    for pattern in (_URL, _MENTION):
        match = pattern.search(text)
        if match:
            return match.group("id")
    return None


def find_arxiv_stamp(text: str) -> tuple[str, int | None] | None:
    """The id and (when printed) the year of the first arXiv stamp in ``text``."""
    match = _STAMP.search(text)
    if match is None:
        return None
    return match.group("id"), int(match.group("year")) if match.group("year") else None


def strip_leading_arxiv_stamp(text: str) -> str:
    """``text`` without the arXiv stamp it starts with (unchanged when it starts otherwise)."""
    return _STAMP.sub("", text, count=1) if _STAMP.match(text.strip()) else text


def is_arxiv_file_name(name: str) -> bool:
    """A file stem or title that is only an arXiv id: "1706.03762v7", "arXiv_2101.00001"."""
    return _FILENAME.match(name) is not None


def arxiv_from_filename(path: str) -> str | None:
    """The arXiv id a PDF's file name is (``1706.03762v7.pdf``), else None."""
    if not path:
        return None
    match = _FILENAME.match(PurePosixPath(path.replace("\\", "/")).stem)
    return match.group("id") if match else None


def arxiv_year(arxiv_id: str) -> int | None:
    """The year of an arXiv id's first version (1706.03762 → 2017, hep-th/9901001 → 1999)."""
    new = re.match(r"(\d{2})(\d{2})\.", arxiv_id)
    old = re.search(r"/(\d{2})(\d{2})\d{3}$", arxiv_id)
    found = new or old
    if not found:
        return None
    yy = int(found.group(1))
    return 2000 + yy if yy < 90 else 1900 + yy
