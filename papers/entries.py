"""Paper entries in a researcher's Markdown: reading lists, per-paper notes.

The notes follow loose habits rather than a format, so the parser looks for a few strong
signals and ignores everything else:

* a list item (or a line, or a ``>`` quote line) that starts with a quoted title:
  ``- [x] "Title" Venue, 2022 June, **ABBR** :emoji:``
* a list item (or ``>`` quote line) that starts with a title inside a link to a paper site
  (arXiv, CVF open access, OpenReview, IEEE, ACM, Springer, ...) or to a local PDF / note
  file named ``YEAR_..._Title``: ``- [Title](https://arxiv.org/abs/...) CVPR 2021``
* a list item with an unquoted title followed by a venue/year, or followed by a link to a
  paper site on its continuation lines: ``- [ ] Title CVPR, 2021``
* a citation line: ``Title, Surname et al. CVPR 2020`` (optionally in parentheses)
* a row of a table whose header has a title column and a year or venue column
  (``papers.entry_tables``)

Links on the indented lines under an entry belong to it; ``>`` lines under it are its
annotation. Fenced code, front matter and HTML comments are never searched
(``papers.note_lines``). Headings give the topic path. What an entry's fields say is read by
``papers.entry_fields``, ``papers.venues``, ``papers.dates`` and ``papers.links``.
"""

from __future__ import annotations

import bisect
import re
from typing import Callable, Iterator

from corpus.syntax import SPACES
from papers.arxiv import extract_arxiv_id
from papers.entry_fields import PaperEntry, paper_entry
from papers.entry_forms import EntryHead, fields_from_head, looks_like_citation
from papers.entry_tables import table_entries
from papers.links import PaperLink, dedupe_links, is_paper_url, link_only, links_in
from papers.note_lines import NoteLine, heading_topics, split_note_lines

__all__ = ["PaperEntry", "parse_paper_entries", "strong_entries"]

_BULLET = re.compile(r"^(?:[-*+]|\d{1,3}[.)])[ \t]+(?=\S)")
_CHECKBOX = re.compile(r"^\[([ xX])\][ \t]*")


def parse_paper_entries(text: str, path: str) -> list[PaperEntry]:
    """Every paper entry in a Markdown note, in order of appearance."""
    lines = split_note_lines(text)
    entries, _ = strong_entries(lines, heading_topics(lines), path)
    return [entries[i] for i in sorted(entries)]


def strong_entries(
    lines: list[NoteLine], topics: list[tuple[str, ...]], path: str
) -> tuple[dict[int, PaperEntry], dict[int, int]]:
    """The entries the forms above find, by line index, and the span (end index, exclusive)
    of each list entry: the lines under an entry are its own, not further candidates."""
    entries: dict[int, PaperEntry] = {}
    spans: dict[int, int] = {}
    heads = [h for h in (_head_at(lines, i) for i in range(len(lines))) if h is not None]
    block_ends = _block_ends(lines, heads)
    taken = _TakenLines(lines)
    # Innermost first: a parent's links and annotation must not take its children's lines.
    for head in reversed(heads):
        end = block_ends[head.index] if head.index in block_ends else _span_end(lines, head)
        depth = lines[head.index].depth

        def listed_paper_link(head=head, end=end, depth=depth) -> bool:
            return taken.paper_link_below(head.index, end, depth)

        entry = _entry_from_head(
            lines, head, _own_lines(head.index, end, spans), listed_paper_link, topics[head.index], path
        )
        if entry is not None:
            entries[head.index] = entry
            spans[head.index] = end
            taken.take(head.index, end)
    for index, entry in table_entries(lines, topics, path):
        entries.setdefault(index, entry)
    return entries, spans


def _head_at(lines: list[NoteLine], index: int) -> EntryHead | None:
    line = lines[index]
    if line.hidden or line.heading or line.blank or line.content.startswith("|"):
        return None
    content = line.content
    bullet = _BULLET.match(content)
    if bullet:
        rest = content[bullet.end():]
        read = None
        box = _CHECKBOX.match(rest)
        if box:
            read = box.group(1) != " "
            rest = rest[box.end():]
        return EntryHead(index, "bullet", read, rest.strip())
    kind = "quote" if line.depth else "para"
    if content[0] in "\"“[" or looks_like_citation(content):
        return EntryHead(index, kind, None, content.strip())
    return None


def _block_ends(lines: list[NoteLine], heads: list[EntryHead]) -> dict[int, int]:
    """``_span_end`` of every quote and paragraph head, for all of them in linear time.

    A quote entry runs to the first line after it that is a heading or less deeply quoted; a
    paragraph entry to the first that is not a link line at least as indented. Every head of a
    long ``>`` block (or of a run of link lines) would rescan the block from its own line to the
    same end: quadratic. The first line below a threshold is looked up on a stack instead.
    """
    quote = {h.index: lines[h.index].depth for h in heads if h.kind == "quote"}
    para = {h.index: lines[h.index].indent for h in heads if h.kind == "para"}
    ends: dict[int, int] = {}
    if quote:
        keys = [-1 if (line.heading and not line.hidden) else line.depth for line in lines]
        ends.update(_first_below(keys, quote))
    if para:
        keys = [
            -1 if (line.hidden or line.blank or line.depth or not link_only(line.content)) else line.indent
            for line in lines
        ]
        ends.update(_first_below(keys, para))
    return ends


def _first_below(keys: list[int], thresholds: dict[int, int]) -> dict[int, int]:
    """For each i of ``thresholds``: the first j > i with keys[j] < thresholds[i], else len(keys)."""
    found: dict[int, int] = {}
    stack: list[int] = []  # from i + 1: each next index whose key is below all before it
    stack_keys: list[int] = []  # their keys, increasing from bottom to top (reversed chain)
    for i in range(len(keys) - 1, -1, -1):
        if i in thresholds:
            # stack_keys increases towards the top; the topmost key below the threshold is the
            # nearest line below it
            below = bisect.bisect_left(stack_keys, thresholds[i])
            found[i] = stack[below - 1] if below else len(keys)
        while stack_keys and stack_keys[-1] >= keys[i]:
            stack.pop()
            stack_keys.pop()
        stack.append(i)
        stack_keys.append(keys[i])
    return found


def _span_end(lines: list[NoteLine], head: EntryHead) -> int:
    """One past the last line that belongs to the entry starting at `head`."""
    first = lines[head.index]
    end = head.index + 1
    if head.kind == "para":
        # a quoted title on a line of its own takes the link lines right under it
        for j in range(head.index + 1, len(lines)):
            line = lines[j]
            if line.hidden or line.blank or line.depth or line.indent < first.indent:
                break
            if not link_only(line.content):
                break
            end = j + 1
        return end
    for j in range(head.index + 1, len(lines)):
        line = lines[j]
        if line.heading and not line.hidden:
            break
        if head.kind == "quote":
            # the rest of the ``>`` block the entry starts
            if line.depth < first.depth:
                break
            end = j + 1
        elif first.depth == 0:
            # a list item: everything indented deeper, across blank lines
            if line.blank and line.depth == 0:
                continue
            if line.indent <= first.indent:
                break
            end = j + 1
        else:
            # a list item inside a blockquote
            if line.depth < first.depth:
                break
            if line.blank:
                continue
            if line.depth == first.depth and line.content_indent <= first.content_indent:
                break
            end = j + 1
    return end


class _TakenLines:
    """Which lines entries found so far have taken, and where the link lines to a paper site
    are: so that a head that is not an entry can ask whether its own lines hold a paper link
    without reading them all (every head of a long > block would read the rest of the block)."""

    def __init__(self, lines: list[NoteLine]):
        self.lines = lines
        self.next_free = list(range(len(lines) + 1))  # union-find: first line ≥ i not taken
        self.paper_lines = [
            j for j, line in enumerate(lines)
            if not line.hidden and "://" in line.content and link_only(line.content)
            and any(is_paper_url(link.url) for link in links_in(line.content))
        ]

    def _free(self, i: int) -> int:
        root = i
        while self.next_free[root] != root:
            root = self.next_free[root]
        while self.next_free[i] != root:
            self.next_free[i], i = root, self.next_free[i]
        return root

    def take(self, start: int, end: int) -> None:
        """An entry at ``start`` took the lines up to ``end`` (its own line too)."""
        j = self._free(start)
        while j < end:
            self.next_free[j] = j + 1
            j = self._free(j + 1)

    def paper_link_below(self, index: int, end: int, depth: int) -> bool:
        """Is a line of links to a paper site among the own lines of the head at ``index``
        (lines index+1 .. end-1 not taken, not quoted deeper than the head)?"""
        j = index + 1
        while True:
            j = self._free(j)
            k = bisect.bisect_left(self.paper_lines, j)
            if k == len(self.paper_lines) or self.paper_lines[k] >= end:
                return False
            j = self.paper_lines[k]
            if self._free(j) == j and self.lines[j].depth <= depth:
                return True
            j += 1


def _own_lines(start: int, end: int, spans: dict[int, int]) -> Iterator[int]:
    """The lines of an entry not taken by an entry inside it, lazily (see ``listed``)."""
    j = start + 1
    while j < end:
        if j in spans:
            j = max(spans[j], j + 1)
            continue
        yield j
        j += 1


def _entry_from_head(
    lines: list[NoteLine],
    head: EntryHead,
    own: Iterator[int],
    listed_paper_link: Callable[[], bool],
    topic: tuple[str, ...],
    path: str,
) -> PaperEntry | None:
    first = lines[head.index]
    own_links: list[tuple[list[PaperLink], bool]] = []  # per own line: its links, link-only?
    annotation: list[str] = []

    def read_own_lines() -> None:
        for j in own:  # an iterator: read once
            line = lines[j]
            if line.hidden:
                continue
            if line.depth > first.depth:
                text = SPACES.sub(" ", line.content).strip()
                if text:
                    annotation.append(text)
            else:
                own_links.append((links_in(line.content), link_only(line.content)))

    # Whether the lines under the head that hold nothing but links have a paper link: asked
    # only when the head's own line leaves it open, and answered without reading those lines,
    # so that a run of heads that are not entries (link lines, a long > block) stays linear.
    fields = fields_from_head(head, listed_paper_link)
    if fields is None:
        return None
    read_own_lines()
    links = [link for found, _ in own_links for link in found]
    title, tail_links, venue_raw, year, month, abbreviation = fields
    return paper_entry(
        title,
        venue_raw,
        dedupe_links(tail_links + links),
        topic=topic,
        path=path,
        line=first.number,
        year=year,
        month=month,
        abbreviation=abbreviation,
        read=head.read,
        annotation="\n".join(annotation) or None,
        arxiv_elsewhere=extract_arxiv_id(head.rest),
    )
