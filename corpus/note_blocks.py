"""Where a note's headings and front matter are, as a CommonMark renderer sees them.

Line regexes cannot tell a `# line` inside an HTML comment or a fenced block from a heading, miss
setext headings (`Title` over `=====`), and read YAML front matter as text (or, through CommonMark,
as a rule and a heading). So the note is parsed with markdown-it-py (the CommonMark reference
port) and only the block stage is kept: heading positions come from its tokens' line maps, and
the reader (corpus/markdown_reader.py) still slices the source lines, so sections are the note's
own text with exact line numbers. Inline parsing is switched off; the block stage is linear in
the note.

Only top-level headings count: a `#` line inside a block quote or a list item is part of that
quote or item, as the regex reader always had it. The paper-entry parser (papers/note_lines.py)
reads the same blocks: what is hidden from it (front matter, fenced code, HTML comments, at any
depth) and where the headings are, so a topic path is a heading the reader also cuts at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Front matter as Jekyll, Hugo, Obsidian and Zotero's Better Notes write it: `---` on the first
# line, closed by `---` (or YAML's `...`) on a line of its own. An unclosed block is not one.
_FRONT_OPEN = re.compile(r"^---[ \t]*$")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


@dataclass(frozen=True)
class Heading:
    """One heading: its 0-based lines [start, end) (a setext heading ends after its underline)."""

    start: int
    end: int
    level: int
    source: str  # the heading's inline Markdown as written, lines joined by "\n"


@dataclass(frozen=True)
class NoteBlocks:
    front_matter: int  # lines at the top that are front matter (0 when there is none)
    headings: tuple[Heading, ...]  # in line order
    # 0-based [start, end) of fenced code and of HTML comment blocks, at any depth, in line order
    hidden: tuple[tuple[int, int], ...] = ()


def front_matter_lines(lines: list[str]) -> int:
    """How many lines at the top are a front matter block, its fences included."""
    if not lines or not _FRONT_OPEN.match(lines[0]):
        return 0
    for number in range(1, len(lines)):
        if _FRONT_CLOSE.match(lines[number]):
            return number + 1
    return 0


def note_blocks(lines: list[str]) -> NoteBlocks:
    """The front matter and top-level headings of a note given as its lines (corpus.syntax.split_lines)."""
    skipped = front_matter_lines(lines)
    # Front matter lines become blank, so the parser's line numbers stay the note's own.
    source = "\n" * skipped + "\n".join(lines[skipped:])
    tokens = _parser().parse(source)
    headings, hidden = [], []
    for position, token in enumerate(tokens):
        if token.map is None:
            continue
        if token.type == "heading_open" and token.level == 0:
            inline = tokens[position + 1]
            headings.append(Heading(token.map[0], token.map[1], int(token.tag[1]), inline.content))
        elif token.type == "fence" or (token.type == "html_block" and token.content.lstrip().startswith("<!--")):
            hidden.append((token.map[0], token.map[1]))
    return NoteBlocks(front_matter=skipped, headings=tuple(headings), hidden=tuple(hidden))


@lru_cache(maxsize=1)
def _parser():
    """CommonMark's block rules (HTML blocks included, so a comment hides what it holds); no inline stage."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").disable(["inline", "text_join"])
