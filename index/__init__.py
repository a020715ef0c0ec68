"""The on-disk index of a library: plan what changed, build, and keep it in a Store.

Front door for everything above it (search, library, evaluation, the edges).
"""

from index.build_progress import BuildProgress, about, read_progress
from index.builder import (
    BuildReport,
    EmptyLibraryError,
    Progress,
    is_up_to_date,
    load_previous,
    report_unchanged,
    run_build,
    trusted_plan,
)
from index.companion import CompanionVectors, companion_model
from index.errors import (
    CorruptIndexError,
    IndexLocationError,
    IndexLockedError,
    IndexNotFoundError,
    IndexWriteError,
    InvalidSettingsError,
    InvalidStoreError,
    LibraryNotFoundError,
    ModelMismatchError,
    NewerIndexError,
    PapersearchError,
    StoreUnavailableError,
    UnsafePathError,
)
from index.lexical import LexicalIndex
from index.manifest import Manifest
from index.migrations import stored_direction
from index.milvus_collections import COLLECTION_STATUSES, Removal, StoredCollection, list_collections, remove_stale
from index.planner import BuildPlan, plan_build
from index.store import LoadedIndex, Store, open_store
from index.store_location import ENV_MILVUS_TOKEN, ENV_STORE, StoreLocation, parse_store, redacted
from index.build_progress import Estimate

__all__ = [
    "Estimate",
    "BuildProgress", "about", "read_progress",
    "COLLECTION_STATUSES", "BuildPlan", "BuildReport", "CompanionVectors", "companion_model", "CorruptIndexError",
    "ENV_MILVUS_TOKEN",
    "ENV_STORE", "EmptyLibraryError",
    "IndexLocationError", "IndexLockedError", "IndexNotFoundError", "IndexWriteError", "InvalidSettingsError",
    "InvalidStoreError", "LexicalIndex", "LibraryNotFoundError", "LoadedIndex", "Manifest", "ModelMismatchError", "NewerIndexError",
    "PapersearchError", "Progress", "Removal", "Store", "StoredCollection", "StoreLocation", "StoreUnavailableError", "UnsafePathError",
    "is_up_to_date", "list_collections", "load_previous", "open_store", "parse_store", "plan_build", "redacted",
    "remove_stale", "report_unchanged", "run_build",
    "stored_direction", "trusted_plan",
]
