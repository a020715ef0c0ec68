"""Export the papers behind a set of results: BibTeX for writing, and Markdown in the user's own
paper-list style (`- [x] "Title" Venue, Year Month, **ABBR**` + links + `>` note) to paste back."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable

from corpus.papers import Catalog, PaperRecord
from index.results import Hit

_CONFERENCE_HINTS = ("CVPR", "ICCV", "ECCV", "NeurIPS", "ICML", "ICLR", "AAAI", "IJCAI", "SIGGRAPH", "ACL",
                     "EMNLP", "NAACL", "BMVC", "WACV", "MM")


def papers_of(hits: Iterable[Hit], catalog: Catalog) -> list[PaperRecord]:
    """The distinct papers of `hits`, in the order they first appear."""
    seen: dict[str, PaperRecord] = {}
    for hit in hits:
        if hit.paper_id and hit.paper_id not in seen:
            record = catalog.paper(hit.paper_id)
            if record is not None:
                seen[hit.paper_id] = record
    return list(seen.values())


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


def to_markdown_list(records: Iterable[PaperRecord]) -> str:
    lines = []
    for record in records:
        mark = {True: "[x] ", False: "[ ] "}.get(record.read, "")
        when = " ".join(p for p in (str(record.year) if record.year else "",
                                    calendar.month_name[record.month] if record.month else "") if p)
        head = f'- {mark}"{record.title}"' + "".join(f" {p}," for p in (record.venue, when) if p).rstrip(",")
        if record.abbreviation:
            head += f", **{record.abbreviation}**"
        lines.append(head)
        links = []
        if record.arxiv:
            links.append(f"[paper](https://arxiv.org/abs/{record.arxiv})")
        for label in ("code", "website"):
            links += [f"[{label}]({url})" for url in record.links.get(label, ())[:1]]
        links += [f"[note](./{path})" for path in record.notes[:1]] + [f"[pdf](./{path})" for path in record.pdfs[:1]]
        if links:
            lines.append("  " + " ".join(links))
        if record.annotation:
            lines += [f"  > {line}" for line in record.annotation.splitlines() if line.strip()]
        lines.append("")
    return "\n".join(lines)


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
