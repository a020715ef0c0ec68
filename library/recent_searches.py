"""The library's recent searches, newest first, for the page's sidebar: ``<index folder>/recent-searches.json``.

In the index folder, not beside the notes like the marks file: a query list is a convenience,
not the researcher's work, and it should not travel with notes that are synced or shared. The
folder is kept by every rebuild (a build writes only its own build folders in it), so the list
survives them; deleting the index folder forgets it, which is fine for a convenience.

Only what re-runs a search is kept: the query, the ranking and the scope (paper, file, folder,
tag) with its label. Never the store's address, a token, a path outside the library, or a pasted
text longer than MAX_QUERY_CHARS; a query that looks like a password or an access key typed into
the wrong box is not kept either. A damaged or oversized file reads as an empty list with a
message, and the next search starts it afresh (the file is ours, not the researcher's).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path

from disk import atomic_write_text
from index import PapersearchError

RECENT_FILE = "recent-searches.json"
LIMIT = 20  # searches kept
MAX_QUERY_CHARS = 300  # a longer text (a pasted abstract) is not kept
MAX_FILE_BYTES = 256 * 1024  # LIMIT searches take a few kB; a larger file is not ours to parse
_WRITING = threading.Lock()  # page sessions are threads of one process
_SECRET = re.compile(
    r"(?i)\b(pass(word|wd)?|token|secret|api[_-]?key|bearer)\b\s*[:=]"  # "password: ..." / "token=..."
    r"|\b(sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|xox[abpr]-[A-Za-z0-9-]{10,})"  # known key shapes
    r"|^(?=[^\s]*\d)(?=[^\s]*[A-Za-z])[A-Za-z0-9+/_=-]{32,}$"  # one long random-looking word
)


class RecentSearchesError(PapersearchError):
    """The recent-search file cannot be written; searching goes on without it."""


@dataclass(frozen=True)
class RecentSearch:
    query: str
    mode: str = "hybrid"
    paper: str | None = None  # the scope, as ResultFilter takes it
    file: str | None = None
    folder: str | None = None
    tag: str | None = None
    scope_label: str | None = None  # how the page named the scope ("paper: Deformable Convolutional Networks")
    at: str = ""  # when, ISO 8601 with the local offset

    def same_search(self, other: RecentSearch) -> bool:
        return (self.query.strip(), self.mode, self.paper, self.file, self.folder, self.tag) == (
            other.query.strip(), other.mode, other.paper, other.file, other.folder, other.tag)


def worth_keeping(query: str) -> bool:
    """A typed query of sensible length that does not look like a secret."""
    text = query.strip()
    return bool(text) and len(text) <= MAX_QUERY_CHARS and not _SECRET.search(text)


class RecentSearches:
    def __init__(self, index_dir: Path, limit: int = LIMIT):
        self.path = Path(index_dir) / RECENT_FILE
        self.limit = limit

    def load(self) -> tuple[list[RecentSearch], str | None]:
        """(searches newest first, None) or ([], what is wrong with the file)."""
        try:
            with self.path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return [], None
        except OSError as error:
            return [], f"The recent searches ({self.path}) cannot be read ({error.strerror or error})."
        try:
            if len(data) > MAX_FILE_BYTES:
                raise ValueError(f"it is over {MAX_FILE_BYTES // 1024} kB")
            return _parsed(json.loads(data.decode("utf-8")))[: self.limit], None
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            return [], (f"The recent searches ({self.path}) are damaged ({_short(error)}); the list starts afresh with "
                        "your next search.")

    def add(self, search: RecentSearch) -> list[RecentSearch]:
        """Put `search` first (once: an earlier run of the same search moves up), keep `limit`, write
        the file whole; a search not worth keeping changes nothing. Returns the list as kept."""
        with _WRITING:
            searches, _ = self.load()
            if not worth_keeping(search.query):
                return searches
            if not search.at:
                search = RecentSearch(**{**asdict(search), "at": _now()})
            kept = [search, *(old for old in searches if not old.same_search(search))][: self.limit]
            text = json.dumps({"version": 1, "searches": [asdict(item) for item in kept]}, ensure_ascii=False, indent=1)
            try:
                atomic_write_text(self.path, text + "\n", durable=False)
            except OSError as error:
                raise RecentSearchesError(f"The recent searches cannot be saved in {self.path.parent} "
                                          f"({error.strerror or error}).") from None
            return kept

    def clear(self) -> None:
        with _WRITING:
            self.path.unlink(missing_ok=True)


def _parsed(data) -> list[RecentSearch]:
    if not isinstance(data, dict) or not isinstance(data.get("searches"), list):
        raise ValueError("no list of searches in it")
    names = {field.name for field in fields(RecentSearch)}
    found = []
    for item in data["searches"]:
        if not isinstance(item, dict) or not isinstance(item.get("query"), str):
            raise ValueError("a search without a query")
        values = {name: value for name, value in item.items() if name in names}
        if any(value is not None and not isinstance(value, str) for value in values.values()):
            raise ValueError("a value that is not text")
        found.append(RecentSearch(**values))
    return found


def _short(error: Exception) -> str:
    return str(error).splitlines()[0][:120] if str(error) else type(error).__name__


def _now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
