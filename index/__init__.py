"""The on-disk index of a library: plan what changed, build, store, and load it back.

Front door for everything above it (search, export, evaluation, the CLI and the page).
"""

from index.builder import BuildReport, EmptyLibraryError, Progress
from index.config import ENV_INDEX, ENV_LIBRARY, ENV_MODEL, model_for_build, model_for_search, resolve_index_dir
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
    PapersearchError,
    StoreUnavailableError,
    UnsafePathError,
)
from index.language_direction import language_direction, without_direction
from index.lexical import LexicalIndex
from index.lexical_tokenizer import LexicalTokenizer
from index.library import EmbedderLoader, Library
from index.manifest import Manifest
from index.planner import BuildPlan
from index.status import LibraryStatus, PendingChanges
from index.uploads import MAX_UPLOAD_BYTES, AddedFile, safe_file_name
from index.store import IndexStore, StoredIndex
from index.store_location import ENV_MILVUS_TOKEN, ENV_STORE, StoreLocation, parse_store
from index.paper_catalog import paper_of_passage
from index.watch import LibraryWatcher, watch_library

__all__ = [
    "MAX_UPLOAD_BYTES", "AddedFile", "safe_file_name", "BuildPlan", "BuildReport", "CorruptIndexError", "ENV_INDEX", "ENV_LIBRARY", "ENV_MODEL", "EmbedderLoader",
    "EmptyLibraryError", "IndexLocationError", "IndexLockedError", "IndexNotFoundError", "IndexStore",
    "IndexWriteError", "InvalidSettingsError", "InvalidStoreError", "StoreUnavailableError", "ENV_STORE",
    "ENV_MILVUS_TOKEN", "StoreLocation", "parse_store", "paper_of_passage",
    "LexicalIndex", "LexicalTokenizer", "Library", "LibraryNotFoundError", "LibraryStatus", "LibraryWatcher", "Manifest",
    "ModelMismatchError", "PapersearchError", "PendingChanges", "Progress", "UnsafePathError", "StoredIndex", "language_direction", "model_for_build",
    "model_for_search", "resolve_index_dir", "watch_library", "without_direction",
]
