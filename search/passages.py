"""The index's passages as search reads them: a row becomes Python values, a paper or a Hit only
when it is shown, filtered or compared (the table is memory-mapped; no per-row work on opening)."""

from __future__ import annotations

import copy

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from corpus.zotero.names import parse_name
from papers import Catalog, PaperRecord, paper_of_passage
from search.filters import ResultFilter
from search.results import Hit


class PassageRows:
    def __init__(self, table: pa.Table, catalog: Catalog):
        self.table, self.catalog = table, catalog
        self._papers: dict[int, PaperRecord | None] = {}  # row -> its paper, looked up once
        self.cjk = pc.equal(table.column("script"), "cjk").to_numpy(zero_copy_only=False)

    def with_catalog(self, catalog: Catalog) -> "PassageRows":
        """The same rows whose papers come from `catalog` (looked up afresh; the script mask is kept)."""
        rows = copy.copy(self)
        rows.catalog, rows._papers = catalog, {}
        return rows

    def column(self, name: str):
        return self.table.column(name)

    def row(self, row: int) -> dict:
        return self.table.slice(row, 1).to_pylist()[0]

    def where(self, mask) -> list[int]:
        """The rows where a boolean column over all passages is true (vectorised, no row loop)."""
        return np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False)).tolist()

    def paper(self, row: int) -> PaperRecord | None:
        """A PDF is one paper; a note passage belongs to the list entry its lines fall in, else to
        the paper the note file is about."""
        if row not in self._papers:
            chunk = self.row(row)
            self._papers[row] = paper_of_passage(
                self.catalog, chunk["kind"], chunk["path"], optional_int(chunk["start_line"]), chunk["text"]
            )
        return self._papers[row]

    def passes(self, row: int, where: ResultFilter) -> bool:
        heading = self.table.column("heading")[row].as_py() if where.colour is not None else None
        path = self.table.column("path")[row].as_py() if where.file is not None or where.folder is not None else None
        return where.accepts(self.table.column("kind")[row].as_py(), self.paper(row), heading, path)

    def hit(self, rank: int, score: float, row: int, dense_rank: int | None, lexical_rank: int | None,
            embedded: bool = True) -> Hit:
        chunk = self.row(row)
        paper = self.paper(row)
        page = optional_int(chunk["page"])
        zotero = parse_name(chunk["path"])
        links = tuple(chunk["links"] if chunk["links"] is not None else ())
        return Hit(
            rank=rank,
            score=round(score, 6),
            kind=chunk["kind"],
            path=chunk["path"],
            title=chunk["title"],
            page=page,
            heading=chunk["heading"],
            start_line=optional_int(chunk["start_line"]),
            text=chunk["text"],
            chunk_id=chunk["chunk_id"],
            links=links + zotero.links(page) if zotero else links,
            dense_rank=dense_rank,
            lexical_rank=lexical_rank,
            paper_id=paper.paper_id if paper else None,
            paper_title=paper.title if paper else None,
            venue=paper.venue if paper else None,
            year=paper.year if paper else None,
            arxiv=paper.arxiv if paper else None,
            read=paper.read if paper else None,
            role=chunk.get("role") or "body",
            embedded=embedded,
            library=f"zotero:{zotero.library}" if zotero else None,
            collections=paper.collections if paper else (),
            tags=paper.tags if paper else (),
        )


def optional_int(value) -> int | None:
    """A passage's page or line: Arrow gives None for a missing one."""
    return None if value is None else int(value)
