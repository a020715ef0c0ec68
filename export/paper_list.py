"""The papers behind a set of results as a Markdown paper list in the user's own style
(`- [x] "Title" Venue, Year Month, **ABBR**` + links + `>` note), to paste back into a note.

Every link the paper's entries carry is written, under the label the catalog keeps for it
(papers/links.py normalises labels: "GitHub repo" is `code`, "TPAMI 版本" is `tpami 版本`): paper
pages of any site (arXiv, DOI, IEEE, ACM, CVF), `code`, `blog`, `website` and any other; the
arXiv page is added only when no link gives it already. Local files are written from where the
catalog found them, not as the note spelled them: `[note]` for each per-paper note and `[pdf]` for
each PDF that is the paper, and other local links (a figure, slides) resolved against the note
that had them.

A local link is relative to the folder the list will live in: ``library`` is the path from that
folder to the library root ("." for the library's top folder, "../.." for notes/lists/, a
relative path out of the library for a list kept elsewhere, an absolute path when there is no
relative one), see ``library_path_from``. A target with a space or a parenthesis
(``./pdfs/Distilling the Knowledge.pdf``) is written in angle brackets,
``[pdf](<./pdfs/Distilling the Knowledge.pdf>)``, the CommonMark form for such destinations;
written bare, Markdown shows the whole link as literal text. A title's own Markdown characters
(and its double quotes) are backslash-escaped, so "[Re] *Attention* <b>" is shown as typed, never
as a link, emphasis or HTML, and reads back (papers/entry_forms.py) as the same title."""

from __future__ import annotations

import calendar
import os
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path

from export.terminal import terminal_safe
from papers import PaperRecord
from papers.arxiv import extract_arxiv_id
from papers.links import is_local_paper_link, is_remote

_FILE_LABELS = ("note", "pdf")


def to_markdown_list(records: Iterable[PaperRecord], library: str = ".") -> str:
    """The list; ``library``: the library root as seen from the list's folder (see above)."""
    lines = []
    for record in records:
        mark = {True: "[x] ", False: "[ ] "}.get(record.read, "")
        when = " ".join(p for p in (str(record.year) if record.year else "",
                                    calendar.month_name[record.month] if record.month else "") if p)
        head = f'- {mark}"{_text(record.title, quotes=True)}"'
        head += "".join(f" {_text(p)}," for p in (record.venue, when) if p).rstrip(",")
        if record.abbreviation:
            head += f", **{_text(record.abbreviation)}**"
        lines.append(head)
        links = [f"[{_text(label)}]({_target(url)})" for label, url in _links(record, library)]
        if links:
            lines.append("  " + " ".join(links))
        if record.annotation:
            lines += [f"  > {line}" for line in record.annotation.splitlines() if line.strip()]
        lines.append("")
    return terminal_safe("\n".join(lines))


def library_path_from(folder: Path, library_root: Path) -> str:
    """The path from ``folder`` (where a list is written or will be pasted) to the library root:
    relative (it keeps working when both move together, and in Typora, Obsidian, VS Code and on
    GitHub), absolute only when no relative path exists (another drive on Windows). Paths are
    compared as written, not with symlinks resolved: an editor resolves a link from the path it
    opened the list by."""
    folder, root = os.path.abspath(folder.expanduser()), os.path.abspath(library_root.expanduser())
    try:
        return Path(os.path.relpath(root, folder)).as_posix()
    except ValueError:
        return Path(root).as_posix()


def _links(record: PaperRecord, library: str) -> list[tuple[str, str]]:
    """(label, destination) of every link to write, web links first in the catalog's order."""
    found: list[tuple[str, str]] = []
    local: list[tuple[str, str]] = []
    for label, urls in record.links.items():
        for url in urls:
            if is_remote(url) or url.startswith(("mailto:", "#")):
                found.append((label, url))
            elif url.startswith("/"):
                local.append((label, url))  # a path on the machine: the same from anywhere
            elif label not in _FILE_LABELS and not is_local_paper_link(url):
                # a figure or slides: the note's link resolved in the library, then from the list
                local.append((label, _from_list(_resolved(url, record), library)))
    if record.arxiv and not any(extract_arxiv_id(url) == record.arxiv for _, url in found):
        found.insert(0, ("paper", "https://arxiv.org/abs/" + record.arxiv))
    found += [("note", _from_list(path, library)) for path in record.notes]
    found += [("pdf", _from_list(path, library)) for path in record.pdfs]
    return list(dict.fromkeys(found + local))


def _resolved(url: str, record: PaperRecord) -> str:
    """A local link as a library path, read from the folder of the first note that mentions the paper."""
    target = url.split("#", 1)[0]
    folder = posixpath.dirname(record.entries[0].path) if record.entries else ""
    return posixpath.normpath(posixpath.join(folder, target))


def _from_list(path: str, library: str) -> str:
    """A library-relative path as the list links it."""
    if library in ("", "."):
        return "./" + path
    return posixpath.normpath(posixpath.join(library, path))


_MARKDOWN_CHARS = re.compile(r"[\\`*_\[\]<>|!&~$#]")
_QUOTED_CHARS = re.compile(r'[\\`*_\[\]<>|!&~$#"]')


def _text(text: str, quotes: bool = False) -> str:
    """A title (venue, abbreviation, link label) as text, never as markup: every character
    Markdown would read as syntax — a link or image (``[``, ``]``, ``!``), emphasis, code, raw HTML
    or an entity (``<``, ``&``), a table cell (``|``), a heading, strikethrough or math — is
    backslash-escaped, which CommonMark renders as the character itself (and papers/entry_fields.py
    reads back); ``quotes``: so is ``"``, which would end a quoted title early. Line breaks become spaces."""
    text = " ".join(text.split("\n"))
    return (_QUOTED_CHARS if quotes else _MARKDOWN_CHARS).sub(lambda match: "\\" + match.group(), text)


def _target(destination: str) -> str:
    """A link destination Markdown reads back whole: in ``<...>`` when it holds whitespace or a
    parenthesis (with ``\\``, ``<`` and ``>`` backslash-escaped there), as it is otherwise."""
    if any(char.isspace() or char in "()<>\\" for char in destination):
        return "<" + re.sub(r"([\\\\<>])", r"\\\1", destination) + ">"
    return destination
