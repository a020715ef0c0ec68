"""The papers behind a set of results as a Markdown paper list in the user's own style
(`- [x] "Title" Venue, Year Month, **ABBR**` + links + `>` note), to paste back into a note.

A link target with a space or a parenthesis (``./pdfs/Distilling the Knowledge.pdf``) is written in
angle brackets, ``[pdf](<./pdfs/Distilling the Knowledge.pdf>)``, the CommonMark form for such
destinations; written bare, Markdown shows the whole link as literal text. A title's own Markdown
characters are backslash-escaped, so "[Re] *Attention* <b>" is shown as typed, never as a link,
emphasis or HTML."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable

from export.terminal import terminal_safe
from papers import PaperRecord


def to_markdown_list(records: Iterable[PaperRecord]) -> str:
    lines = []
    for record in records:
        mark = {True: "[x] ", False: "[ ] "}.get(record.read, "")
        when = " ".join(p for p in (str(record.year) if record.year else "",
                                    calendar.month_name[record.month] if record.month else "") if p)
        head = f'- {mark}"{_text(record.title)}"' + "".join(f" {_text(p)}," for p in (record.venue, when) if p).rstrip(",")
        if record.abbreviation:
            head += f", **{_text(record.abbreviation)}**"
        lines.append(head)
        links = []
        if record.arxiv:
            links.append(f"[paper]({_target('https://arxiv.org/abs/' + record.arxiv)})")
        for label in ("code", "website"):
            links += [f"[{label}]({_target(url)})" for url in record.links.get(label, ())[:1]]
        links += [f"[note]({_target('./' + path)})" for path in record.notes[:1]]
        links += [f"[pdf]({_target('./' + path)})" for path in record.pdfs[:1]]
        if links:
            lines.append("  " + " ".join(links))
        if record.annotation:
            lines += [f"  > {line}" for line in record.annotation.splitlines() if line.strip()]
        lines.append("")
    return terminal_safe("\n".join(lines))


_MARKDOWN_CHARS = re.compile(r"[\\`*_\[\]<>|!&~$#]")


def _text(text: str) -> str:
    """A title (venue, abbreviation) as text, never as markup: every character Markdown would read
    as syntax — a link or image (``[``, ``]``, ``!``), emphasis, code, raw HTML or an entity
    (``<``, ``&``), a table cell (``|``), a heading, strikethrough or math — is backslash-escaped,
    which CommonMark renders as the character itself (and papers/entry_fields.py reads back)."""
    return _MARKDOWN_CHARS.sub(lambda match: "\\" + match.group(), text)


def _target(destination: str) -> str:
    """A link destination Markdown reads back whole: in ``<...>`` when it holds whitespace or a
    parenthesis (with ``<`` and ``>`` backslash-escaped there), as it is otherwise."""
    if any(char.isspace() or char in "()<>" for char in destination):
        return "<" + destination.replace("<", "\\<").replace(">", "\\>") + ">"
    return destination
