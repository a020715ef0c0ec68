"""Which passages of a paper are its reference list.

A reference list names every method the paper cites, so a query naming a method finds the
bibliography of every paper that cites it, above the passages that explain it (about a quarter of
the shared PDFs' passages are reference text). Search down-weights these passages
(search/fusion.py); here they are found.

A paper's passages are read in order. The list starts at a "References" (Bibliography, 参考文献)
heading followed by what an entry starts with (the passage holding the heading counts when it
already reads like entries; otherwise it is the end of the paper's text), and runs to an appendix, supplement or
acknowledgements heading (致谢, 附录) in a passage that no longer reads like entries, or to the first
passage that reads like prose (an appendix whose heading the PDF's text lost). A passage
outside such a region still counts when it is dense with entry patterns (a list whose heading
the PDF's text lost). Every pattern is a bounded token, so a passage is read in linear time.
"""

from __future__ import annotations

import re
from typing import Literal

Role = Literal["body", "references", "stub"]
BODY: Role = "body"
REFERENCES: Role = "references"
STUB: Role = "stub"  # a note passage with almost no body: a template's title and headings (corpus/chunking.py)

_START = re.compile(
    r"(?:^|[\s.])(?:References|REFERENCES|Bibliography|BIBLIOGRAPHY|Literature Cited|参\s?考\s?文\s?献)"
    r"[ \t]*(?:$|\n|(?=\[\d|\(\d|\d{1,3}\.? +[A-Z]|[A-Z][a-z]+,? +[A-Z]|[A-Z]\.|[\u4e00-\u9fff]))"
)
_END = re.compile(r"(?:^|\s)(?:Appendix|APPENDIX|Appendices|Supplementary|SUPPLEMENTARY|附\s?录|致\s?谢)(?:\s|$|:)")
# One bibliography-entry cue each: a numbered marker, a year, "et al.", a venue word, an author
# "A. Name," or "Name, A.".
_CUE = re.compile(
    r"\[\d{1,3}\]|\(\d{1,3}\) [A-Z]|\b(?:19|20)\d{2}[a-z]?\b|\bet al\.|"
    r"\b(?:In|Proc\.|Proceedings|arXiv|preprint|Conference|Journal|Trans\.|vol\.|pp\.|doi)\b|"
    r"\b[A-Z]\.(?: ?[A-Z]\.)? ?[A-Z][a-z]{1,30},|\b[A-Z][a-z]{1,30}, [A-Z]\.(?: ?[A-Z]\.)?[,;]"
)
_WORD = re.compile(r"\S+")
REGION_END_DENSITY = 8.0  # cues per 100 words below which an appendix heading ends the list
PROSE_DENSITY = 4.0  # below this a passage is prose (entries have 10-30): the list has ended
STRAY_LIST_DENSITY = 20.0  # cues per 100 words that make a passage entries without a heading


def cue_density(text: str) -> float:
    """Bibliography-entry cues per 100 words."""
    words = sum(1 for _ in _WORD.finditer(text))
    return 100.0 * sum(1 for _ in _CUE.finditer(text)) / max(words, 1)


def passage_roles(texts: list[str]) -> list[Role]:
    """The role of each passage of one paper, `texts` in reading order."""
    roles: list[Role] = []
    inside = False
    for text in texts:
        density = cue_density(text)
        if not inside and _START.search(text):
            inside = True  # the passage holding the heading may still end the paper's body
            roles.append(REFERENCES if density >= REGION_END_DENSITY else BODY)
            continue
        if inside and (density < PROSE_DENSITY or (_END.search(text) and density < REGION_END_DENSITY)):
            inside = False  # an appendix after the list, with or without its heading
        roles.append(REFERENCES if inside or density >= STRAY_LIST_DENSITY else BODY)
    return roles
