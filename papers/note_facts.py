"""What linking needs of one note, read once from its text: its paper entries, where each
entry's block of lines ends, and the citation key the note gives itself.

A note's facts depend on its text and path alone, so a build can keep them between builds
(index/note_facts_cache.py) and read again only the notes that changed: at 10,000 files,
parsing every note was a third of the time a one-file update took. The JSON form round-trips
exactly (tests/papers/test_note_facts.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from corpus.syntax import HEADING, QUOTE_PREFIX
from papers.entry_fields import PaperEntry
from papers.links import PaperLink
from papers.note_papers import read_note_papers


@dataclass(frozen=True)
class NoteFacts:
    entries: tuple[PaperEntry, ...]  # in line order; tentative ones included
    ends: tuple[int, ...]  # the last line of each entry's block (its own line and those under it)
    citation_key: str | None


def read_note_facts(text: str, path: str) -> NoteFacts:
    entries = tuple(read_note_papers(text, path).entries)
    ends = tuple(entry_ends(text.splitlines(), [entry.line for entry in entries]))
    return NoteFacts(entries, ends, note_citation_key(text))


def facts_to_json(facts: NoteFacts) -> dict:
    return {"entries": [_entry_to_json(entry) for entry in facts.entries], "ends": list(facts.ends),
            "citation_key": facts.citation_key}


def _entry_to_json(entry: PaperEntry) -> dict:
    """`dataclasses.asdict` without its deep copies (it was most of writing 3,000 notes' facts)."""
    data = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
    data["links"] = [{name: getattr(link, name) for name in _LINK_FIELDS} for link in entry.links]
    data["topic"] = list(entry.topic)
    return data


_ENTRY_FIELDS = tuple(field.name for field in fields(PaperEntry))
_LINK_FIELDS = tuple(field.name for field in fields(PaperLink))


def facts_from_json(data: dict) -> NoteFacts:
    """The facts `facts_to_json` wrote (a KeyError or TypeError when `data` is not such a form)."""
    entries = tuple(
        PaperEntry(**{**entry, "links": tuple(PaperLink(**link) for link in entry["links"]),
                      "topic": tuple(entry["topic"])})
        for entry in data["entries"]
    )
    return NoteFacts(entries, tuple(int(end) for end in data["ends"]), data["citation_key"])


# "Citation Key: Vaswani2017" as Zotero's note templates and Better BibTeX's "extra" write it (also
# "citekey:" in front matter, "- **Citation Key**: ..." in a list).
_CITATION_KEY = re.compile(
    r"^[\s>*\-+#|]*(?:\*\*|__)?(?:citation[ _-]?key|cite[ _-]?key)(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__|`)?\s*"
    r"(?P<key>[A-Za-z0-9][A-Za-z0-9_:.+/\-]*)\s*(?:\*\*|__|`)?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_CITATION_KEY_LINES = 60


def note_citation_key(text: str) -> str | None:
    """The citation key a note gives itself in its first lines, else None."""
    head = "\n".join(text.splitlines()[:_CITATION_KEY_LINES])
    found = _CITATION_KEY.search(head)
    return found.group("key").rstrip(".:/") if found else None


def entry_ends(lines: list[str], starts: list[int]) -> list[int]:
    """Last line of each entry: its own line plus the indented / quoted lines under it."""
    start_set = set(starts)
    ends = []
    for start in starts:
        first = lines[start - 1] if 0 < start <= len(lines) else ""
        quote = QUOTE_PREFIX.match(first)
        indent = len(first) - len(first.lstrip(" \t"))
        end = start
        number = start + 1
        while number <= len(lines):
            line = lines[number - 1]
            if number in start_set or _is_heading(line):
                break
            if not line.strip() or (quote and not line.strip(" \t>")):
                number += 1
                continue
            line_indent = len(line) - len(line.lstrip(" \t"))
            same_quote = quote is not None and line.lstrip(" \t").startswith(">")
            annotation = line.lstrip(" \t").startswith(">") and line_indent >= indent and number == end + 1
            if line_indent > indent or same_quote or annotation:
                end = number
                number += 1
                continue
            break
        ends.append(end)
    return ends


def _is_heading(line: str) -> bool:
    """An ATX heading with text (``# ``, or ``#`` and only spaces, is not one here)."""
    match = HEADING.match(line)
    return match is not None and not match.group(2)[:1].isspace()
