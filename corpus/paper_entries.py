"""Paper records from a researcher's Markdown: reading lists, per-paper notes, note file names.

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

Links on the indented lines under an entry belong to it; ``>`` lines under it are its
annotation. Fenced code, front matter and HTML comments are never searched. Headings give
the topic path. What an entry's fields say (venue, month, links, arXiv id) is read by
`corpus.paper_fields`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.markdown_clean import clean_heading
from corpus.paper_fields import (
    BADGE_LINK,
    BARE_URL,
    HTML_TAG,
    IMAGE,
    LINK,
    SPACES,
    VENUE_ALIASES,
    VENUE_MODIFIERS,
    PaperLink,
    arxiv_from_links,
    dedupe_links,
    extract_arxiv_id,
    is_link_label,
    is_paper_url,
    label_from_url,
    link_only,
    links_in,
    month_number,
    normalise_venue,
    paper_from_note_filename,
    strip_markup,
    venue_token,
)

__all__ = ["PaperEntry", "parse_paper_entries"]


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


# --------------------------------------------------------------------------- regexes

_QUOTE_PREFIX = re.compile(r"^([ \t]*)((?:>[ \t]?)+)")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)\s*$")
_BULLET = re.compile(r"^(?:[-*+]|\d{1,3}[.)])[ \t]+(?=\S)")
_CHECKBOX = re.compile(r"^\[([ xX])\][ \t]*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef\u3000-\u303f]")
_STRONG = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_CODE_SPAN = re.compile(r"`([^`]+)`")

_MONTH_WORD = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_CN_MONTH = r"(?:十[一二]?|[一二三四五六七八九])"
_DATE = re.compile(
    r"(?<![A-Za-z0-9_.])(?P<year>(?:19|20)\d{2})(?![A-Za-z0-9_])"
    r"(?:\s*年\s*(?P<cnmonth>1[0-2]|0?[1-9]|" + _CN_MONTH + r")\s*月"
    r"|[ \t]*[,./\-]?[ \t]*(?P<month>" + _MONTH_WORD + r"\.?(?![a-z])|(?:1[0-2]|0?[1-9])(?![\w.]))"
    r"(?:[ \t]+(?P<day>[0-3]?\d)(?![\w.]))?)?",
    re.IGNORECASE,
)
_MONTH_FIRST = re.compile(
    r"(?<![A-Za-z0-9_])(?P<month>" + _MONTH_WORD + r")\.?,?[ \t]+(?P<year>(?:19|20)\d{2})(?![A-Za-z0-9_])",
    re.IGNORECASE,
)
_CITATION = re.compile(
    r"^\(?\s*(?P<title>[^()]+?),\s+"
    r"(?P<authors>[A-Z][\w'’\-]*(?:\s+(?:and|&)\s+[A-Z][\w'’\-]*)?(?:\s+(?:et\.?\s*al|et\s+la)\.?)?)"
    r"[,.]?\s+(?:in\s+)?(?P<venue>[A-Za-z][A-Za-z0-9 \-]*?)\s*'?(?P<year>(?:19|20)\d{2}|\d{2})\s*\)?\s*[.,]?$"
)

_TITLE_HEADERS = {"论文", "论文名", "论文名称", "论文标题", "标题", "题目", "文章", "paper", "papers",
                  "title", "paper title", "name", "名称"}
_YEAR_HEADERS = {"年份", "年", "时间", "发表时间", "year", "date", "published"}
_VENUE_HEADERS = {"venue", "会议", "期刊", "会议/期刊", "出处", "来源", "conference", "journal",
                  "publication", "conf", "发表"}
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")


# --------------------------------------------------------------------------- parsing


@dataclass
class _Line:
    number: int
    indent: int  # columns before the first character (or before the first '>')
    depth: int  # blockquote depth
    content_indent: int  # spaces after the quote markers
    content: str  # text after quote markers and indentation
    hidden: bool = False  # code, front matter, HTML comment
    heading: tuple[int, str] | None = None

    @property
    def blank(self) -> bool:
        return not self.content.strip()


@dataclass
class _Head:
    index: int
    kind: str  # "bullet", "quote", "para"
    read: bool | None
    rest: str  # text after the bullet marker and checkbox


def parse_paper_entries(text: str, path: str) -> list[PaperEntry]:
    """Every paper entry in a Markdown note, in order of appearance."""
    lines = _split_lines(text)
    topics = _topics(lines)
    entries: dict[int, PaperEntry] = {}
    spans: dict[int, int] = {}
    heads = [h for h in (_head_at(lines, i) for i in range(len(lines))) if h is not None]
    # Innermost first: a parent's links and annotation must not take its children's lines.
    for head in reversed(heads):
        end = _span_end(lines, head)
        own = _own_lines(head.index, end, spans)
        entry = _entry_from_head(lines, head, own, topics[head.index], path)
        if entry is not None:
            entries[head.index] = entry
            spans[head.index] = end
    for index, entry in _table_entries(lines, topics, path):
        entries.setdefault(index, entry)
    return [entries[i] for i in sorted(entries)]


def _split_lines(text: str) -> list[_Line]:
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    result: list[_Line] = []
    fence: tuple[str, int, int] | None = None  # marker, indent, depth of the opener
    in_comment = False
    front_matter = bool(raw_lines) and raw_lines[0].strip() == "---"
    for number, raw in enumerate(raw_lines, start=1):
        expanded = raw.expandtabs(4)
        quote = _QUOTE_PREFIX.match(expanded)
        if quote:
            indent = len(quote.group(1))
            depth = quote.group(2).count(">")
            after = expanded[quote.end():]
        else:
            indent = len(expanded) - len(expanded.lstrip(" "))
            depth = 0
            after = expanded[indent:]
        content = after.lstrip(" ")
        line = _Line(number, indent, depth, len(after) - len(content), content.rstrip())
        if front_matter:
            line.hidden = True
            if number > 1 and content.strip() in {"---", "..."}:
                front_matter = False
            result.append(line)
            continue
        fence_match = _FENCE.match(content)
        if fence is not None:
            line.hidden = True
            line.indent, line.depth = max(line.indent, fence[1]), max(line.depth, fence[2])
            if fence_match and fence_match.group(1)[0] == fence[0]:
                fence = None
            result.append(line)
            continue
        if fence_match:
            fence = (fence_match.group(1)[0], indent, depth)
            line.hidden = True
            result.append(line)
            continue
        if in_comment or content.startswith("<!--"):
            line.hidden = True
            in_comment = "-->" not in content[4 if not in_comment else 0:]
            result.append(line)
            continue
        if depth == 0 and indent <= 3:
            heading = _HEADING.match(content)
            if heading:
                line.heading = (len(heading.group(1)), clean_heading(heading.group(2)))
        result.append(line)
    return result


def _topics(lines: list[_Line]) -> list[tuple[str, ...]]:
    stack: list[tuple[int, str]] = []
    topics = []
    for line in lines:
        if line.heading and not line.hidden:
            level, heading = line.heading
            stack = [(lvl, h) for lvl, h in stack if lvl < level]
            if heading:
                stack.append((level, heading))
        topics.append(tuple(h for _, h in stack))
    return topics


def _head_at(lines: list[_Line], index: int) -> _Head | None:
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
        return _Head(index, "bullet", read, rest.strip())
    kind = "quote" if line.depth else "para"
    if content[0] in "\"“[" or _looks_like_citation(content):
        return _Head(index, kind, None, content.strip())
    return None


def _looks_like_citation(text: str) -> bool:
    return (
        len(text) < 400
        and bool(re.search(r"\d{2}\)?\s*[.,]?$", text))
        and bool(re.search(r"\bet\.?\s*al\b|\bet\s+la\b|\s(?:and|&)\s", text))
        and _CITATION.match(strip_markup(text)) is not None
    )


def _span_end(lines: list[_Line], head: _Head) -> int:
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


def _own_lines(start: int, end: int, spans: dict[int, int]) -> list[int]:
    own = []
    j = start + 1
    while j < end:
        if j in spans:
            j = max(spans[j], j + 1)
            continue
        own.append(j)
        j += 1
    return own


def _entry_from_head(
    lines: list[_Line], head: _Head, own: list[int], topic: tuple[str, ...], path: str
) -> PaperEntry | None:
    first = lines[head.index]
    links: list[PaperLink] = []
    listed: list[PaperLink] = []  # links on lines that hold nothing but links
    annotation: list[str] = []
    for j in own:
        line = lines[j]
        if line.hidden:
            continue
        if line.depth > first.depth:
            text = SPACES.sub(" ", line.content).strip()
            if text:
                annotation.append(text)
        else:
            found = links_in(line.content)
            links.extend(found)
            if link_only(line.content):
                listed.extend(found)
    fields = _fields_from_head(head, listed)
    if fields is None:
        return None
    title, tail_links, venue_raw, year, month, abbreviation = fields
    all_links = dedupe_links(tail_links + links)
    arxiv_id = arxiv_from_links(all_links) or extract_arxiv_id(head.rest)
    return PaperEntry(
        title=title,
        venue=normalise_venue(venue_raw),
        venue_raw=venue_raw,
        year=year,
        month=month,
        abbreviation=abbreviation,
        read=head.read,
        links=tuple(all_links),
        arxiv_id=arxiv_id,
        annotation="\n".join(annotation) or None,
        topic=topic,
        path=path,
        line=first.number,
    )


_Fields = tuple[str, list[PaperLink], str | None, int | None, int | None, str | None]


def _fields_from_head(head: _Head, continuation_links: list[PaperLink]) -> _Fields | None:
    rest = head.rest
    if not rest:
        return None
    if rest[0] in "\"“":
        return _quoted_entry(head, continuation_links)
    if rest.startswith("["):
        found = _linked_title_entry(head)
        if found is not None:
            return found
        if head.kind != "bullet":
            return None
    return _unquoted_entry(head, continuation_links)


def _quoted_entry(head: _Head, continuation_links: list[PaperLink]) -> _Fields | None:
    rest = head.rest
    close = "”" if rest[0] == "“" else '"'
    end = rest.find(close, 1)
    if end == -1 and close == "”":
        end = rest.find('"', 1)
    if end <= 1:
        return None
    title = _clean_title(rest[1:end])
    if not _has_letters(title):
        return None
    tail = _parse_tail(rest[end + 1 :])
    words = len(title.split())
    has_paper_link = any(is_paper_url(link.url) for link in tail.links + continuation_links)
    bullet = head.kind == "bullet"
    if words < 2 and not (bullet and (tail.year or tail.venue_known or has_paper_link)):
        return None
    # A line that merely starts with a quotation ("Warm up" the learning rate ...) is prose;
    # a title followed by metadata, or by a note in Chinese, is an entry.
    if not (
        tail.year is not None
        or tail.venue_known
        or has_paper_link
        or tail.metadata_only
        or (bullet and words >= 3 and tail.chinese_note)
    ):
        return None
    return title, tail.links, tail.venue_raw, tail.year, tail.month, tail.abbreviation


def _linked_title_entry(head: _Head) -> _Fields | None:
    rest = head.rest
    badge = BADGE_LINK.match(rest)
    if badge:
        return None
    match = LINK.match(rest)
    if not match:
        return None
    text, url = match.group(1).strip(), match.group(2).strip()
    tail = _parse_tail(rest[match.end() :])
    local = not re.match(r"(?i)[a-z][a-z0-9+.-]*://", url)
    if local:
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
    title = _clean_title(re.sub(r"(?i)^arxiv\s*[:：]\s*", "", text))
    if len(title.split()) < 2 or _CJK.search(title) or is_link_label(title):
        return None
    if head.kind != "bullet" and not (tail.metadata_only or tail.year is not None):
        return None
    links = [PaperLink(label_from_url(url, remote_paper="paper"), url)] + tail.links
    return title, links, tail.venue_raw, tail.year, tail.month, tail.abbreviation


def _unquoted_entry(head: _Head, continuation_links: list[PaperLink]) -> _Fields | None:
    rest = head.rest
    citation = _CITATION.match(strip_markup(rest)) if _looks_like_citation(rest) else None
    if citation and re.search(r"\bet\.?\s*al\b|\bet\s+la\b|\s(?:and|&)\s", citation.group("authors")):
        venue = venue_token(citation.group("venue").split()[-1]) if citation.group("venue").split() else None
        venue_raw = citation.group("venue").strip()
        if venue is None:
            venue = normalise_venue(venue_raw)
            venue = venue if venue in VENUE_ALIASES.values() else None
        title = _clean_title(citation.group("title"))
        if venue and len(title.split()) >= 2 and not _CJK.search(title):
            year_text = citation.group("year")
            year = int(year_text) if len(year_text) == 4 else 2000 + int(year_text)
            return title, [], venue_raw, year, None, None
    if head.kind != "bullet":
        return None
    head_links = links_in(rest)
    text = strip_markup(IMAGE.sub(" ", LINK.sub(" ", rest)))
    text = BARE_URL.sub(" ", text)
    text = SPACES.sub(" ", text).strip()
    if not text or _CJK.search(text) or re.search(r"[\"“”]|>>|->|=>", text):
        return None
    # "Title Venue, 2021 Jun" / "Title 2021 Jun" / "Title *Apr 2023*"
    split = _split_unquoted(text)
    if split is not None:
        title, venue_raw, year, month, abbreviation = split
        if _title_like(title):
            return title, head_links, venue_raw, year, month, abbreviation
    # "Title" followed by a link to a paper site on the lines below
    if any(is_paper_url(link.url) for link in head_links + continuation_links):
        title, venue_raw = _split_venue_without_year(text)
        if _title_like(title, min_words=1) and re.search(r"[A-Z]", title):
            return title, head_links, venue_raw, None, None, None
    return None


def _split_unquoted(text: str):
    date = None
    for match in _DATE.finditer(text):
        date = match
    month_first = None
    for match in _MONTH_FIRST.finditer(text):
        month_first = match
    if month_first is not None and (date is None or month_first.start() < date.start() <= month_first.end()):
        start, end = month_first.start(), month_first.end()
        year, month = int(month_first.group("year")), month_number(month_first.group("month"))
    elif date is not None:
        start, end = date.start(), date.end()
        year, month = int(date.group("year")), month_number(date.group("cnmonth") or date.group("month"))
    else:
        return None
    after = text[end:].strip(" ,;")
    if len(after.split()) > 3:
        return None
    before = text[:start].rstrip(" ,;(")
    tokens = before.split()
    # The venue is the last known venue word before the date, plus its modifiers.
    venue_at = None
    for k in range(len(tokens) - 1, max(-1, len(tokens) - 6), -1):
        word = tokens[k].strip(",.;()")
        if venue_token(word):
            venue_at = k
            break
        if word.casefold() not in VENUE_MODIFIERS:
            break
    if venue_at is not None:
        title = " ".join(tokens[:venue_at]).rstrip(" ,.;:-–—")
        venue_raw = " ".join(tokens[venue_at:]).strip(" ,.;")
    elif month is not None:
        title, venue_raw = before.rstrip(" ,.;:-–—"), None
    else:
        return None
    abbreviation = after if after and _abbreviation_like(after) else None
    return _clean_title(title), venue_raw, year, month, abbreviation


def _split_venue_without_year(text: str) -> tuple[str, str | None]:
    """"A Toolbox for Video Restoration: VR-Baseline. CVPR NTIRE 3rd award" → title, venue."""
    for match in re.finditer(r"[.,]\s+(\S+)", text):
        if venue_token(match.group(1).strip(",.;")):
            return _clean_title(text[: match.start()]), text[match.start(1) :].strip()
    return _clean_title(text), None


# --------------------------------------------------------------------------- the tail


@dataclass
class _Tail:
    links: list[PaperLink]
    venue_raw: str | None
    venue_known: bool
    year: int | None
    month: int | None
    abbreviation: str | None
    metadata_only: bool
    chinese_note: bool


def _parse_tail(tail: str) -> _Tail:
    links = links_in(tail)
    text = BADGE_LINK.sub(" ", tail)
    text = IMAGE.sub(" ", text)
    text = LINK.sub(" ", text)
    text = BARE_URL.sub(" ", text)
    text = HTML_TAG.sub(" ", text)
    abbreviation = None
    marked = [m for m in (_STRONG.search(text), _CODE_SPAN.search(text)) if m is not None]
    if marked:
        first = min(marked, key=lambda m: m.start())
    if marked and not _CJK.search(text[: first.start()]):
        abbreviation = SPACES.sub(" ", next(g for g in first.groups() if g)).strip() or None
        text = text[: first.start()] + " " + text[first.end() :]
    text = strip_markup(text)
    text = SPACES.sub(" ", text).strip(" ,;")
    venue_raw = None
    year = month = None
    leftover = text
    date = _DATE.search(text)
    month_first = _MONTH_FIRST.search(text)
    if month_first and (date is None or month_first.start() < date.start()):
        year, month = int(month_first.group("year")), month_number(month_first.group("month"))
        before, leftover = text[: month_first.start()], text[month_first.end() :]
    elif date:
        year = int(date.group("year"))
        month = month_number(date.group("cnmonth") or date.group("month"))
        before, leftover = text[: date.start()], text[date.end() :]
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
    if leftover and abbreviation is None and _abbreviation_like(leftover):
        abbreviation, leftover = leftover, ""
    venue_known = bool(venue_raw) and normalise_venue(venue_raw) in VENUE_ALIASES.values()
    metadata_only = not leftover or (len(leftover.split()) <= 3 and not _CJK.search(leftover))
    chinese_note = bool(leftover) and bool(_CJK.match(leftover))
    return _Tail(links, venue_raw, venue_known, year, month, abbreviation, metadata_only, chinese_note)


def _venue_like(text: str) -> bool:
    """"CVPR oral", "NeurIPS Datasets and Benchmarks Track", "Master Thesis": not a sentence."""
    if _CJK.search(text):
        return False
    words = text.split()
    if normalise_venue(text) in VENUE_ALIASES.values():
        return len(words) <= 8
    return len(words) <= 3 and any(re.search(r"[A-Z]", w) for w in words)


# --------------------------------------------------------------------------- tables


def _table_entries(lines: list[_Line], topics: list[tuple[str, ...]], path: str):
    index = 0
    while index + 1 < len(lines):
        header, separator = lines[index], lines[index + 1]
        if (
            header.hidden
            or not header.content.startswith("|")
            or not _TABLE_SEPARATOR.match(separator.content)
        ):
            index += 1
            continue
        names = [c.strip().strip("*").casefold() for c in _cells(header.content)]
        title_col = next((i for i, n in enumerate(names) if n in _TITLE_HEADERS), None)
        year_col = next((i for i, n in enumerate(names) if n in _YEAR_HEADERS), None)
        venue_col = next((i for i, n in enumerate(names) if n in _VENUE_HEADERS), None)
        row = index + 2
        while row < len(lines) and lines[row].content.startswith("|") and not lines[row].hidden:
            if title_col is not None and (year_col is not None or venue_col is not None):
                entry = _table_row_entry(
                    lines[row], _cells(lines[row].content), title_col, year_col, venue_col,
                    topics[row], path,
                )
                if entry is not None:
                    yield row, entry
            row += 1
        index = row


def _cells(row: str) -> list[str]:
    body = row.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [c.replace("\\|", "|").strip() for c in re.split(r"(?<!\\)\|", body)]


def _table_row_entry(line, cells, title_col, year_col, venue_col, topic, path) -> PaperEntry | None:
    if title_col >= len(cells):
        return None
    cell = cells[title_col]
    links = links_in(cell)
    link = LINK.search(cell)
    if link is not None:
        url = link.group(2)
        if not (is_paper_url(url) or paper_from_note_filename(url)):
            return None  # a link to a video, blog or repository: not a paper
        title = _clean_title(link.group(1))
        links = [PaperLink(label_from_url(url, remote_paper="paper"), url)] + links[1:]
    else:
        title = _clean_title(cell)
    if not _title_like(title, min_words=1, allow_cjk=False):
        return None
    year = None
    if year_col is not None and year_col < len(cells):
        found = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", cells[year_col])
        year = int(found.group(1)) if found else None
    month = None
    if year_col is not None and year_col < len(cells):
        date = _DATE.search(cells[year_col])
        month = month_number(date.group("cnmonth") or date.group("month")) if date else None
    venue_raw = None
    if venue_col is not None and venue_col < len(cells):
        venue_raw = strip_markup(cells[venue_col]).strip() or None
    return PaperEntry(
        title=title,
        venue=normalise_venue(venue_raw),
        venue_raw=venue_raw,
        year=year,
        month=month,
        abbreviation=None,
        read=None,
        links=tuple(links),
        arxiv_id=arxiv_from_links(links),
        annotation=None,
        topic=topic,
        path=path,
        line=line.number,
    )


# --------------------------------------------------------------------------- small helpers


def _clean_title(text: str) -> str:
    text = LINK.sub(lambda m: m.group(1), text)
    text = strip_markup(text)
    text = SPACES.sub(" ", text).strip()
    text = text.strip("\"“”'‘’ ")
    return text.rstrip(" .,;:").strip()


def _has_letters(text: str) -> bool:
    return bool(re.search(r"[^\W\d_]", text))


def _title_like(title: str, min_words: int = 2, allow_cjk: bool = False) -> bool:
    if not title or not re.search(r"[A-Za-z]", title):
        return False
    if not allow_cjk and _CJK.search(title):
        return False
    words = title.split()
    return min_words <= len(words) <= 40 and "://" not in title


def _abbreviation_like(text: str) -> bool:
    """A bare method name after the date: one token with a capital, like "DAT" or "DeepFillv2"."""
    return (
        len(text) <= 40
        and len(text.split()) == 1
        and not _CJK.search(text)
        and bool(re.search(r"[A-Z]", text))
    )
