"""Markdown notes → a Document of heading sections.

Each section keeps its heading path (e.g. ``Video restoration > RVRT``) and the 1-based
line where its text starts, so a result can send the reader to the exact spot.
Headings inside fenced code blocks are not headings. A note whose only words are its headings
(an outline, a reading plan) is one section of those headings: they are what it has to find.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from corpus.documents import Document, Section
from corpus.markdown_clean import clean_heading, clean_markdown
from corpus.syntax import FENCE, HEADING, split_lines
from corpus.text_decoding import NoteText, read_note_text


def read_markdown(path: Path, relative: str) -> Document:
    note = read_note_text(path, relative)
    return replace(markdown_document(note.text, relative), warnings=_notices(note))


def markdown_document(text: str, relative: str, title: str | None = None) -> Document:
    """A note's text as a document, one section per heading; `title` when the text's own first
    heading should not name it (a Zotero note is about its item)."""
    lines = split_lines(text)
    own_title = title
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []  # (level, heading)
    body: list[str] = []
    body_start = 1
    title: str | None = None
    fence: str | None = None
    heading_lines: dict[int, str] = {}  # 0-based line -> its heading's text

    def flush() -> None:
        if any(line.strip() for line in body):
            sections.append(
                Section(
                    text="\n".join(body).strip("\n"),
                    heading_path=tuple(h for _, h in stack),
                    start_line=body_start + _leading_blank_lines(body),
                )
            )

    for number, line in enumerate(lines, start=1):
        fence_match = FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)[0]
            if fence is None:
                fence = marker
            elif marker == fence:
                fence = None
        heading = None if (fence or fence_match) else HEADING.match(line)
        if heading is None:
            body.append(line)
            continue
        flush()
        level, heading_text = len(heading.group(1)), clean_heading(heading.group(2))
        heading_lines[number - 1] = heading_text
        if title is None and level == 1 and heading_text:
            title = heading_text
        stack = [(lvl, h) for lvl, h in stack if lvl < level]
        if heading_text:
            stack.append((level, heading_text))
        body, body_start = [], number + 1
    flush()
    if not any(clean_markdown(section.text) for section in sections):
        sections = _outline(lines, heading_lines) or sections
    return Document(
        path=relative,
        kind="note",
        title=own_title or title or title_from_filename(relative),
        sections=tuple(sections),
    )


def _outline(lines: list[str], heading_lines: dict[int, str]) -> list[Section]:
    """The note from its first to its last heading as one section: the source lines as written
    (a section is a slice of its note), whose words are the headings'."""
    named = [index for index, heading in heading_lines.items() if heading]
    if not named:
        return []
    first, last = min(named), max(named)
    return [Section(text="\n".join(lines[first : last + 1]), start_line=first + 1)]


def read_plain_text(path: Path, relative: str) -> Document:
    """A .txt note: one section starting at line 1, titled by its file name."""
    note = read_note_text(path, relative)
    lines = split_lines(note.text)
    return Document(
        path=relative,
        kind="note",
        title=title_from_filename(relative),
        sections=(Section(text=note.text.strip("\n"), start_line=1 + _leading_blank_lines(lines)),),
        warnings=_notices(note),
    )


def _notices(note: NoteText) -> tuple[str, ...]:
    """A note read in a detected legacy encoding says so in `status`, as OCR'd pages do."""
    return (note.notice,) if note.notice else ()


def title_from_filename(relative: str) -> str:
    stem = Path(relative).stem
    return re.sub(r"[_]+", " ", stem).strip() or stem


def _leading_blank_lines(lines: list[str]) -> int:
    count = 0
    for line in lines:
        if line.strip():
            break
        count += 1
    return count
