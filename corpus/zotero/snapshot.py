"""A consistent, read-only view of a Zotero database that never locks Zotero out.

Zotero runs with an exclusive lock and, since Zotero 7, a write-ahead log: the newest changes
are in ``zotero.sqlite-wal`` until Zotero checkpoints them. Opening the live file would wait on
(or take) locks, and reading it alone would miss what is in the WAL. So the database and its
WAL (or a rollback journal, left by a crash) are copied into a temporary folder and the copy is
opened: SQLite replays the copied WAL up to its last committed transaction, so a copy taken
mid-write is still a committed state. The -shm file is not copied: it is an index of the WAL in
the other process's shared memory, and SQLite rebuilds it from the WAL when the copy is opened.
Only a database with neither WAL nor journal is opened in place, with ``immutable=1`` (no locks,
no writes). Nothing in the data folder is ever written.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from corpus.zotero.data_dir import DATABASE, require_data_dir
from corpus.zotero.errors import ZoteroError

_SIDE_FILES = ("-wal", "-journal")
_COPY_ATTEMPTS = 3


@contextmanager
def open_snapshot(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """A connection to a snapshot of `data_dir`'s database, closed (and its copy removed) on exit."""
    database = require_data_dir(data_dir) / DATABASE
    sides = [database.with_name(database.name + suffix) for suffix in _SIDE_FILES]
    if not any(side.exists() for side in sides):
        connection = _connect(f"file:{quote(str(database))}?mode=ro&immutable=1", database)
        try:
            yield connection
        finally:
            connection.close()
        return
    with tempfile.TemporaryDirectory(prefix="papersearch-zotero-") as folder:
        copy = _copy_consistently(database, sides, Path(folder))
        connection = _connect(str(copy), database)
        try:
            yield connection
        finally:
            connection.close()


def _copy_consistently(database: Path, sides: list[Path], folder: Path) -> Path:
    """Copy the database and its side files; again if Zotero wrote to them meanwhile (a copy of
    files that changed while being copied could mix two states the WAL cannot reconcile)."""
    for _ in range(_COPY_ATTEMPTS):
        before = _signature([database, *sides])
        for path in [*sides, database]:  # the log first: pages checkpointed meanwhile are in it too
            if path.exists():
                try:
                    shutil.copyfile(path, folder / path.name)
                except FileNotFoundError:  # checkpointed and removed while copying: copy again
                    break
                except OSError as error:
                    raise ZoteroError(f"cannot copy {path} ({error.strerror or error})") from None
        else:
            if _signature([database, *sides]) == before:
                return folder / database.name
        for leftover in folder.iterdir():
            leftover.unlink()
    raise ZoteroError(f"{database} kept changing while it was copied; try again when Zotero is idle")


def _signature(paths: list[Path]) -> tuple:
    found = []
    for path in paths:
        try:
            info = os.stat(path)
        except FileNotFoundError:
            found.append(None)
        else:
            found.append((info.st_size, info.st_mtime_ns))
    return tuple(found)


def _connect(target: str, database: Path) -> sqlite3.Connection:
    """Open and touch the database, so a damaged file fails here with a clear message."""
    try:
        connection = sqlite3.connect(target, uri=target.startswith("file:"))
        connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise ZoteroError(f"{database} cannot be read as a Zotero database ({error}); "
                          "Zotero's own backup is zotero.sqlite.bak in the same folder") from None
    return connection
