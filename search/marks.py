"""Where the reader's own marks are among a query's candidates, and how much they lift the
passages of the PDF they were made on (search/evidence.py says why).

A mark and the PDF it was made on share a *document key*: a mark stored inside a PDF has the
PDF's own path; a Zotero annotation (``zotero/<lib>/<ITEM>/<ATT>/annotation-<KEY>``) and its
attachment's PDF (``zotero/<lib>/<ITEM>/<ATT>/<file>.pdf``) share the attachment's folder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow.compute as pc

from corpus.annotation_passages import mark_of_heading
from corpus.zotero.names import parse_name
from search.passages import PassageRows

MARK_KIND = "annotation"


@dataclass(frozen=True)
class MarkRows:
    """The candidates' rows, in ranking order: which are marks, their document and page."""

    is_mark: np.ndarray  # bool per candidate
    keys: list[str]
    pages: list[int | None]

    def lift(self, scores: np.ndarray, floor: float, page_gain: float, file_gain: float) -> np.ndarray:
        """Per candidate, what the marks that match (score >= `floor`) add to it: `page_gain`
        times the best such mark on its page, `file_gain` times the best one elsewhere in its
        document. Marks themselves are not lifted."""
        best_page: dict[tuple[str, int | None], float] = {}
        best_file: dict[str, float] = {}
        for index in np.flatnonzero(self.is_mark & (scores >= floor)).tolist():
            key, score = self.keys[index], float(scores[index])
            best_page[(key, self.pages[index])] = max(best_page.get((key, self.pages[index]), 0.0), score)
            best_file[key] = max(best_file.get(key, 0.0), score)
        lift = np.zeros(len(scores), dtype=np.float64)
        if not best_file:
            return lift
        for index, (key, page) in enumerate(zip(self.keys, self.pages)):
            if self.is_mark[index] or key not in best_file:
                continue
            on_page = best_page.get((key, page), 0.0) if page is not None else 0.0
            lift[index] = page_gain * on_page + file_gain * (best_file[key] if not on_page else 0.0)
        return lift


def mark_rows(kinds: list[str], paths: list[str], pages: list[int | None]) -> MarkRows | None:
    """The candidates' marks, or None when there is none (the common case: nothing to do)."""
    is_mark = np.fromiter((kind == MARK_KIND for kind in kinds), dtype=bool, count=len(kinds))
    if not is_mark.any():
        return None
    return MarkRows(is_mark, [document_key(path) for path in paths], pages)


def document_key(path: str) -> str:
    """What a mark and the PDF it is on have in common (see the module's docstring)."""
    name = parse_name(path)
    if name is None or name.attachment is None:
        return path
    return path.rsplit("/", 1)[0]


def marks_on_page(rows: PassageRows, pdf_path: str, page: int) -> list[tuple[str | None, str]]:
    """(colour name, text) of the marks kept outside the PDF `pdf_path` (Zotero's) on `page`, for
    the page preview to paint; marks stored in the PDF itself are read from the page there."""
    key = document_key(pdf_path)
    if key == pdf_path:  # a folder PDF: its marks are all inside it
        return []
    mask = pc.and_(pc.equal(rows.column("kind"), MARK_KIND), pc.equal(rows.column("page"), page))
    found = []
    for row in rows.where(mask):
        chunk = rows.row(row)
        if chunk["path"] != pdf_path and document_key(chunk["path"]) == key:
            mark = mark_of_heading(chunk["heading"])
            if mark is not None and mark.what != "comment":  # a comment alone marks no words
                found.append((mark.colour, marked_text(chunk["text"])))
    return found


def mark_pdf(path: str, files: Iterable[str]) -> str | None:
    """The PDF a mark was made on: the file itself for a mark inside a PDF, the attachment's PDF
    for a Zotero annotation (its name shares the attachment's folder); None when it is not indexed."""
    key = document_key(path)
    if key == path:
        return path if path.lower().endswith(".pdf") else None
    return next((name for name in files if name.startswith(key + "/") and name.lower().endswith(".pdf")), None)


def marked_text(text: str) -> str:
    """A mark passage's marked words, without its comment (corpus/annotation_passages.py's shape)."""
    return text.split("\nComment: ", 1)[0]
