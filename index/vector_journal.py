"""Vectors a build has embedded but not yet committed, kept on disk as the build goes.

A first build of a large library embeds for hours; holding its vectors in memory until the end
meant a crash, Ctrl-C or a full disk threw all of it away. Every batch the model embeds is
committed here (SQLite, one transaction per batch, so `kill -9` loses at most the batch in
flight), keyed by the model and the SHA-256 of the passage's embedded text: the next build, after
an interruption or not, takes a text's vector from here instead of embedding it again. A build
that commits its index empties the journal, since its vectors now live in the index itself.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from index.errors import IndexWriteError

JOURNAL_FILE = "journal.sqlite"
_LOOKUP_BATCH = 500  # SQLite's limit on bound parameters is 999 in old builds


def text_key(text: str) -> bytes:
    """What a vector is filed under: the embedded text itself, not where it came from, so a PDF
    saved again with new highlights (new bytes, the same text) needs no model."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class VectorJournal:
    """The journal of one index folder; use under the index's build lock (one writer)."""

    def __init__(self, directory: Path):
        self.path = Path(directory) / JOURNAL_FILE
        self._connection: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        if self._connection is None:
            try:
                self._connection = _open(self.path)
            except sqlite3.DatabaseError:  # damaged (a disk error, a half-copied folder): start afresh
                _remove(self.path)
                self._connection = _open(self.path)
        return self._connection

    def get_many(self, model: str, keys: Iterable[bytes], dimension: int) -> dict[bytes, np.ndarray]:
        """The journalled vectors among `keys`; a row of the wrong size (another model under the same
        name) is ignored and embedded again."""
        keys = list(dict.fromkeys(keys))
        if not keys or not self.path.exists():
            return {}
        found: dict[bytes, np.ndarray] = {}
        try:
            for start in range(0, len(keys), _LOOKUP_BATCH):
                batch = keys[start : start + _LOOKUP_BATCH]
                marks = ",".join("?" * len(batch))
                rows = self._db().execute(
                    f"SELECT key, vector FROM vectors WHERE model = ? AND key IN ({marks})", (model, *batch)
                )
                for key, blob in rows:
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape == (dimension,):
                        found[bytes(key)] = vector
        except sqlite3.DatabaseError:  # a journal that cannot be read only costs embedding again
            self.discard()
            return {}
        return found

    def put_many(self, model: str, keys: list[bytes], vectors: np.ndarray) -> None:
        """File one embedded batch, committed before the next one starts."""
        rows = [(model, key, np.ascontiguousarray(vector, dtype=np.float32).tobytes())
                for key, vector in zip(keys, vectors, strict=True)]
        try:
            with self._db() as db:
                db.executemany("INSERT OR REPLACE INTO vectors (model, key, vector) VALUES (?, ?, ?)", rows)
        except sqlite3.OperationalError as error:  # full disk, read-only folder
            raise IndexWriteError(
                f"Papersearch cannot save embedded vectors in {self.path.parent} ({error}). The index as it was "
                "still answers searches; free some space and build again: what was embedded so far is not embedded "
                "twice."
            ) from None

    def count(self, model: str) -> int:
        if not self.path.exists():
            return 0
        return int(self._db().execute("SELECT COUNT(*) FROM vectors WHERE model = ?", (model,)).fetchone()[0])

    def discard(self) -> None:
        """Empty the journal: its vectors are in the committed index now (or cannot be trusted)."""
        self.close()
        _remove(self.path)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _open(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")  # a killed process loses nothing committed; power loss a batch
    connection.execute(
        "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, key BLOB NOT NULL, vector BLOB NOT NULL, "
        "PRIMARY KEY (model, key)) WITHOUT ROWID"
    )
    return connection


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
