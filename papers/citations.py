"""Which catalog paper a reference entry names: citations inside the library.

A wrong link sends the researcher to a paper that was never cited, so precision comes first
(measured on hand-labelled entries of the shared PDFs, bench/quality/bench_citations.py):

1. an arXiv id or a DOI in the entry that a catalog paper carries — the strongest evidence;
2. else a catalog title found inside the entry: the title's words, hyphens and punctuation
   ignored, as a run of whole words, with the entry's punctuation (or its start or end) on both
   sides — a title followed by a colon is the start of a longer title ("Generative adversarial
   networks: an overview"), and "Conditional generative adversarial nets" does not name
   "Generative adversarial nets". Titles of fewer than ``MIN_TITLE_WORDS`` words (or Chinese
   titles under ``MIN_TITLE_CJK`` characters) are not looked for: "Mixup" or "DDIM" alone says
   too little;
3. else, for titles of at least ``FUZZY_MIN_WORDS`` words, the best partial alignment of the
   title in the entry scoring at least ``FUZZY_THRESHOLD`` (rapidfuzz partial_ratio), with the
   same boundary rule at the aligned span's ends — a typo or a dropped hyphen in a long title.

A title match also needs the entry's years to allow the paper's year (``_year_fits``): the same
authors reuse a title for a later survey or magazine version, which is another work.

When the entry holds titles of two papers, the longest title wins (it contains the shorter);
two different papers with equally long titles are not linked. Candidates come from an index of
title words, so an entry is compared with the few papers that share its rare words, not with all.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from papers.arxiv import extract_arxiv_id
from papers.records import PaperRecord
from papers.references import MAX_ENTRY_CHARS

MIN_TITLE_WORDS = 2
MIN_TITLE_CJK = 6
FUZZY_MIN_WORDS = 5
FUZZY_THRESHOLD = 95.0
YEAR_AFTER = 2  # a late proceedings or journal year of the same work
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]{1,200})", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_BOUNDARY = set('.,;"“”‘’\'?!()[]{}《》。，；：「」')  # characters that close or open a title
_TITLE_END_BAD = set(":：")  # a colon after a match: the match is the start of a longer title
_HYPHENS = "-\u2010\u2011\u00ad\ufffe"
_STRAY_ACCENTS = "´¨`^˜"  # pdfium's accents of an accented letter, separated from it
_STOP = frozenset("a an the of for and in on with to by from via using is are towards toward at as".split())


@dataclass(frozen=True)
class CitationMatch:
    paper_id: str
    method: str  # "arxiv" | "doi" | "title" | "title_fuzzy"
    score: float


@dataclass(frozen=True)
class Lookup:
    """One entry's match, and the keys it was looked up by: its arXiv id and DOI (None when it has
    none; looked up whether the catalog had them or not) and, when no id decided, its words (the
    title candidates are the papers whose rarest title word is one of them)."""

    match: CitationMatch | None
    arxiv: str | None
    doi: str | None
    words: frozenset[str]


@dataclass(frozen=True)
class MatcherKeys:
    """Everything a matcher answers an entry's keys with: the paper of each arXiv id and DOI, and
    the titles (paper, words, length, year) looked for under each word. ``lookup`` depends on
    nothing else, so an entry whose keys a second matcher answers alike matches alike there."""

    arxiv: dict[str, str]
    doi: dict[str, str]
    buckets: dict[str, frozenset[tuple]]

    def changed(self, other: MatcherKeys) -> tuple[set[str], set[str], set[str]]:
        """The arXiv ids, DOIs and words that ``other`` answers differently."""
        return (_differing(self.arxiv, other.arxiv), _differing(self.doi, other.doi),
                _differing(self.buckets, other.buckets))


def _differing(mine: dict, theirs: dict) -> set:
    return {key for key in mine.keys() | theirs.keys() if mine.get(key) != theirs.get(key)}


@dataclass(frozen=True)
class _Title:
    paper_id: str
    normalised: str  # words of the title, space separated
    words: int
    year: int | None  # the paper's year, when the catalog knows it


class CitationMatcher:
    """Matches entries to one catalog's papers; build once per catalog."""

    def __init__(self, papers: list[PaperRecord]):
        self._by_arxiv = {p.arxiv.lower(): p.paper_id for p in papers if p.arxiv}
        self._by_doi: dict[str, str] = {}
        self._titles: list[_Title] = []
        self._word_index: dict[str, list[int]] = defaultdict(list)
        for paper in papers:
            for url in (u for urls in paper.links.values() for u in urls):
                doi = _DOI.search(url)
                if doi:
                    self._by_doi.setdefault(_doi_key(doi.group(1)), paper.paper_id)
            for spelling in dict.fromkeys((paper.title, *paper.titles)):
                self._add_title(paper.paper_id, spelling, paper.year)
        frequency = {word: len(ids) for word, ids in self._word_index.items()}
        self._rarest = [min(_keywords(t.normalised), key=lambda w: (frequency.get(w, 0), w)) for t in self._titles]
        self._by_rarest: dict[str, list[int]] = defaultdict(list)  # a title is looked for by its rarest word only
        for i, word in enumerate(self._rarest):
            self._by_rarest[word].append(i)

    def _add_title(self, paper_id: str, spelling: str, year: int | None) -> None:
        normalised = normalise_words(spelling)[0]
        words = len(normalised.split())
        cjk = len(_CJK.findall(normalised))
        if (words < MIN_TITLE_WORDS and cjk < MIN_TITLE_CJK) or (cjk and cjk < MIN_TITLE_CJK) or not _keywords(normalised):
            return
        title = _Title(paper_id, normalised, max(words, cjk // 2), year)
        self._titles.append(title)
        for word in set(_keywords(normalised)):
            self._word_index[word].append(len(self._titles) - 1)

    def match(self, entry: str) -> CitationMatch | None:
        """The catalog paper ``entry`` cites, or None when nothing names one clearly."""
        return self.lookup(entry).match

    def lookup(self, entry: str) -> Lookup:
        """``match``, with the keys it looked the entry up by."""
        entry = entry[:MAX_ENTRY_CHARS]
        arxiv = extract_arxiv_id(entry)
        arxiv = arxiv.lower() if arxiv else None
        if arxiv in self._by_arxiv:
            return Lookup(CitationMatch(self._by_arxiv[arxiv], "arxiv", 100.0), arxiv, None, frozenset())
        doi = _DOI.search(entry)
        doi = _doi_key(doi.group(1)) if doi else None
        if doi in self._by_doi:
            return Lookup(CitationMatch(self._by_doi[doi], "doi", 100.0), arxiv, doi, frozenset())
        normalised, origin = normalise_words(entry)
        words = frozenset(set(normalised.split()) | hyphen_split_words(entry) | set(_CJK.findall(normalised)))
        return Lookup(self._match_title(entry, normalised, origin, words), arxiv, doi, words)

    def keys(self) -> MatcherKeys:
        """What this matcher answers each key with (see MatcherKeys)."""
        buckets = {word: frozenset((t.paper_id, t.normalised, t.words, t.year) for t in (self._titles[i] for i in ids))
                   for word, ids in self._by_rarest.items()}
        return MatcherKeys(dict(self._by_arxiv), dict(self._by_doi), buckets)

    def _match_title(self, entry: str, normalised: str, origin: list[int], words: frozenset[str]) -> CitationMatch | None:
        compact, compact_origin = _compact(normalised, origin)
        years = [int(y) for y in _YEAR.findall(entry)]
        candidates = {i for word in words for i in self._by_rarest.get(word, ())}
        found: list[tuple[int, float, str, str]] = []  # (title length, score, method, paper)
        for i in candidates:
            title = self._titles[i]
            span = _exact_span(compact, title.normalised.replace(" ", ""))
            method, score, where = "title", 100.0, compact_origin
            if span is None and title.words >= FUZZY_MIN_WORDS:
                span, score = _fuzzy_span(normalised, title.normalised)
                method, where = "title_fuzzy", origin
            if span is not None and _bounded(entry, where, *span) and _year_fits(title.year, years):
                found.append((len(title.normalised), score, method, title.paper_id))
        if not found:
            return None
        found.sort(reverse=True)
        length, score, method, paper_id = found[0]
        if any(other[0] == length and other[3] != paper_id for other in found[1:]):
            return None  # two papers with equally good titles: not a guess
        return CitationMatch(paper_id, method, score)


def normalise_words(text: str) -> tuple[str, list[int]]:
    """``text`` as lower-case words (letters, digits, CJK) separated by single spaces, hyphens
    deleted ("Self-Supervised" = "selfsupervised", a word broken at a line end joined), and
    for each character its offset in ``text``, so a match can look at the punctuation around it."""
    return _normalise_ascii(text) if text.isascii() else _normalise_chars(text)


def hyphen_split_words(entry: str) -> set[str]:
    """The words of ``entry`` with its hyphens taken as spaces ("text-driven": "text", "driven"),
    as ``normalise_words`` gives them; an ASCII entry's are its runs of letters and digits."""
    if entry.isascii():
        return set(_ASCII_WORD.findall(entry.lower()))
    return set(normalise_words(_HYPHEN.sub(" ", entry))[0].split())


_HYPHEN = re.compile(f"[{_HYPHENS}]")


def _normalise_chars(text: str) -> tuple[str, list[int]]:
    """`normalise_words` a character at a time, each folded on its own."""
    out: list[str] = []
    origin: list[int] = []
    pending_space = joining = False
    for offset, char in enumerate(text):
        if char in _HYPHENS:
            joining = True  # "High- ̈ resolution": the PDF's line break and a stray accent join again
            continue
        folded, word, cjk = _fold(char)
        if joining and (not folded or folded.isspace() or char in _STRAY_ACCENTS):
            continue
        if word:
            if pending_space and out and not joining:
                out.append(" ")
                origin.append(offset)
            pending_space = joining = False
            for c in folded:
                out.append(c)
                origin.append(offset)
            if cjk:
                pending_space = True  # each Chinese character is a word of its own
        else:
            pending_space, joining = True, False
    return "".join(out), origin


_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")
_JOINED = re.compile(r"-[-\s`^]*\Z")  # what is left between two words after a hyphen that joins them


def _normalise_ascii(text: str) -> tuple[str, list[int]]:
    """`normalise_words` of an ASCII text (nine entries in ten), a word at a time instead of a
    character at a time: at 10,000 files a build normalises some 100,000 entries. Two words are
    one when what lies between them ends in a hyphen and spaces (or stray accents)."""
    out: list[str] = []
    origin: list[int] = []
    end = None
    for word in _ASCII_WORD.finditer(text):
        start = word.start()
        if end is not None and ("-" not in text[end:start] or not _JOINED.search(text, end, start)):
            out.append(" ")
            origin.append(start)
        end = word.end()
        out.append(word.group().lower())
        origin.extend(range(start, end))
    return "".join(out), origin


@lru_cache(maxsize=1 << 16)
def _fold(char: str) -> tuple[str, bool, bool]:
    """One character lower-cased without its accents; whether that is a word's; whether it is
    Chinese. Worked out once per character seen: at 10,000 files a build normalises some 50,000
    reference entries, and doing this per occurrence was most of the citation matching."""
    folded = unicodedata.normalize("NFKD", char)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return folded, bool(folded) and all(c.isalnum() for c in folded), bool(_CJK.match(char))


def _keywords(normalised: str) -> list[str]:
    return [w for w in normalised.split() if keyword_of_title(w)]


def keyword_of_title(word: str) -> bool:
    """Whether a title's ``word`` can be the one it is looked for by (not a stop word or a letter)."""
    return word not in _STOP and (len(word) > 1 or _CJK.match(word) is not None)


def _compact(normalised: str, origin: list[int]) -> tuple[str, list[int]]:
    """The normalised text without its spaces, and each character's offset in the original: a
    title matches whatever the spacing ("text-driven" / "Text Driven", "Recog nition")."""
    return normalised.replace(" ", ""), [offset for char, offset in zip(normalised, origin) if char != " "]


def _exact_span(entry: str, title: str) -> tuple[int, int] | None:
    """The first occurrence of ``title`` in the compact ``entry`` (its edges are checked against
    the original text's punctuation by ``_bounded``, which makes them whole words)."""
    position = entry.find(title)
    return (position, position + len(title)) if position >= 0 and title else None


def _fuzzy_span(entry: str, title: str) -> tuple[tuple[int, int] | None, float]:
    """The span of ``entry`` best aligned with ``title``, snapped to whole words, if it scores
    ``FUZZY_THRESHOLD``."""
    alignment = fuzz.partial_ratio_alignment(title, entry, score_cutoff=FUZZY_THRESHOLD)
    if alignment is None:
        return None, 0.0
    start, end = alignment.dest_start, alignment.dest_end
    while start > 0 and entry[start - 1] != " ":
        start -= 1
    while end < len(entry) and entry[end] != " ":
        end += 1
    if fuzz.ratio(title, entry[start:end]) < FUZZY_THRESHOLD:
        return None, 0.0  # snapping to whole words took in more than a typo
    return (start, end), float(alignment.score)


def _bounded(text: str, origin: list[int], start: int, end: int) -> bool:
    """Whether the original text has a title's punctuation (or its start or end) before and after
    the normalised span ``start:end``."""
    first, last = origin[start], origin[end - 1]
    before = text[:first].rstrip()
    after = text[last + 1 :].lstrip()
    # a colon before: "Kreis, K.: Align your latents" (LNCS) names the title; "Tutorial: Generative
    # adversarial networks" is another work whose subtitle it is
    before_ok = not before or before[-1] in _BOUNDARY or (before[-1] in ":：" and before[:-1].rstrip()[-1:] in (".", ")"))
    after_ok = not after or (after[0] in _BOUNDARY and after[0] not in _TITLE_END_BAD)
    return before_ok and after_ok


def _year_fits(year: int | None, years: list[int]) -> bool:
    """Whether the entry's years allow the paper's: a title reused years later by the same
    authors ("Generative adversarial networks", Communications of the ACM 2020, is not the 2014
    paper) is another work. An earlier year fits (the catalog may know a later journal version,
    or a wrong year); an entry without a year, or a paper without one, fits."""
    if year is None or not years:
        return True
    return min(years) <= year + YEAR_AFTER


def _doi_key(doi: str) -> str:
    return doi.rstrip(".,;)").lower()
