"""The Store protocol: what a place that keeps an index offers, and the one factory that opens one.

Two stores implement it: index files in a folder (index/file_store.py) and a Milvus collection
(index/milvus_store.py). A third backend implements these methods and one branch of `open_store`;
nothing above index/ asks which store it holds.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa

from index.companion import CompanionVectors
from index.lexical import LexicalIndex, TokenIds
from index.manifest import Manifest
from index.store_location import StoreLocation
from papers import Catalog


class LoadedIndex(Protocol):
    """A current build, opened for searching: row i of `passages` describes vector i."""

    manifest: Manifest
    passages: pa.Table
    catalog: Catalog
    location: Path
    language_direction: np.ndarray | None
    roles_known: bool
    companion: object | None  # the second encoder's vectors, FAISS-like (index/companion.py), or None
    companion_direction: np.ndarray | None
    companion_terms: object | None  # the library's title terms and their companion vectors (index/title_terms.py), or None
    # True: `vectors.reconstruct_batch` and `lexical.search(..., rows=)` rank within a set of rows
    # cheaply (a search scoped to one paper, file or folder: search/scope.py); False: the store
    # narrows searches with its filter_scope expression instead (Milvus)
    ranks_within_rows: bool

    @property
    def vectors(self): ...  # FAISS-like: ntotal, d, search(queries, k[, scope]), reconstruct_batch/_n

    @property
    def lexical(self): ...  # search(tokens, k[, scope] or [, rows]) -> (rows, scores)

    @property
    def chunks(self) -> pd.DataFrame: ...  # every chunk column, the tokens as text: for tools

    @property
    def rows(self) -> pd.DataFrame: ...  # every chunk column but the tokens: what a rebuild carries over

    def kept_tokens(self, keep: np.ndarray) -> TokenIds: ...  # the kept rows' tokens, as BM25's ids

    def all_vectors(self) -> np.ndarray: ...

    def all_companion_vectors(self) -> np.ndarray: ...

    def filter_scope(self, where) -> tuple[object | None, frozenset[str]]:
        """The store's own form of the filter, applied inside its searches, and the filter fields
        it covers (search checks the others on the results)."""


class Store(Protocol):
    directory: Path
    keeps_companion: bool  # whether it keeps a second encoder's vectors (index/companion.py)
    stages: bool  # whether a long first build may commit as it goes (index/staged_build.py)

    def current_build(self) -> Path | None:
        """The current build's local folder (its name changes with every build), or None."""

    def exists(self) -> bool: ...

    def load_manifest(self) -> Manifest | None: ...

    def recorded_model(self) -> str | None:
        """The model the current build names, even when it cannot be loaded."""

    def load_catalog(self) -> Catalog: ...

    def load(self) -> LoadedIndex: ...

    def verify(self, remember: bool = False) -> None:
        """Raise CorruptIndexError if the current build's bytes changed since it was written;
        `remember`: a file unchanged since a check found it sound may be taken as sound (builds)."""

    def build_lock(self) -> AbstractContextManager[None]: ...

    def write(
        self, manifest: Manifest, chunks: pd.DataFrame, vectors: np.ndarray, lexical: LexicalIndex, catalog: Catalog,
        language_direction: np.ndarray | None = None, companion: CompanionVectors | None = None,
        reuse: Path | None = None,
    ) -> Path:
        """Write a complete build and make it current, atomically. Call under build_lock().
        `vectors` may lack the last `manifest.pending_rows` rows, and `reuse` name an earlier stage of
        the same build to share files with, only in a store that `stages` (then only the vectors and
        the manifest are new: `chunks` is read for its length, `lexical` and `catalog` not at all)."""

    def tidy(self) -> None:
        """Clear what killed builds left, unless a build is running; called when the index is up to
        date, so the vector journal goes too (the index holds its vectors)."""

    def set_aside_damaged(self) -> Path | None:
        """Rename a damaged store file that cannot even be opened beside itself (kept, never
        deleted), so a build can start a new one; None when there is no such file (a server, files)."""


def open_store(location: StoreLocation, directory: Path) -> Store:
    """The store `location` names, for the index folder `directory`."""
    if location.is_milvus:
        from index.milvus_store import MilvusStore  # pymilvus only for a Milvus store

        return MilvusStore(location, directory)
    from index.file_store import FileStore

    return FileStore(directory)
