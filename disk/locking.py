"""An exclusive lock on a file, held for a block: one build per index, one model conversion at once.

filelock is portable (fcntl here, msvcrt on Windows); the lock is per open file, so two threads
of one process exclude each other as two processes do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout


class LockHeld(Exception):
    """Someone else holds the lock and the caller asked not to wait."""


@contextmanager
def exclusive_lock(path: Path, *, wait: bool) -> Iterator[None]:
    """Hold `path`'s lock for the block; without `wait`, raise LockHeld at once if it is taken.
    Opening the lock file may raise OSError (the folder cannot be written)."""
    lock = FileLock(str(path), timeout=-1 if wait else 0, thread_local=False, is_singleton=False)
    try:
        lock.acquire()
    except Timeout:
        raise LockHeld(str(path)) from None
    try:
        yield
    finally:
        lock.release()
