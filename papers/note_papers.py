"""All the papers a note names: the entries of ``papers.entries`` (strong forms: a quoted title,
a venue and year, a paper link), then, on the lines those leave, headings that name a paper
(``papers.heading_papers``) and bare checkbox titles (``papers.bare_titles``), each judged on
its evidence. Tentative entries (ambiguous judgements) are kept so that linking can confirm
them against known papers; the catalog reports those it cannot."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from papers.bare_titles import bare_titles
from papers.entries import strong_entries
from papers.entry_fields import PaperEntry
from papers.heading_papers import Judged, heading_papers
from papers.note_lines import heading_topics, split_note_lines


@dataclass
class NotePapers:
    entries: list[PaperEntry]  # in line order; tentative ones included
    judged: list[Judged]  # every heading and leftover checkbox item, with its verdict


def read_note_papers(text: str, path: str) -> NotePapers:
    lines = split_note_lines(text)
    topics = heading_topics(lines)
    found, spans = strong_entries(lines, topics, path)
    starts = [0] * (len(lines) + 1)  # difference array: lines an entry took
    for index in found:
        end = max(spans.get(index, index + 1), index + 1)
        starts[index] += 1
        starts[min(end, len(lines))] -= 1
    taken, depth = [], 0
    for i in range(len(lines)):
        depth += starts[i]
        taken.append(depth > 0)
    entry_topics = Counter(topics[i] for i in found)
    judged = heading_papers(lines, topics, path, taken, sorted(found)) + bare_titles(
        lines, topics, path, taken, entry_topics
    )
    entries = dict(found)
    for judgement in judged:
        if judgement.entry is not None:
            entries.setdefault(judgement.index, judgement.entry)
    return NotePapers([entries[i] for i in sorted(entries)], sorted(judged, key=lambda j: j.index))
