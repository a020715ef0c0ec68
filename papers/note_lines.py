"""A note as the entry parser sees it: one record per line with its indentation, blockquote
depth and heading, with fenced code, front matter and HTML comments marked hidden (never
searched for entries), and the heading path (topic) each line sits under. The blocks are the
section reader's (corpus/note_blocks.py, CommonMark through markdown-it-py), so a list entry in
a comment or in front matter is no paper and a setext heading is a topic, as the reader has it."""

from __future__ import annotations

from dataclasses import dataclass

from corpus import clean_heading
from corpus.note_blocks import note_blocks
from corpus.syntax import QUOTE_PREFIX, split_lines


@dataclass
class NoteLine:
    number: int
    indent: int  # columns before the first character (or before the first '>')
    depth: int  # blockquote depth
    content_indent: int  # spaces after the quote markers
    content: str  # text after quote markers and indentation
    hidden: bool = False  # code, front matter, HTML comment
    heading: tuple[int, str] | None = None

    @property
    def blank(self) -> bool:
        return not self.content.strip()


def split_note_lines(text: str) -> list[NoteLine]:
    """The note's lines; which are hidden and which are headings is what CommonMark says
    (``corpus.note_blocks``, the section reader's own blocks): front matter, fenced code and
    HTML comments at any depth are hidden, ATX and setext headings at the top level are headings."""
    raw_lines = split_lines(text)
    blocks = note_blocks(raw_lines)
    hidden_from: dict[int, int] = {start: end for start, end in blocks.hidden}
    headings = {heading.start: heading for heading in blocks.headings}
    result: list[NoteLine] = []
    hidden_until = blocks.front_matter  # 0-based: lines before it are hidden
    floor = (0, 0)  # indent and depth of the hidden block's first line: its lines sit at least there
    for index, raw in enumerate(raw_lines):
        expanded = raw.expandtabs(4)
        quote = QUOTE_PREFIX.match(expanded)
        if quote:
            indent = len(quote.group(1))
            depth = quote.group(2).count(">")
            after = expanded[quote.end():]
        else:
            indent = len(expanded) - len(expanded.lstrip(" "))
            depth = 0
            after = expanded[indent:]
        content = after.lstrip(" ")
        line = NoteLine(index + 1, indent, depth, len(after) - len(content), content.rstrip())
        if index in hidden_from and index >= hidden_until:
            hidden_until, floor = hidden_from[index], (indent, depth)
        if index < hidden_until:
            line.hidden = True
            if index >= blocks.front_matter:
                line.indent, line.depth = max(line.indent, floor[0]), max(line.depth, floor[1])
        elif index in headings:
            heading = headings[index]
            line.heading = (heading.level, clean_heading(heading.source))
            # a setext heading's other lines (its underline) are the heading, not text
            hidden_until, floor = heading.end, (indent, depth)
        result.append(line)
    return result


def heading_topics(lines: list[NoteLine]) -> list[tuple[str, ...]]:
    """The heading path above each line."""
    stack: list[tuple[int, str]] = []
    topics = []
    for line in lines:
        if line.heading and not line.hidden:
            level, heading = line.heading
            stack = [(lvl, h) for lvl, h in stack if lvl < level]
            if heading:
                stack.append((level, heading))
        topics.append(tuple(h for _, h in stack))
    return topics
