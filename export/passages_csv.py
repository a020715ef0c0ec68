"""The one CSV writer, used by the CLI's --csv and the page's download button."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from search import Hit

CSV_COLUMNS = [
    "rank", "score", "kind", "title", "path", "page", "heading", "text",
    "paper_title", "venue", "year", "arxiv", "read",
]


def hits_to_csv(hits: Iterable[Hit]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows Chinese correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for hit in hits:
        writer.writerow(
            [hit.rank, f"{hit.score:.4f}", hit.kind, hit.title, hit.path, _blank(hit.page), _blank(hit.heading), hit.text,
             _blank(hit.paper_title), _blank(hit.venue), _blank(hit.year), _blank(hit.arxiv), _read_mark(hit.read)]
        )
    return buffer.getvalue().encode("utf-8-sig")


def _blank(value) -> str:
    return "" if value is None else str(value)


def _read_mark(read: bool | None) -> str:
    return "" if read is None else ("read" if read else "unread")
