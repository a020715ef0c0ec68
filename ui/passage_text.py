"""A passage as a reader wants it: Markdown syntax gone, links kept as links, tables as rows.

Note passages are raw Markdown. Shown as-is they read like source code (`[paper](https://...)`,
`![](fig.png)`, `| a | b |`), so links become their label (linked when they point to the web),
images and HTML tags go, table rows become cells separated by a bar, and emphasis and heading
markers are dropped, HTML entities (``&nbsp;``, ``&lt;``) become their characters, and LaTeX
formulas become readable Unicode (ui.math_text). Query words are then marked as everywhere else
(ui.highlight). The terminal's snippets (``plain_passage``) are cleaned the same way.
"""

from __future__ import annotations

import html
import re

from corpus.syntax import HTML_TAG, IMAGE, PLAIN_LINK
from ui.highlight import highlight
from ui.math_text import readable_math

_OPEN_BASE = 0xE100  # a private-use character per link: survives escaping and never matches a query
_CLOSE = "\ue002"
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_EMPHASIS = re.compile(r"\*\*|__|~~|`")
_HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_MAX_LINKS = 0x1800  # private-use characters available after _OPEN_BASE


def passage_html(text: str, kind: str, query: str, width: int = 420) -> str:
    """HTML of a passage, trimmed around the first query match, with query words in <mark>."""
    if kind == "pdf":
        return highlight(text, query, width)
    plain, urls = _readable(text)
    return _restore_links(highlight(plain, query, width), urls)


def plain_passage(text: str, kind: str) -> str:
    """A passage as plain text for a terminal: what the page shows, without links' targets."""
    if kind == "pdf":
        return text
    plain, _ = _readable(text)
    return "".join(char for char in plain if not (_OPEN_BASE <= ord(char) < _OPEN_BASE + _MAX_LINKS or char == _CLOSE))


def _readable(text: str) -> tuple[str, list[str]]:
    """Plain text with each web link wrapped in markers, and the links' URLs by marker number."""
    urls: list[str] = []

    def link(match: re.Match) -> str:
        label, target = match.group(1).strip(), match.group(2)
        if not target.startswith(("http://", "https://")) or len(urls) >= _MAX_LINKS or not label:
            return label
        urls.append(target)
        return f"{chr(_OPEN_BASE + len(urls) - 1)}{label}{_CLOSE}"

    text = IMAGE.sub(" ", text)
    text = PLAIN_LINK.sub(link, text)
    text = html.unescape(HTML_TAG.sub(" ", text))
    text = readable_math(text)
    text = _EMPHASIS.sub("", _HEADING_MARK.sub("", text))
    lines = []
    for line in text.split("\n"):
        if _TABLE_RULE.match(line):
            continue
        if line.lstrip().startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            line = " │ ".join(cell for cell in cells if cell)
        lines.append(line)
    return "\n".join(lines), urls


def _restore_links(html_text: str, urls: list[str]) -> str:
    """Markers back to <a> tags; a link the snippet cut in half keeps only its text."""
    out, open_link = [], False
    for char in html_text:
        code = ord(char)
        if _OPEN_BASE <= code < _OPEN_BASE + len(urls):
            url = urls[code - _OPEN_BASE].replace('"', "%22")
            out.append(f'<a href="{url}" target="_blank" rel="noopener noreferrer">')
            open_link = True
        elif char == _CLOSE:
            if open_link:
                out.append("</a>")
            open_link = False
        else:
            out.append(char)
    if open_link:
        out.append("</a>")
    return "".join(out)
