"""Paper entries in Markdown tables: a row of a table whose header names a title column
("论文", "Paper", "Title", ...) and a year or venue column."""

from __future__ import annotations

import re
from typing import Iterator

from corpus import strip_markup
from corpus.markdown_links import outer_links
from papers.dates import first_year, month_after_first_year
from papers.entry_fields import PaperEntry, clean_title, paper_entry, title_like
from papers.file_names import paper_from_note_filename
from papers.links import PaperLink, is_paper_url, label_from_url, links_in
from papers.note_lines import NoteLine

_TITLE_HEADERS = {"论文", "论文名", "论文名称", "论文标题", "标题", "题目", "文章", "paper", "papers",
                  "title", "paper title", "name", "名称"}
_YEAR_HEADERS = {"年份", "年", "时间", "发表时间", "year", "date", "published"}
_VENUE_HEADERS = {"venue", "会议", "期刊", "会议/期刊", "出处", "来源", "conference", "journal",
                  "publication", "conf", "发表"}
# Possessive (same matches): the plain form retried every split of a run of spaces between cells.
_TABLE_SEPARATOR = re.compile(r"^\|?\s*+:?-++:?\s*+(?:\|\s*+:?-++:?\s*+)*+\|?\s*+$")


def table_entries(
    lines: list[NoteLine], topics: list[tuple[str, ...]], path: str
) -> Iterator[tuple[int, PaperEntry]]:
    """(line index, entry) for every paper row of every table with the right columns."""
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
                entry = _row_entry(
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


def _row_entry(line, cells, title_col, year_col, venue_col, topic, path) -> PaperEntry | None:
    if title_col >= len(cells):
        return None
    cell = cells[title_col]
    links = links_in(cell)
    link = next((found for found in outer_links(cell) if found.kind == "link"), None)
    if link is not None:
        url = link.url
        if not (is_paper_url(url) or paper_from_note_filename(url)):
            return None  # a link to a video, blog or repository: not a paper
        title = clean_title(link.label)
        links = [PaperLink(label_from_url(url, remote_paper="paper"), url)] + links[1:]
    else:
        title = clean_title(cell)
    if not title_like(title, min_words=1, allow_cjk=False):
        return None
    year = month = None
    if year_col is not None and year_col < len(cells):
        year = first_year(cells[year_col])
        month = month_after_first_year(cells[year_col])
    venue_raw = None
    if venue_col is not None and venue_col < len(cells):
        venue_raw = strip_markup(cells[venue_col]).strip() or None
    return paper_entry(title, venue_raw, links, topic=topic, path=path, line=line.number, year=year, month=month)
