"""A note as the entry parser sees it: one record per line with its indentation, blockquote
depth and heading, with fenced code, front matter and HTML comments marked hidden (never
searched for entries), and the heading path (topic) each line sits under."""

from __future__ import annotations

from dataclasses import dataclass

from corpus import clean_heading
from corpus.syntax import FENCE, HEADING, QUOTE_PREFIX


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
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    result: list[NoteLine] = []
    fence: tuple[str, int, int] | None = None  # marker, indent, depth of the opener
    in_comment = False
    front_matter = bool(raw_lines) and raw_lines[0].strip() == "---"
    for number, raw in enumerate(raw_lines, start=1):
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
        line = NoteLine(number, indent, depth, len(after) - len(content), content.rstrip())
        if front_matter:
            line.hidden = True
            if number > 1 and content.strip() in {"---", "..."}:
                front_matter = False
            result.append(line)
            continue
        fence_match = FENCE.match(content)  # content has no leading spaces (tabs expanded)
        if fence is not None:
            line.hidden = True
            line.indent, line.depth = max(line.indent, fence[1]), max(line.depth, fence[2])
            if fence_match and fence_match.group(1)[0] == fence[0]:
                fence = None
            result.append(line)
            continue
        if fence_match:
            fence = (fence_match.group(1)[0], indent, depth)
            line.hidden = True
            result.append(line)
            continue
        if in_comment or content.startswith("<!--"):
            line.hidden = True
            in_comment = "-->" not in content[4 if not in_comment else 0:]
            result.append(line)
            continue
        if depth == 0 and indent <= 3:
            heading = HEADING.match(content)
            if heading:
                line.heading = (len(heading.group(1)), clean_heading(heading.group(2)))
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
