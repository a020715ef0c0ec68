"""What a file name says about its paper.

Per-paper notes are named ``YEAR[_MONTH]_VENUE[_modifier][_ABBR]_Title-With-Dashes_Note.md``
and many PDFs the same way, or just ``Title.pdf``; a name is often the best title a scanned
or metadata-less PDF has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath

from corpus.syntax import HAN_RUN, SPACES
from papers.arxiv import is_arxiv_file_name
from papers.venues import is_venue_modifier, normalise_venue

_CJK_PREFIX = re.compile(r"^(?:毕业论文|毕业设计|学位论文|(?:硕|博)士(?:学位)?论文|本科论文|论文)[_\-\s]+")


@dataclass(frozen=True)
class NoteFileInfo:
    path: str
    title: str
    year: int
    month: int | None
    venue: str | None
    venue_raw: str | None
    abbreviation: str | None


_NAMES_KEPT = 1 << 16  # linking reads each name several times; a library's names, not a process's


@lru_cache(maxsize=_NAMES_KEPT)
def paper_from_note_filename(path: str) -> NoteFileInfo | None:
    """``YEAR[_MONTH]_VENUE[_modifier][_ABBR]_Title-With-Dashes_Note.md`` → its parts.

    Also reads PDFs named the same way. Dashes become spaces and "--" becomes ": ".
    None when the name does not start with a year or has no title.
    """
    name = PurePosixPath(path.replace("\\", "/")).name
    stem = re.sub(r"(?i)(?:[_ ]note)?\.(?:md|markdown|txt|pdf)$", "", name)
    if stem == name:
        return None
    parts = stem.split("_")
    if len(parts) < 2 or not re.fullmatch(r"(?:19|20)\d{2}", parts[0]):
        return None
    year = int(parts[0])
    rest = parts[1:]
    month = None
    if rest and re.fullmatch(r"0?[1-9]|1[0-2]", rest[0]):
        month = int(rest[0])
        rest = rest[1:]
    rest = [p for p in rest if p.strip()]
    if not rest:
        return None
    title = _title_from_slug(rest[-1])
    if not re.search(r"[^\W\d_]", title):
        return None
    venue_raw = abbreviation = None
    if len(rest) >= 2:
        venue_parts = [rest[0]]
        middle = rest[1:-1]
        while middle and is_venue_modifier(middle[0]):
            venue_parts.append(middle.pop(0))
        venue_raw = "_".join(venue_parts)
        if middle:
            abbreviation = " ".join(middle)
    return NoteFileInfo(
        path=path,
        title=title,
        year=year,
        month=month,
        venue=normalise_venue(venue_raw),
        venue_raw=venue_raw,
        abbreviation=abbreviation,
    )


@lru_cache(maxsize=_NAMES_KEPT)
def title_from_pdf_filename(path: str) -> str | None:
    """``2017_06_NIPS_Attention-Is-All-You-Need.pdf`` or ``Attention Is All You Need.pdf``
    (Windows turns ':' into '_': ``PaSa_ An LLM Agent ...``) → the title; junk names → None."""
    if not path:
        return None
    info = paper_from_note_filename(path)
    if info is not None and len(info.title.split()) >= 2:
        return info.title
    stem = stem_title(path)
    if not stem or is_arxiv_file_name(PurePosixPath(path.replace("\\", "/")).stem):
        return None
    words = stem.split()
    if len(words) < 2 and not HAN_RUN.search(stem):
        return None
    return stem


def stem_title(path: str) -> str:
    """A file name read as a title, as is: underscores to spaces, "_ " to ": "."""
    stem = PurePosixPath(path.replace("\\", "/")).stem
    stem = _CJK_PREFIX.sub("", stem)  # "毕业论文_基于..." → "基于..."
    stem = re.sub(r"_\s+", ": ", stem)
    stem = stem.replace("_", " ")
    return SPACES.sub(" ", stem).strip(" :")


def _title_from_slug(slug: str) -> str:
    text = slug.strip().strip("-")
    text = re.sub(r"--+", ": ", text)
    text = text.replace("-", " ")
    return SPACES.sub(" ", text).strip(" :")
