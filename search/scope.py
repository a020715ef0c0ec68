"""A search within one paper, one file (a reading list), one folder or one tag: which rows it ranks.

Filters are otherwise checked on the best passages of the whole library, which is right when they
keep much of it; a scope keeps a sliver (one paper is ~0.1% of a library), so its passages would
rarely be among those candidates. Instead the rows that may pass are found first, vectorised over
the path column, and both rankings run over those rows only (search/dense.py, index/lexical.py);
the exact check (ResultFilter.accepts) still runs on every result, since a reading list also
holds other papers' entries.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from papers import Catalog
from search.errors import UnknownItemError
from search.filters import ResultFilter
from search.marks import document_key

WIDE = 0.5  # a scope holding more than this share of the passages ranks the whole library, then filters


def has_scope(where: ResultFilter | None) -> bool:
    return where is not None and any(value is not None for value in (where.paper, where.file, where.folder, where.tag))


def scope_mask(paths: pa.ChunkedArray | pa.Array, where: ResultFilter, catalog: Catalog) -> np.ndarray:
    """Per passage, may it pass the scope? (A superset of those that do; bool array over `paths`.)
    Raises UnknownItemError for a paper, file or folder the index has nothing of."""
    mask = np.ones(len(paths), dtype=bool)
    if where.file is not None:
        mask &= _true(pc.equal(paths, where.file))
        if not mask.any():
            raise UnknownItemError(f"No file {where.file!r} is in the index (give its path inside the library, as results "
                                   "show it).")
    if where.folder:
        mask &= _true(pc.starts_with(paths, where.folder + "/"))
        if not mask.any():
            raise UnknownItemError(f"No indexed file is in the folder {where.folder!r} (give it relative to the library).")
    if where.paper is not None:
        record = catalog.paper(where.paper)
        if record is None:
            raise UnknownItemError(f"No paper {where.paper!r} in this library's catalog (the ids are in `papers --json`).")
        own = _of_papers(paths, [record.paper_id], catalog)
        if not own.any():
            raise UnknownItemError(f"The paper {record.title!r} has no passage in the index.")
        mask &= own
    if where.tag is not None:
        tagged = [p.paper_id for p in catalog.papers if where.tag.casefold() in {t.casefold() for t in p.tags}]
        mask &= _of_papers(paths, tagged, catalog)
    return mask


def scope_rows(mask: np.ndarray) -> np.ndarray | None:
    """The ascending rows a scoped search ranks (scope_mask's), or None when the scope is wide: the
    whole library is then ranked and the results checked, as for any filter."""
    rows = np.flatnonzero(mask)
    return None if len(rows) > WIDE * len(mask) else rows


def _of_papers(paths, paper_ids: list[str], catalog: Catalog) -> np.ndarray:
    """Passages in the files that hold these papers, and the marks made on their PDFs (a Zotero
    annotation shares its attachment's folder with the PDF: search/marks.py)."""
    files = catalog.files_of_papers()
    wanted = sorted({path for paper_id in paper_ids for path in files.get(paper_id, ())})
    mask = _true(pc.is_in(paths, value_set=pa.array(wanted, pa.string())))
    for prefix in sorted({document_key(path) for path in wanted if document_key(path) != path}):
        mask |= _true(pc.starts_with(paths, prefix + "/"))
    return mask


def _true(array) -> np.ndarray:
    return np.array(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)  # a writable copy
