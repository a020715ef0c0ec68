"""BibTeX for the papers behind a set of results, ready for a paper's bibliography.

Every field value is written with balanced braces: BibTeX finds the end of a ``{...}`` value by
counting braces, so one stray ``{`` or ``}`` in a title makes the whole file unreadable. Balanced
braces in a title are kept (they are the user's case protection); when they do not balance, every
brace is written as ``\\textbraceleft{}`` / ``\\textbraceright{}``. A backslash is written as
``\\textbackslash{}`` and ``& % $ # _`` are backslash-escaped, so the text reads back as typed."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable

from export.terminal import terminal_safe
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
    return terminal_safe("\n\n".join(entries) + ("\n" if entries else ""))


def _cite_key(record: PaperRecord) -> str:
    base = record.abbreviation or next(iter(re.findall(r"[A-Za-z0-9]+", record.title)), "paper")
    return re.sub(r"[^A-Za-z0-9]", "", base) + (str(record.year) if record.year else "")


def _unique_key(key: str, used: set[str]) -> str:
    candidate, suffix = key, ord("a")
    while candidate in used:
        candidate, suffix = key + chr(suffix), suffix + 1
    used.add(candidate)
    return candidate


_SPECIAL = re.compile(r"[&%$#_\\{}]")


def _escape(text: str) -> str:
    balanced = _braces_balance(text)

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if char == "\\":
            return r"\textbackslash{}"
        if char in "{}":
            return char if balanced else (r"\textbraceleft{}" if char == "{" else r"\textbraceright{}")
        return "\\" + char

    return _SPECIAL.sub(replace, text)


def _braces_balance(text: str) -> bool:
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
