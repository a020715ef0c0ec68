"""A researcher's library: its folder, its index and everything the edges do with them.

`Library` hands out a searcher in one call, builds and watches the index, stores uploads, says
its status and reads every PAPERSEARCH_* setting (library/settings.py). The CLI, the page, eval
and bench work through it; it sits above search/ and index/.
"""

from library.library import EmbedderLoader, Library
from library.health_words import HealthTopic, health_in_words
from library.marks import MARKS_FILE, MarksFile, MarksFileError
from library.open_files import ENV_OPENER, OpenerError, open_file, show_in_folder
from library.recent_searches import RecentSearch, RecentSearches, RecentSearchesError
from library.safe_paths import inside_library
from library.settings import (
    ENV_ADDRESS,
    ENV_DEBUG,
    ENV_INDEX,
    ENV_LIBRARY,
    ENV_MODEL,
    ENV_ZOTERO,
    debugging,
    model_for_build,
    model_for_search,
    resolve_index_dir,
)
from library.status import LibraryStatus, PendingChanges
from library.uploads import MAX_UPLOAD_BYTES, AddedFile, safe_file_name
from library.watch import LibraryWatcher, watch_library
from library.zotero_source import ZoteroLibraryError

__all__ = [
    "ENV_ADDRESS", "ENV_DEBUG", "ENV_INDEX", "ENV_LIBRARY", "ENV_MODEL", "ENV_ZOTERO", "MAX_UPLOAD_BYTES", "AddedFile",
    "EmbedderLoader", "HealthTopic", "health_in_words",
    "MARKS_FILE", "MarksFile", "MarksFileError", "Library", "LibraryStatus", "LibraryWatcher",
    "PendingChanges", "RecentSearch", "RecentSearches", "RecentSearchesError", "debugging", "inside_library",
    "model_for_build", "model_for_search", "resolve_index_dir", "safe_file_name", "watch_library",
    "ZoteroLibraryError", "ENV_OPENER", "OpenerError", "open_file", "show_in_folder",
]
