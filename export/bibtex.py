"""BibTeX for the papers behind a set of results, ready for a paper's bibliography."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable

from papers import PaperRecord

_CONFERENCE_HINTS = ("CVPR", "ICCV", "ECCV", "NeurIPS", "ICML", "ICLR", "AAAI", "IJCAI", "SIGGRAPH", "ACL",
                     "EMNLP", "NAACL", "BMVC", "WACV", "MM")


def to_bibtex(records: Iterable[PaperRecord]) -> str:
    entries, keys = [], set()
    for record in records:
        key = _unique_key(_cite_key(record), keys)
        venue = record.venue or ""
        is_conference = any(venue.upper().startswith(h.upper()) for h in _CONFERENCE_HINTS)
        kind = "inproceedings" if is_conference else "article" if venue and venue != "arXiv" else "misc"
        fields = [("title", "{" + _escape(record.title) + "}")]
        if venue and venue != "arXiv":
            fields.append(("booktitle" if kind == "inproceedings" else "journal", _escape(venue)))
        if record.year:
            fields.append(("year", str(record.year)))
        if record.month:
            fields.append(("month", calendar.month_abbr[record.month].lower()))
        if record.arxiv:
            fields += [("eprint", record.arxiv), ("archivePrefix", "arXiv"), ("url", f"https://arxiv.org/abs/{record.arxiv}")]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@{kind}{{{key},\n{body}\n}}")
    return "\n\n".join(entries) + ("\n" if entries else "")


def _cite_key(record: PaperRecord) -> str:
    base = record.abbreviation or next(iter(re.findall(r"[A-Za-z0-9]+", record.title)), "paper")
    return re.sub(r"[^A-Za-z0-9]", "", base) + (str(record.year) if record.year else "")


def _unique_key(key: str, used: set[str]) -> str:
    candidate, suffix = key, ord("a")
    while candidate in used:
        candidate, suffix = key + chr(suffix), suffix + 1
    used.add(candidate)
    return candidate


def _escape(text: str) -> str:
    return re.sub(r"([&%$#_])", r"\\\1", text)
