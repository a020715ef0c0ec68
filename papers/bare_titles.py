"""Bare checkbox titles: ``- [ ] Scalable Diffusion Models with Transformers`` with no venue,
year or link, as list 002 of the shared notes has dozens of. The checkbox says "an item to
read", not "a paper": the same lists hold to-dos (``- [x] accept file transfer``, Chinese
sentences, questions). So each item the entry forms did not read is scored:

* **title shape** (2): three or more words, first and most content words capitalised;
  **method name** (1): one or two words with a name like "DDIM", "MobileSAM";
* **paper link** (2): a link to a paper site on the line;
* **venue** (2): a venue word with its year ("UniAD CVPR23"), or a file-name form
  ``2022_CVPR_Title-With-Dashes``, which spells venue and year;
* **list** (1): at least two other paper entries or title-shaped items under the same heading.

Score 3 or more: a paper; 2: ambiguous (recorded only if linking ties it to a known paper,
e.g. the same title or abbreviation elsewhere; else reported); less: not a paper. Never a paper:
a to-do or remark (first word lower-case, "check ...", a question, a Chinese sentence, a short
English head before a Chinese note) or a name of software ("... in PyTorch", "toolbox").
Trailing emoji, bare URLs, stamps like ``23.7.14`` and ``>> remarks`` are not part of a title.
"""

from __future__ import annotations

import re
from collections import Counter

from corpus import strip_markup
from corpus.syntax import BARE_URL, CJK_CHAR, SPACES
from papers.entry_fields import clean_title, paper_entry
from papers.file_names import paper_from_note_filename
from papers.heading_papers import Judged
from papers.links import is_paper_url, labels_for_links, links_in
from papers.note_lines import NoteLine
from papers.title_shape import looks_like_todo, names_code, title_shape, words_of
from papers.venues import venue_token

_ITEM = re.compile(r"^(?:[-*+]|\d{1,3}[.)])[ \t]+\[([ xX])\][ \t]*")
_STAMP = re.compile(r"\d{1,4}(?:[./]\d{1,2}){1,2}")  # "23.7.14", "7.17": when it was added
_VENUE_SHORT_YEAR = re.compile(r"([A-Za-z]{2,12})'?(\d{2})")  # "CVPR23"


def bare_titles(
    lines: list[NoteLine], topics: list[tuple[str, ...]], path: str,
    taken: list[bool], entry_topics: Counter,
) -> list[Judged]:
    """Every checkbox item on a line no entry took, judged (see the module docstring).

    ``taken[i]``: line i is an entry or under one; ``entry_topics``: how many entries each
    heading path holds (the list evidence)."""
    items = []
    for i, line in enumerate(lines):
        if taken[i] or line.hidden or line.heading:
            continue
        item = _ITEM.match(line.content)
        if item:
            items.append((i, item.group(1) != " ", _read_item(line.content[item.end():])))
    titled = Counter(topics[i] for i, _, parts in items if title_shape(parts[0]) == "title")
    judged = []
    for i, read, (title, links, venue_raw, year, why_not) in items:
        shape = title_shape(title)
        others = entry_topics[topics[i]] + titled[topics[i]] - (shape == "title")
        judged.append(_judge(lines[i], topics[i], path, read, title, links, venue_raw, year, why_not, shape, others, i))
    return judged


def _read_item(rest: str):
    """(title text, links, venue, year, reason it cannot be a title or None)."""
    links = links_in(rest)
    text = BARE_URL.sub(" ", labels_for_links(rest, space=True))
    for mark in (">>", "->", "=>", "—>"):
        cut = text.find(mark)
        if cut != -1:
            text = text[:cut]
    text = SPACES.sub(" ", strip_markup(text)).strip()
    why_not = None
    cjk = CJK_CHAR.search(text)
    if cjk:
        head = text[: cjk.start()].strip(" ,;:-–—(（")
        if len(words_of(head)) < 3 or title_shape(head) != "title":
            return text, links, None, None, "Chinese remark"
        text = head
    words = text.split()
    while words and _STAMP.fullmatch(words[-1]):
        words.pop()
    name = paper_from_note_filename(words[0] + ".md") if words else None
    if name is not None:
        return name.title, links, name.venue_raw, name.year, None
    venue_raw = year = None
    for k, word in enumerate(words[1:], start=1):
        short = _VENUE_SHORT_YEAR.fullmatch(word)
        if short and venue_token(short.group(1)):
            venue_raw, year = word, 2000 + int(short.group(2))
            words = words[:k]
            break
    text = clean_title(" ".join(words))
    if looks_like_todo(words_of(text)):
        why_not = why_not or "to-do or remark"
    elif names_code(words_of(text)):
        why_not = "names software"
    return text, links, venue_raw, year, why_not


def _judge(line, topic, path, read, title, links, venue_raw, year, why_not, shape, others, index) -> Judged:
    if why_not is not None or shape in ("none",):
        return Judged(index, "checkbox", "no", (why_not or "not a title",), None)
    score, evidence = 0, []
    for present, points, why in (
        (shape == "title", 2, "title shape"),
        (shape == "name", 1, "method name"),
        (any(is_paper_url(link.url) for link in links), 2, "paper link"),
        (year is not None, 2, "venue/year"),
        (others >= 2, 1, "in a list of papers"),
    ):
        if present:
            score += points
            evidence.append(why)
    if shape == "other" and year is None or score < 2:
        return Judged(index, "checkbox", "no", tuple(evidence) or ("not a title",), None)
    verdict = "paper" if score >= 3 else "ambiguous"
    entry = paper_entry(
        title,
        venue_raw,
        links,
        topic=topic,
        path=path,
        line=line.number,
        year=year,
        abbreviation=title if shape == "name" and " " not in title else None,
        read=read,
        tentative=verdict != "paper",
        evidence="checkbox: " + ", ".join(evidence),
    )
    return Judged(index, "checkbox", verdict, tuple(evidence), entry)
