"""Vectors → FAISS store → search. Uses the types of `corpus` and `embed`."""

from index.builder import BuildReport, EmptyLibraryError, run_build
from index.config import (
    ENV_INDEX,
    ENV_LIBRARY,
    ENV_MODEL,
    model_for_build,
    model_for_search,
    resolve_index_dir,
)
from index.csv_export import CSV_COLUMNS, hits_to_csv
from index.errors import (
    CorruptIndexError,
    EmptyQueryError,
    IndexLockedError,
    IndexNotFoundError,
    LibraryNotFoundError,
    ModelMismatchError,
    PapersearchError,
)
from index.manifest import Manifest
from index.planner import BuildPlan, plan_build
from index.results import DocumentResult, Hit, SearchResponse
from index.search import Searcher
from index.store import IndexStore, StoredIndex

__all__ = [
    "BuildPlan", "BuildReport", "CSV_COLUMNS", "CorruptIndexError", "DocumentResult", "ENV_INDEX",
    "ENV_LIBRARY", "ENV_MODEL", "EmptyLibraryError", "EmptyQueryError", "Hit", "IndexLockedError",
    "IndexNotFoundError", "IndexStore", "LibraryNotFoundError", "Manifest", "ModelMismatchError",
    "PapersearchError", "SearchResponse", "Searcher", "StoredIndex", "hits_to_csv", "model_for_build",
    "model_for_search", "plan_build", "resolve_index_dir", "run_build",
]
