"""Keep an index current while you work: watch the library folder and, once changes settle,
bring the index up to date.

A `LibraryWatcher` listens (with watchdog) to the library folder recursively. Only events that
can change what a build sees count: a supported file (corpus.SUPPORTED_SUFFIXES) created,
written, deleted, moved or its permissions changed, or a folder created, deleted or moved. Hidden
files and folders and the index folder are ignored, and so is reading a file (a build reads
every file it embeds; that must not schedule another build). After the last counted event,
`settle` seconds of quiet trigger one call of `on_settled` (normally one `Library.update`), in the
watcher's own thread, so there is never more than one at a time: events that arrive during it
schedule one more call after it, never a second one alongside it.

Symlinked folders are searched by a build but not watched; the page and `status` still see
their changes (`Library.pending_changes`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from corpus import SUPPORTED_SUFFIXES
from embed import ModelLoadError
from index import IndexLockedError, PapersearchError
from library.library import Library


class WatchError(PapersearchError):
    """The library folder cannot be watched for changes (builds still work)."""


_COUNTED = {"created", "modified", "deleted", "moved", "closed", "attrib"}  # not opened / closed_no_write
_FOLDER_COUNTED = {"created", "deleted", "moved"}  # a folder's "modified" only echoes its files' events
_log = logging.getLogger(__name__)


class LibraryWatcher:
    """Calls `on_settled()` once the library folder has been quiet for `settle` seconds after a
    change (and once at the start if `update_first`). A domain error from it (a model that cannot
    load, a disk that refuses the index, ...) goes to `on_error` and the watching goes on; when
    another build holds the index, the update is tried again after the next quiet period. Any
    other exception stops the watcher and is raised from `run`."""

    def __init__(
        self,
        library: Library,
        on_settled: Callable[[], object],
        settle: float = 2.0,
        on_error: Callable[[Exception], None] | None = None,
        update_first: bool = True,
    ):
        if settle < 0:
            raise ValueError("settle must be 0 seconds or more")
        self.library = library
        self.on_settled = on_settled
        self.settle = float(settle)
        self.on_error = on_error or (lambda error: _log.warning("update failed: %s", error))
        self.updates = 0  # how many times on_settled has been called
        self._root = library.root.resolve()
        self._index = library.index_dir.resolve()
        self._lock = threading.Lock()
        self._changed_at: float | None = time.monotonic() - self.settle if update_first else None
        self.started = threading.Event()  # set once the folder is being watched

    def counts(self, path: str | bytes, is_directory: bool, event_type: str) -> bool:
        """Does this event change what a build would see?"""
        if event_type not in (_FOLDER_COUNTED if is_directory else _COUNTED):
            return False
        full = Path(path.decode(errors="surrogateescape") if isinstance(path, bytes) else path)
        if full == self._index or self._index in full.parents:
            return False
        try:
            relative = full.relative_to(self._root)
        except ValueError:
            return False
        if any(part.startswith(".") for part in relative.parts):
            return False
        return is_directory or full.name.lower().endswith(SUPPORTED_SUFFIXES)

    def notice(self, event: FileSystemEvent) -> None:
        """Feed one watchdog event (the observer calls this; tests may too)."""
        paths = [event.src_path] + ([event.dest_path] if event.event_type == "moved" and event.dest_path else [])
        if any(self.counts(path, event.is_directory, event.event_type) for path in paths):
            with self._lock:
                self._changed_at = time.monotonic()

    def run(self, stop: threading.Event) -> None:
        """Watch until `stop` is set; the observer is stopped and joined before this returns
        (also when it returns by an exception, e.g. KeyboardInterrupt)."""
        observer = Observer()
        observer.schedule(_Handler(self), str(self._root), recursive=True)
        try:
            _start(observer)
            self.started.set()
            tick = min(0.2, max(self.settle / 4, 0.02))
            while True:
                if self._due():
                    self._update()
                if stop.wait(tick):
                    break
        finally:
            observer.stop()
            if observer.is_alive():
                observer.join()

    def _due(self) -> bool:
        with self._lock:
            if self._changed_at is None or time.monotonic() - self._changed_at < self.settle:
                return False
            self._changed_at = None
            return True

    def _update(self) -> None:
        self.updates += 1
        try:
            self.on_settled()
        except (PapersearchError, ModelLoadError) as error:
            if isinstance(error, IndexLockedError):
                with self._lock:  # try again after the next quiet period
                    self._changed_at = self._changed_at or time.monotonic()
            self.on_error(error)


def _start(observer: Observer) -> None:
    """Start watching. watchdog adds a watch per folder by os.walk, which recurses on Python 3.11:
    a library nested about a thousand folders deep makes it raise RecursionError."""
    try:
        observer.start()
    except RecursionError:
        raise WatchError(
            "The library's folders are nested too deep to be watched for changes (about a thousand "
            "levels); builds still read them. Move the deepest folders elsewhere to watch the library."
        ) from None


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: LibraryWatcher):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.watcher.notice(event)


def watch_library(
    library: Library,
    on_settled: Callable[[], object],
    stop: threading.Event,
    settle: float = 2.0,
    on_error: Callable[[Exception], None] | None = None,
    update_first: bool = True,
) -> LibraryWatcher:
    """Run a LibraryWatcher until `stop` is set (blocking); returns it, e.g. to read `updates`."""
    watcher = LibraryWatcher(library, on_settled, settle, on_error, update_first)
    watcher.run(stop)
    return watcher
