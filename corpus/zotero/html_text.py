"""Zotero notes are HTML (Zotero's note editor writes <h1>..<h6>, <p>, lists, <blockquote>...).
They are turned into Markdown-shaped text with the standard library's HTML parser, so headings
become ``#`` lines and the note reader gives each passage its heading path, as for a Markdown
note. A real parser, not regular expressions: entities, nesting and unclosed tags are its job."""

from __future__ import annotations

import html
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "br", "li", "tr", "blockquote", "pre", "table", "ul", "ol", "hr"}
_SKIPPED = {"script", "style"}


class _NoteParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.heading: int | None = None
        self.skipping = 0
        self.list_depth = 0

    def _break(self) -> None:
        text = " ".join("".join(self.current).split())
        if text and text != "-":
            if self.heading:
                text = "#" * self.heading + " " + text
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self._break()
            self.heading = int(tag[1])
        elif tag in _BLOCKS:
            self._break()
            if tag in ("ul", "ol"):
                self.list_depth += 1
            elif tag == "li":
                self.current.append("  " * max(self.list_depth - 1, 0) + "- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self._break()
            self.heading = None
        elif tag in _BLOCKS:
            self._break()
            if tag in ("ul", "ol"):
                self.list_depth = max(self.list_depth - 1, 0)

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)


def note_text(note_html: str) -> str:
    """The note as lines of text, headings as Markdown ``#`` lines; blank lines between blocks."""
    parser = _NoteParser()
    parser.feed(note_html or "")
    parser.close()
    parser._break()
    return "\n\n".join(line for line in parser.lines if line.strip()) or html.unescape(note_html or "").strip()
