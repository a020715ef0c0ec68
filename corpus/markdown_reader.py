"""Markdown notes → a Document of heading sections.

Each section keeps its heading path (e.g. ``Video restoration > RVRT``) and the 1-based
line where its text starts, so a result can send the reader to the exact spot.
Headings are where CommonMark puts them (corpus/note_blocks.py): ATX and setext headings, not a
`#` line inside fenced code or an HTML comment; YAML front matter is neither text nor title. A
note whose only words are its headings (an outline, a reading plan) is one section of those
headings: they are what it has to find.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from corpus.documents import Document, Section
from corpus.markdown_clean import clean_heading, clean_markdown
from corpus.note_blocks import note_blocks
from corpus.syntax import split_lines
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
    blocks = note_blocks(lines)
    body: list[str] = []
    body_start = blocks.front_matter + 1
    title: str | None = None
    heading_lines: dict[int, tuple[int, str]] = {}  # 0-based first line -> (its last line + 1, its text)

    def flush() -> None:
        if any(line.strip() for line in body):
            sections.append(
                Section(
                    text="\n".join(body).strip("\n"),
                    heading_path=tuple(h for _, h in stack),
                    start_line=body_start + _leading_blank_lines(body),
                )
            )

    cursor = blocks.front_matter  # 0-based: the next line not yet in a section
    for heading in blocks.headings:
        body.extend(lines[cursor : heading.start])
        flush()
        heading_text = clean_heading(heading.source)
        heading_lines[heading.start] = (heading.end, heading_text)
        if title is None and heading.level == 1 and heading_text:
            title = heading_text
        stack = [(lvl, h) for lvl, h in stack if lvl < heading.level]
        if heading_text:
            stack.append((heading.level, heading_text))
        body, body_start, cursor = [], heading.end + 1, heading.end
    body.extend(lines[cursor:])
    flush()
    if not any(clean_markdown(section.text) for section in sections):
        sections = _outline(lines, heading_lines) or sections
    return Document(
        path=relative,
        kind="note",
        title=own_title or title or title_from_filename(relative),
        sections=tuple(sections),
    )


def _outline(lines: list[str], heading_lines: dict[int, tuple[int, str]]) -> list[Section]:
    """The note from its first to its last heading as one section: the source lines as written
    (a section is a slice of its note), whose words are the headings'."""
    named = [(start, end) for start, (end, heading) in heading_lines.items() if heading]
    if not named:
        return []
    first, last = min(start for start, _ in named), max(end for _, end in named)
    return [Section(text="\n".join(lines[first:last]), start_line=first + 1)]


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
