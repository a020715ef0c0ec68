"""The forms a paper entry's first line takes, and the fields each gives: a quoted title, a
title in a link to a paper site or a local paper file, an unquoted title followed by its venue
and year, a citation line. `papers.entries` finds the heads; this module reads them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from corpus import strip_markup
from corpus.syntax import CJK_CHAR, SPACES
from papers.dates import last_date
from papers.entry_fields import abbreviation_like, clean_title, has_letters, parse_tail, title_like
from papers.file_names import paper_from_note_filename
from papers.links import (
    PaperLink, is_badge, is_link_label, is_paper_url, is_remote, label_from_url, leading_link, links_in, without_links,
)
from papers.venues import is_known_venue, is_venue_modifier, normalise_venue, venue_token

_AUTHORS_JOINED = re.compile(r"\bet\.?\s*al\b|\bet\s+la\b|\s(?:and|&)\s")
_CITATION = re.compile(
    r"^\(?\s*(?P<title>[^()]+?),\s+"
    r"(?P<authors>[A-Z][\w'’\-]*(?:\s+(?:and|&)\s+[A-Z][\w'’\-]*)?(?:\s+(?:et\.?\s*al|et\s+la)\.?)?)"
    r"[,.]?\s+(?:in\s+)?(?P<venue>[A-Za-z][A-Za-z0-9 \-]*?)\s*'?(?P<year>(?:19|20)\d{2}|\d{2})\s*\)?\s*[.,]?$"
)


@dataclass
class EntryHead:
    index: int
    kind: str  # "bullet", "quote", "para"
    read: bool | None
    rest: str  # text after the bullet marker and checkbox


Fields = tuple[str, list[PaperLink], str | None, int | None, int | None, str | None]


def looks_like_citation(text: str) -> bool:
    return (
        len(text) < 400
        and bool(re.search(r"\d{2}\)?\s*[.,]?$", text))
        and bool(_AUTHORS_JOINED.search(text))
        and _CITATION.match(strip_markup(text)) is not None
    )


def fields_from_head(head: EntryHead, listed_paper_link: Callable[[], bool]) -> Fields | None:
    rest = head.rest
    if not rest:
        return None
    if rest[0] in "\"“":
        return _quoted_entry(head, listed_paper_link)
    if rest.startswith("["):
        found = _linked_title_entry(head)
        if found is not None:
            return found
        if head.kind != "bullet":
            return None
    return _unquoted_entry(head, listed_paper_link)


def _quoted_entry(head: EntryHead, listed_paper_link: Callable[[], bool]) -> Fields | None:
    rest = head.rest
    close = "”" if rest[0] == "“" else '"'
    end = _unescaped(rest, close)
    if end == -1 and close == "”":
        end = _unescaped(rest, '"')
    if end <= 1:
        return None
    title = clean_title(rest[1:end])
    if not has_letters(title):
        return None
    tail = parse_tail(rest[end + 1 :])
    words = len(title.split())
    def has_paper_link() -> bool:
        return any(is_paper_url(link.url) for link in tail.links) or listed_paper_link()

    bullet = head.kind == "bullet"
    if words < 2 and not (bullet and (tail.year or tail.venue_known or has_paper_link())):
        return None
    # A line that merely starts with a quotation ("Warm up" the learning rate ...) is prose;
    # a title followed by metadata, or by a note in Chinese, is an entry.
    if not (
        tail.year is not None
        or tail.venue_known
        or has_paper_link()
        or tail.metadata_only
        or (bullet and words >= 3 and tail.chinese_note)
    ):
        return None
    return title, tail.links, tail.venue_raw, tail.year, tail.month, tail.abbreviation


def _unescaped(text: str, quote: str) -> int:
    """Where ``quote`` first occurs after the opening one, not backslash-escaped (the Markdown
    export writes a title's own ``"`` as ``\\"``); -1 if nowhere."""
    at = text.find(quote, 1)
    while at != -1:
        before = at
        while before > 0 and text[before - 1] == "\\":
            before -= 1
        if (at - before) % 2 == 0:
            return at
        at = text.find(quote, at + 1)
    return -1


def _linked_title_entry(head: EntryHead) -> Fields | None:
    rest = head.rest
    match = leading_link(rest)
    if match is None or is_badge(match, rest):
        return None
    text, url = match.label.strip(), match.url.strip()
    tail = parse_tail(rest[match.end :])
    if not is_remote(url):
        if head.kind == "para":
            return None  # a file link on a line of its own belongs to the entry above it
        # Only a link whose text is itself a file name ("[2020_CVPR_Title.pdf](./...)"); a
        # "[note](./2020_..._Note.md)" link under an entry is that entry's link, not a paper.
        info = paper_from_note_filename(text.strip())
        if info is None:
            return None
        kind = "note" if re.search(r"(?i)\.(md|markdown)$", url) else "pdf"
        links = [PaperLink(kind, url)] + tail.links
        venue_raw = info.venue_raw or tail.venue_raw
        return (
            info.title,
            links,
            venue_raw,
            info.year,
            info.month if info.month is not None else tail.month,
            info.abbreviation or tail.abbreviation,
        )
    if not is_paper_url(url):
        return None
    title = clean_title(re.sub(r"(?i)^arxiv\s*[:：]\s*", "", text))
    if len(title.split()) < 2 or CJK_CHAR.search(title) or is_link_label(title):
        return None
    if head.kind != "bullet" and not (tail.metadata_only or tail.year is not None):
        return None
    links = [PaperLink(label_from_url(url, remote_paper="paper"), url)] + tail.links
    return title, links, tail.venue_raw, tail.year, tail.month, tail.abbreviation


def _unquoted_entry(head: EntryHead, listed_paper_link: Callable[[], bool]) -> Fields | None:
    rest = head.rest
    citation = _CITATION.match(strip_markup(rest)) if looks_like_citation(rest) else None
    if citation and _AUTHORS_JOINED.search(citation.group("authors")):
        venue = venue_token(citation.group("venue").split()[-1]) if citation.group("venue").split() else None
        venue_raw = citation.group("venue").strip()
        if venue is None:
            venue = normalise_venue(venue_raw)
            venue = venue if is_known_venue(venue) else None
        title = clean_title(citation.group("title"))
        if venue and len(title.split()) >= 2 and not CJK_CHAR.search(title):
            year_text = citation.group("year")
            year = int(year_text) if len(year_text) == 4 else 2000 + int(year_text)
            return title, [], venue_raw, year, None, None
    if head.kind != "bullet":
        return None
    head_links = links_in(rest)
    text = strip_markup(without_links(rest))
    text = SPACES.sub(" ", text).strip()
    if not text or CJK_CHAR.search(text) or re.search(r"[\"“”]|>>|->|=>", text):
        return None
    # "Title Venue, 2021 Jun" / "Title 2021 Jun" / "Title *Apr 2023*"
    split = _split_unquoted(text)
    if split is not None:
        title, venue_raw, year, month, abbreviation = split
        if title_like(title):
            return title, head_links, venue_raw, year, month, abbreviation
    # "Title" followed by a link to a paper site on the lines below
    if any(is_paper_url(link.url) for link in head_links) or listed_paper_link():
        title, venue_raw = _split_venue_without_year(text)
        if title_like(title, min_words=1) and re.search(r"[A-Z]", title):
            return title, head_links, venue_raw, None, None, None
    return None


def _split_unquoted(text: str):
    date = last_date(text)
    if date is None:
        return None
    after = text[date.end :].strip(" ,;")
    if len(after.split()) > 3:
        return None
    before = text[: date.start].rstrip(" ,;(")
    tokens = before.split()
    # The venue is the last known venue word before the date, plus its modifiers.
    venue_at = None
    for k in range(len(tokens) - 1, max(-1, len(tokens) - 6), -1):
        word = tokens[k].strip(",.;()")
        if venue_token(word):
            venue_at = k
            break
        if not is_venue_modifier(word):
            break
    if venue_at is not None:
        title = " ".join(tokens[:venue_at]).rstrip(" ,.;:-–—")
        venue_raw = " ".join(tokens[venue_at:]).strip(" ,.;")
    elif date.month is not None:
        title, venue_raw = before.rstrip(" ,.;:-–—"), None
    else:
        return None
    abbreviation = after if after and abbreviation_like(after) else None
    return clean_title(title), venue_raw, date.year, date.month, abbreviation


def _split_venue_without_year(text: str) -> tuple[str, str | None]:
    """"A Toolbox for Video Restoration: VR-Baseline. CVPR NTIRE 3rd award" → title, venue."""
    for match in re.finditer(r"[.,]\s+(\S+)", text):
        if venue_token(match.group(1).strip(",.;")):
            return clean_title(text[: match.start()]), text[match.start(1) :].strip()
    return clean_title(text), None
