"""The part of a note a passage comes from, as Markdown to show when the reader opens it."""

from __future__ import annotations

import re

from corpus.syntax import FENCE, HEADING, IMAGE, split_lines

_BANG_BRACKET = re.compile(r"(\\*)!\[")  # `![` with the backslashes before it


def note_section(text: str, line: int) -> tuple[str, int]:
    """(Markdown, first line) of the section holding 1-based `line`: from the heading above it to
    the next heading of the same or a higher level. Images are left out, of every form: their
    relative paths mean nothing to the page, and a web image would be fetched by the reader's
    browser (a tracker in someone else's note). Inline images go; any other `![` (reference-style
    `![x][r]`, `![x][]`, `![x]`) is escaped to `\\![`, which Markdown shows as a link or text, never
    loads. Raw HTML (`<img>`) is not rendered by st.markdown."""
    lines = split_lines(text)
    headings = _headings(lines)
    above = [(number, level) for number, level in headings if number <= line]
    start, level = above[-1] if above else (1, 0)
    end = next((number for number, lvl in headings if number > start and lvl <= level), len(lines) + 1)
    section = "\n".join(lines[start - 1 : end - 1]).strip("\n")
    return _BANG_BRACKET.sub(_escaped_bang, IMAGE.sub("", section)), start


def _escaped_bang(match: re.Match) -> str:
    """`![` made literal: an even run of backslashes before it escapes only itself, so add one."""
    slashes = match.group(1)
    return slashes + ("\\" if len(slashes) % 2 == 0 else "") + "!["


def _headings(lines: list[str]) -> list[tuple[int, int]]:
    """(1-based line, level) of every heading outside fenced code."""
    found, fence = [], None
    for number, text in enumerate(lines, start=1):
        marker = FENCE.match(text)
        if marker:
            fence = None if fence == marker.group(1)[0] else (fence or marker.group(1)[0])
            continue
        heading = None if fence else HEADING.match(text)
        if heading:
            found.append((number, len(heading.group(1))))
    return found


def whole_note(text: str) -> str:
    """A whole note as Markdown to show, images left out as note_section leaves them."""
    return _BANG_BRACKET.sub(_escaped_bang, IMAGE.sub("", text)).strip("\n")
