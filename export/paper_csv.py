"""The papers of a catalog (or of a filtered part of it) as CSV, one row per paper (`papers --csv`).

The same cell rules as the passages CSV (export/passages_csv.py): text cells a spreadsheet would
run as a formula get a leading ``'``, arXiv ids are written ``arXiv:2201.00520`` so spreadsheets
keep them as text, UTF-8 with a byte-order mark."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from export.bibtex import paper_doi, paper_url
from export.passages_csv import _blank, _read_mark, _text
from papers import PaperRecord
from papers.citation_keys import citation_keys, paper_year

PAPER_CSV_COLUMNS = [
    "paper_id", "citation_key", "title", "authors", "venue", "year", "month", "arxiv", "doi", "url", "read",
    "abbreviation", "topics", "files",
]


def papers_to_csv(records: Iterable[PaperRecord], keys: Mapping[str, str] | None = None) -> bytes:
    records = list(records)
    keys = keys if keys is not None else citation_keys(records)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(PAPER_CSV_COLUMNS)
    for record in records:
        writer.writerow([
            _text(record.paper_id), _text(keys.get(record.paper_id, "")), _text(record.title),
            _text("; ".join(record.authors)), _text(_blank(record.venue)), _blank(paper_year(record)),
            _blank(record.month), _text(f"arXiv:{record.arxiv}" if record.arxiv else ""),
            _text(_blank(paper_doi(record))), _text(_blank(paper_url(record))), _read_mark(record.read),
            _text(_blank(record.abbreviation)), _text("; ".join(" > ".join(topic) for topic in record.topics)),
            _text("; ".join(record.files)),
        ])
    return buffer.getvalue().encode("utf-8-sig")
