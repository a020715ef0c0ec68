"""The one CSV writer, used by the CLI's --csv and the page's download button.

Text cells are guarded against CSV (formula) injection: Excel, LibreOffice and Google Sheets run a
cell that starts with ``=``, ``+``, ``@``, a tab or a carriage return as a formula, and a passage
from someone else's PDF or note could carry ``=HYPERLINK(...)`` or worse. Such a text cell gets a
leading ``'``, which spreadsheets read as "this is text". A ``-`` starts a formula only when
something other than a space follows it, so a Markdown bullet ``- item`` is left as it is while
``-2+3`` is quoted. Numbers (rank, score, page, start_line, year) are written as they are.

An arXiv id is written as ``arXiv:2201.00520`` (the form arXiv itself cites): written bare,
pandas, Excel and LibreOffice read it as the number 2201.0052 and drop its last zero. ``url`` is
the paper's arXiv page, else the first web link in the passage."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from export.terminal import terminal_safe
from search import Hit

CSV_COLUMNS = [
    "rank", "score", "kind", "title", "path", "page", "start_line", "heading", "text",
    "paper_id", "paper_title", "venue", "year", "arxiv", "url", "read",
]


def hits_to_csv(hits: Iterable[Hit]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows Chinese correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for hit in hits:
        writer.writerow(
            [hit.rank, f"{hit.score:.4f}", _text(hit.kind), _text(hit.title), _text(hit.path), _blank(hit.page),
             _blank(hit.start_line), _text(_blank(hit.heading)), _text(hit.text), _text(_blank(hit.paper_id)),
             _text(_blank(hit.paper_title)), _text(_blank(hit.venue)), _blank(hit.year),
             _text(f"arXiv:{hit.arxiv}" if hit.arxiv else ""), _text(_blank(_url(hit))), _read_mark(hit.read)]
        )
    return buffer.getvalue().encode("utf-8-sig")


_FORMULA_STARTS = ("=", "+", "@", "\t", "\r")


def _text(value: str) -> str:
    """A text cell a spreadsheet will show as text, never run as a formula (nor as a terminal
    escape when the file is printed; a carriage return is kept: the cell quotes it, and it moves
    no more than a newline does)."""
    value = terminal_safe(value, keep="\r")
    if value.startswith(_FORMULA_STARTS) or (value.startswith("-") and len(value) > 1 and value[1] != " "):
        return "'" + value
    return value


def _url(hit: Hit) -> str | None:
    if hit.arxiv:
        return f"https://arxiv.org/abs/{hit.arxiv}"
    return next((link for link in hit.links if link.startswith(("https://", "http://"))), None)


def _blank(value) -> str:
    return "" if value is None else str(value)


def _read_mark(read: bool | None) -> str:
    return "" if read is None else ("read" if read else "unread")
