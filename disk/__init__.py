"""Files on disk: atomic writes, content hashes, the cache folder and a portable lock.

The bottom of the stack (imports nothing of Papersearch's), so every package writes, hashes and
locks files the same way.
"""

from disk.atomic import atomic_write_bytes, atomic_write_text, fsync_path
from disk.cache import ENV_CACHE, cache_dir
from disk.hashing import file_sha256, text_sha256
from disk.locking import LockHeld, exclusive_lock

__all__ = [
    "ENV_CACHE", "LockHeld", "atomic_write_bytes", "atomic_write_text", "cache_dir", "exclusive_lock",
    "file_sha256", "fsync_path", "text_sha256",
]
