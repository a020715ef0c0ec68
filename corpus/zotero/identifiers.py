"""A Zotero item's identifiers from the fields people actually fill: the year in Zotero's
stored date, the arXiv id wherever Zotero's translators put it (``extra``, the URL, an arXiv
DOI), and the citation key Better BibTeX (or the user) writes into ``extra``."""

from __future__ import annotations

import re

_YEAR = re.compile(r"(?<!\d)(1[89]\d{2}|20\d{2})(?!\d)")
_ARXIV_NEW = r"(?P<id>\d{4}\.\d{4,5})(?:v\d+)?"
_ARXIV_PATTERNS = (
    re.compile(r"(?im)^\s*arxiv\s*(?:id)?\s*[:：]\s*(?:arxiv:)?" + _ARXIV_NEW),
    re.compile(r"(?i)arxiv\.org/(?:abs|pdf|html)/" + _ARXIV_NEW),
    re.compile(r"(?i)10\.48550/arxiv\." + _ARXIV_NEW),
    re.compile(r"(?i)\barxiv:\s*" + _ARXIV_NEW),
)
_CITATION_KEY = re.compile(r"(?im)^\s*citation\s*key\s*[:：]\s*(?P<key>\S+)\s*$")
_DOI = re.compile(r"(?i)\b(10\.\d{4,9}/\S+)")


def year_of(date: str) -> int | None:
    """Zotero stores dates as ``"2017-06-12 2017-06-12"`` (SQL date, then as typed); the first year wins."""
    found = _YEAR.search(date or "")
    return int(found.group(1)) if found else None


def arxiv_of(*texts: str | None) -> str | None:
    """The first arXiv id (without version) in `texts`, tried in order (extra, URL, DOI)."""
    for text in texts:
        for pattern in _ARXIV_PATTERNS:
            found = pattern.search(text or "")
            if found:
                return found.group("id")
    return None


def citation_key_of(extra: str | None) -> str | None:
    found = _CITATION_KEY.search(extra or "")
    return found.group("key") if found else None


def doi_of(value: str | None) -> str | None:
    """A DOI without its resolver prefix, as Zotero's DOI field (or a pasted URL) gives it."""
    found = _DOI.search(value or "")
    return found.group(1).rstrip(".") if found else None
