"""What one paper entry says: the PaperEntry shape, and readers for the pieces of an entry
line that list items and table rows share (a title's cleanup and shape, and the "tail" after
a title: ``Venue, 2022 June, **ABBR** [code](...)``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus import strip_markup
from corpus.syntax import CJK_CHAR, HTML_TAG, SPACES
from papers.dates import first_date
from papers.links import PaperLink, arxiv_from_links, labels_for_links, links_in, without_links
from papers.venues import is_known_venue, normalise_venue, venue_token

_STRONG = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_CODE_SPAN = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class PaperEntry:
    title: str
    venue: str | None
    venue_raw: str | None
    year: int | None
    month: int | None
    abbreviation: str | None
    read: bool | None
    links: tuple[PaperLink, ...]
    arxiv_id: str | None
    annotation: str | None
    topic: tuple[str, ...]
    path: str
    line: int
    # Entries read from weaker evidence (``papers.note_papers``): a heading's entry spans its
    # whole section; a tentative one becomes a record only if linking ties it to a known paper.
    end_line: int | None = None
    tentative: bool = False
    evidence: str | None = None


def paper_entry(
    title: str,
    venue_raw: str | None,
    links,
    *,
    topic: tuple[str, ...],
    path: str,
    line: int,
    year: int | None = None,
    month: int | None = None,
    abbreviation: str | None = None,
    read: bool | None = None,
    annotation: str | None = None,
    arxiv_elsewhere: str | None = None,
    **weaker,
) -> PaperEntry:
    """An entry from what its lines gave, however they gave it (a list line, a table row, a
    heading, a bare checkbox): the venue is normalised from its raw text and the arXiv id read from
    the links, else `arxiv_elsewhere` (an id the line names outside a link). `weaker`: the fields
    of entries read from weaker evidence (end_line, tentative, evidence)."""
    links = tuple(links)
    return PaperEntry(
        title=title,
        venue=normalise_venue(venue_raw),
        venue_raw=venue_raw,
        year=year,
        month=month,
        abbreviation=abbreviation,
        read=read,
        links=links,
        arxiv_id=arxiv_from_links(list(links)) or arxiv_elsewhere,
        annotation=annotation,
        topic=topic,
        path=path,
        line=line,
        **weaker,
    )


@dataclass
class Tail:
    """What follows an entry's title on its line."""

    links: list[PaperLink]
    venue_raw: str | None
    venue_known: bool
    year: int | None
    month: int | None
    abbreviation: str | None
    metadata_only: bool  # nothing but venue/date/abbreviation (and at most three more words)
    chinese_note: bool  # the rest is a note in Chinese


def parse_tail(tail: str) -> Tail:
    links = links_in(tail)
    text = HTML_TAG.sub(" ", without_links(tail))
    abbreviation = None
    marked = [m for m in (_STRONG.search(text), _CODE_SPAN.search(text)) if m is not None]
    if marked:
        first = min(marked, key=lambda m: m.start())
    if marked and not CJK_CHAR.search(text[: first.start()]):
        abbreviation = SPACES.sub(" ", next(g for g in first.groups() if g)).strip() or None
        text = text[: first.start()] + " " + text[first.end() :]
    text = strip_markup(text)
    text = SPACES.sub(" ", text).strip(" ,;")
    venue_raw = None
    year = month = None
    leftover = text
    date = first_date(text)
    if date:
        year, month = date.year, date.month
        before, leftover = text[: date.start], text[date.end :]
    else:
        before = ""
        first_word = text.split(",")[0].split()
        if first_word and venue_token(first_word[0].strip(",.;")):
            before, leftover = text.split(",")[0], ",".join(text.split(",")[1:])
    before = before.strip(" ,;.-–—")
    if before and _venue_like(before):
        venue_raw = before
    elif before:
        # the year sits inside a sentence ("proposed in 2020 ..."): not the paper's date
        year = month = None
        leftover = text
    leftover = leftover.strip(" ,;.")
    if leftover and abbreviation is None and abbreviation_like(leftover):
        abbreviation, leftover = leftover, ""
    venue_known = bool(venue_raw) and is_known_venue(normalise_venue(venue_raw))
    metadata_only = not leftover or (len(leftover.split()) <= 3 and not CJK_CHAR.search(leftover))
    chinese_note = bool(leftover) and bool(CJK_CHAR.match(leftover))
    return Tail(links, venue_raw, venue_known, year, month, abbreviation, metadata_only, chinese_note)


def _venue_like(text: str) -> bool:
    """"CVPR oral", "NeurIPS Datasets and Benchmarks Track", "Master Thesis", "计算机学报",
    "XX大学学报": not a sentence (a Chinese note after the year is one)."""
    if CJK_CHAR.search(text):
        return is_known_venue(normalise_venue(text)) or _chinese_venue_like(text)
    words = text.split()
    if is_known_venue(normalise_venue(text)):
        return len(words) <= 8
    return len(words) <= 3 and any(re.search(r"[A-Z]", w) for w in words)


_CHINESE_VENUE = re.compile(r"^[\u4e00-\u9fff（）()·:：\s]{2,30}(?:学报|期刊|杂志|通报|汇刊|大会|会议|研讨会|年会|论文集)$")


def _chinese_venue_like(text: str) -> bool:
    """A journal or conference not in the venue table, by its ending: "北京航空航天大学学报"."""
    return bool(_CHINESE_VENUE.match(text.strip()))


def clean_title(text: str) -> str:
    """A title as written in an entry, without link syntax, markup, quotes or end punctuation.
    A backslash-escaped character (``\\*``, ``\\[``: how the Markdown export writes a title's own
    Markdown characters) is that character, never markup."""
    escaped: list[str] = []

    def hold(match: re.Match[str]) -> str:
        escaped.append(match.group(1))
        return f"\ue000{len(escaped) - 1}\ue001"

    text = _ESCAPED.sub(hold, text)
    text = labels_for_links(text)
    text = strip_markup(text)
    text = SPACES.sub(" ", text).strip()
    text = text.strip("\"“”'‘’ ")
    text = text.rstrip(" .,;:").strip()
    return _HELD.sub(lambda m: escaped[int(m.group(1))], text)


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark's backslash escapes: ASCII punctuation
_HELD = re.compile("\ue000(\\d+)\ue001")


def has_letters(text: str) -> bool:
    return bool(re.search(r"[^\W\d_]", text))


def title_like(title: str, min_words: int = 2, allow_cjk: bool = False) -> bool:
    """An English title's shape: Latin letters, a sane number of words, no URL."""
    if not title or not re.search(r"[A-Za-z]", title):
        return False
    if not allow_cjk and CJK_CHAR.search(title):
        return False
    words = title.split()
    return min_words <= len(words) <= 40 and "://" not in title


def abbreviation_like(text: str) -> bool:
    """A bare method name after the date: one token with a capital, like "DAT" or "DeepFillv2"."""
    return (
        len(text) <= 40
        and len(text.split()) == 1
        and not CJK_CHAR.search(text)
        and bool(re.search(r"[A-Z]", text))
    )
