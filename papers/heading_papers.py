"""Headings that name a paper: ``#### :page_with_curl: Multi-Stage Progressive Image Restoration``
followed by the researcher's notes on it, as list 004 of the shared notes is written.

A heading is weak evidence on its own ("Methods", "Ten Questions" and "Swin Transformer" are all
headings), so each one is scored from what the files show about it:

* **marker** (2): the author's own paper mark, an emoji like ``:page_with_curl:``/📄, or a
  ``Paper #1:`` prefix; a code mark (``:computer:``) says the opposite and rules it out;
* **venue/year** (2): ``– NeurIPS 2020`` in the heading, or a line like ``CVPR 2021 *Google*``
  or ``ECCV2018`` among the first three lines under it;
* **paper link** (2): a line of links to a paper site (arXiv, CVF, ...) among those lines;
* **full title** (1): under a bare method name ("Pix2Pix"), a first line that reads as its title;
* **title shape** (1): three or more words, mostly capitalised (``papers.title_shape``);
* **list** (1): at least two other headings of its level in the note carry a marker,
  venue/year or link.

Lines that list entries took (a link under a ``- "Title"`` entry) are not evidence. Score 3 or
more: a paper; 2, with a marker, venue/year, link or full title of its own: ambiguous (reported,
and recorded only if linking ties it to a known paper); else not a paper. Never a paper: a
topic word ("Related Work"), a question, text that is not a title or method name (unless
marked), a topic over papers (sub-headings that are paper-like, "### 1. LipSync", or two or
more list entries right under it), and a heading in Chinese (at most ambiguous: the shape
tests read English). Headings inside an accepted paper's section are its parts. A per-paper
note's headings are all parts of its own paper: none is read.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath

from corpus.syntax import CJK_CHAR, SPACES
from papers.entry_fields import PaperEntry, clean_title, paper_entry
from papers.entry_forms import EntryHead, fields_from_head
from papers.file_names import paper_from_note_filename
from papers.links import is_paper_url, link_only, links_in
from papers.note_lines import NoteLine
from papers.title_shape import is_method_name, is_topic, title_shape, words_of
from papers.venues import venue_token

PAPER_MARKS = (":page_with_curl:", ":page_facing_up:", ":scroll:", ":newspaper:", "📃", "📄", "📜", "📰")
CODE_MARKS = (":computer:", "💻", ":wrench:", "🔧", ":hammer_and_wrench:", "🛠", ":package:", "📦")
LINES_READ = 3  # lines under a heading that may hold its venue, link or full title
_PAPER_PREFIX = re.compile(r"(?i)^(?:paper|论文)[ \t]*(?:#[ \t]*)?\d{0,3}[ \t]*[:：][ \t]*")
_NUMBERING = re.compile(r"^\d{1,3}(?:\.\d{1,3}){0,3}[.)]?[ \t]+")
# "CVPR 2021 *Google*", "ECCV2018", "CVPRW 2019": a venue word right before a year, at the start.
_VENUE_YEAR = re.compile(r"^[^\w\s]{0,3}[ \t]*([A-Za-z][A-Za-z\-]{1,15})[ \t]*'?((?:19|20)\d{2})(?!\d)")


@dataclass
class Judged:
    """One heading or checkbox item and what the evidence says it is."""

    index: int  # line index in the note
    kind: str  # "heading" | "checkbox"
    verdict: str  # "paper" | "ambiguous" | "no"
    evidence: tuple[str, ...]
    entry: PaperEntry | None  # for "paper" and "ambiguous"


@dataclass
class _Heading:
    index: int
    level: int
    text: str  # cleaned, without markers or "Paper #1:"
    parent: int  # index into the heading list, -1 at the top
    end: int  # line index of the next heading at this level or above
    next_heading: int  # line index of the next heading of any level
    marker: bool = False
    code: bool = False
    strong: bool = False  # marker, venue/year or paper link


def heading_papers(
    lines: list[NoteLine], topics: list[tuple[str, ...]], path: str, taken: list[bool], entry_lines: list[int]
) -> list[Judged]:
    """Every heading of a note judged (see the module docstring), in order. ``taken[i]``:
    line i is a list entry or under one; ``entry_lines``: the list entries' line indices."""
    if paper_from_note_filename(PurePosixPath(path).name) is not None:
        return []
    heads = _headings(lines)
    judged: list[Judged] = []
    features = [_features(lines, h, taken) for h in heads]
    strong_children = [0] * (len(heads) + 1)  # last slot: the top level
    strong_at_level: Counter = Counter()
    for h in heads:
        strong_children[h.parent] += h.strong
        strong_at_level[h.level] += h.strong
    entries_before = [0] * (len(lines) + 1)  # prefix sums: list entries before each line
    for i in entry_lines:
        entries_before[i + 1] += 1
    for i in range(len(lines)):
        entries_before[i + 1] += entries_before[i]
    accepted_until = -1
    for k, h in enumerate(heads):
        if h.index < accepted_until:
            continue  # a part of the paper above
        siblings = strong_at_level[h.level] - h.strong
        listed = entries_before[h.next_heading] - entries_before[h.index]
        verdict, evidence, entry = _judge(lines, topics, path, h, features[k], siblings,
                                          strong_children[k] + (listed >= 2))
        if verdict == "paper":
            accepted_until = h.end
        judged.append(Judged(h.index, "heading", verdict, evidence, entry))
    return judged


def _headings(lines: list[NoteLine]) -> list[_Heading]:
    found: list[_Heading] = []
    stack: list[int] = []  # indices into found, levels increasing
    for i, line in enumerate(lines):
        if line.hidden or not line.heading:
            continue
        level = line.heading[0]
        while stack and found[stack[-1]].level >= level:
            found[stack.pop()].end = i
        if found:
            found[-1].next_heading = i
        raw = line.content
        text = _PAPER_PREFIX.sub("", line.heading[1])
        marker = any(m in raw for m in PAPER_MARKS) or text != line.heading[1]
        text = _NUMBERING.sub("", text).strip()
        heading = _Heading(i, level, text, stack[-1] if stack else -1, len(lines), len(lines), marker,
                           any(m in raw for m in CODE_MARKS))
        stack.append(len(found))
        found.append(heading)
    return found


@dataclass
class _Features:
    title: str
    venue_raw: str | None = None
    year: int | None = None
    month: int | None = None
    links: tuple = ()
    full_title: str | None = None


def _features(lines: list[NoteLine], h: _Heading, taken: list[bool]) -> _Features:
    """What the heading and the first lines under it say; sets ``h.strong``."""
    f = _Features(h.text)
    fields = fields_from_head(EntryHead(h.index, "bullet", None, h.text), lambda: False) if h.text else None
    if fields is not None and fields[3] is not None:
        f.title, _, f.venue_raw, f.year, f.month, _ = fields
    links = [link for link in links_in(lines[h.index].content) if is_paper_url(link.url)]
    seen = 0
    for j in range(h.index + 1, h.next_heading):
        line = lines[j]
        if line.hidden or line.blank or line.depth or taken[j]:
            continue
        seen += 1
        if seen > LINES_READ:
            break
        content = line.content
        if link_only(content):
            links += [link for link in links_in(content) if is_paper_url(link.url) or link.label == "code"]
            continue
        venue = _VENUE_YEAR.match(SPACES.sub(" ", content))
        if venue and f.year is None and venue_token(venue.group(1)):
            f.venue_raw, f.year = venue.group(1), int(venue.group(2))
            continue
        if seen == 1 and len(words_of(h.text)) <= 2:
            f.full_title = _full_title(content)
    f.links = tuple(links)
    h.strong = h.marker or f.year is not None or any(is_paper_url(link.url) for link in links)
    return f


def _full_title(content: str) -> str | None:
    """The first line under a method-name heading, when it reads as a title ("Image-to-Image
    Translation with Conditional Adversarial Networks"): English, 3-20 words, no sentence."""
    text = clean_title(content)
    words = text.split()
    if not (3 <= len(words) <= 20) or CJK_CHAR.search(text) or "://" in text or "[" in content:
        return None
    if not text[:1].isupper() or ". " in text or content.rstrip().endswith((".", ":", "：", "。")):
        return None
    return text


def _judge(lines, topics, path, h: _Heading, f: _Features, siblings: int, strong_children: int):
    text = h.text
    if not text or h.code:
        return "no", ("code mark" if h.code else "empty heading",), None
    if is_topic(text) or text.rstrip().endswith(("?", "？")):
        return "no", ("topic or question",), None
    if strong_children:
        return "no", ("a topic over papers",), None
    shape = title_shape(f.title)
    score, evidence = 0, []
    for present, points, why in (
        (h.marker, 2, "paper mark"),
        (f.year is not None, 2, "venue/year"),
        (any(is_paper_url(link.url) for link in f.links), 2, "paper link"),
        (f.full_title is not None, 1, "full title below"),
        (shape == "title", 1, "title shape"),
        (siblings >= 2, 1, "in a list of papers"),
    ):
        if present:
            score += points
            evidence.append(why)
    chinese = CJK_CHAR.search(text) is not None
    if not h.marker and shape not in ("title", "name") and not (shape == "other" and f.year is not None):
        if not chinese or score < 2:
            return "no", ("not a title or method name",), None
    own = h.marker or f.year is not None or f.full_title is not None or any(is_paper_url(k.url) for k in f.links)
    if score < 2 or not own:
        return "no", tuple(evidence) or ("no evidence",), None
    verdict = "paper" if score >= 3 and not chinese else "ambiguous"
    if chinese:
        evidence.append("Chinese heading")
    title = f.full_title or f.title
    abbreviation = text if f.full_title else _abbreviation(f.title)
    entry = paper_entry(
        clean_title(title),
        f.venue_raw,
        f.links,
        topic=topics[h.index][:-1],
        path=path,
        line=lines[h.index].number,
        year=f.year,
        month=f.month,
        abbreviation=abbreviation,
        end_line=_last_filled(lines, h.index, h.end),
        tentative=verdict != "paper",
        evidence="heading: " + ", ".join(evidence),
    )
    return verdict, tuple(evidence), entry


def _abbreviation(title: str) -> str | None:
    """"RAISR: Rapid and Accurate ..." → "RAISR"; a one-word method name → itself."""
    head = title.split(":", 1)[0].strip() if ":" in title else title.strip()
    return head if " " not in head and is_method_name(head) else None


def _last_filled(lines: list[NoteLine], start: int, end: int) -> int:
    """Line number of the last non-blank line of a section (its heading's when all are blank)."""
    for j in range(end - 1, start, -1):
        if not lines[j].blank:
            return lines[j].number
    return lines[start].number
