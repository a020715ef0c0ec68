"""Where the researcher's marks live: ``<library>/.papersearch-marks.json``.

In the library folder, not the index folder, because the index is disposable (deleted, set aside
when damaged, rebuilt with another model, kept elsewhere with --index or in Milvus) while the marks
are the researcher's own work: beside their notes they are backed up, synced and moved with them.
The file is plain, indented JSON sorted by key (papers/marks.py), written whole through
disk.atomic_write_text, and read again before every change under a lock, so two pages (or a
page and the CLI) marking at once both keep their marks. Notes are never written: a mark does
not touch the ``[x]`` in a list. A file a hand edit broke is reported and never overwritten.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timezone
from pathlib import Path
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Iterable

from disk import atomic_write_text, exclusive_lock
from index import PapersearchError
from papers import Marks, MarksFormatError, PaperRecord

MARKS_FILE = ".papersearch-marks.json"
_WRITING = threading.Lock()  # page sessions are threads of one process


class MarksFileError(PapersearchError):
    """The marks file cannot be read or written; it is left as it is."""


class MarksFile:
    def __init__(self, library_root: Path, index_dir: Path):
        self.path = Path(library_root) / MARKS_FILE
        self._lock_path = Path(index_dir) / "marks.lock"  # not in the library: no lock file beside the notes

    def version(self) -> str | None:
        """Changes whenever the file's content does (a cache key); None when there is no file yet.
        A digest, not the mtime and size: two marks of one size written within the clock's tick
        (read -> to-read -> read, a tag swapped for one as long) would otherwise keep a stale view."""
        try:
            with self.path.open("rb") as file:
                return hashlib.file_digest(file, "blake2b").hexdigest()
        except OSError:
            return None

    def load(self) -> Marks:
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            return Marks()
        except (OSError, UnicodeDecodeError) as error:
            raise MarksFileError(f"The marks file {self.path} cannot be read ({error}).") from None
        try:
            return Marks.from_json(text)
        except MarksFormatError as error:
            raise MarksFileError(f"The marks file {self.path} {error}. Fix it or move it away; Papersearch does not "
                                 "write over it while it cannot be read.") from None

    def change(self, record: PaperRecord, *, reading: str | None = None, add_tags: Iterable[str] = (),
               remove_tags: Iterable[str] = ()) -> Marks:
        """Read the file, change one paper's mark, write it whole; returns the marks written."""
        with _WRITING, self._cross_process_lock():
            now = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
            try:
                marks = self.load().changed(record, reading=reading, add_tags=add_tags, remove_tags=remove_tags,
                                            now=now)
            except MarksFormatError as error:
                raise MarksFileError(str(error)) from None
            try:
                atomic_write_text(self.path, marks.to_json())
            except OSError as error:
                raise MarksFileError(f"The marks file {self.path} cannot be written ({error.strerror or error}).") from None
            return marks

    @contextmanager
    def _cross_process_lock(self) -> Iterator[None]:
        """The index folder's marks lock when that folder exists and can be written (the CLI and
        another page may mark too); a library without an index has no catalog to mark from."""
        if not self._lock_path.parent.is_dir():
            yield
            return
        try:
            held = exclusive_lock(self._lock_path, wait=True)
            held.__enter__()
        except OSError:  # a read-only index folder: the process lock alone
            yield
            return
        try:
            yield
        finally:
            held.__exit__(None, None, None)
