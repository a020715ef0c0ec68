"""Memory a build has freed, given back to the system.

A build frees the library's passages (hundreds of MB at 10,000 files) once they are on disk; the
C allocator keeps freed small blocks for reuse, and the vectors and FAISS that come next are
allocated elsewhere (large blocks are mapped separately), so without this the freed pages would
stay counted against the process until it exits.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys


def release_freed_memory() -> None:
    """Collect garbage, then ask glibc to return its free pages (malloc_trim); elsewhere a no-op."""
    gc.collect()
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # musl and others have no malloc_trim: the pages are only kept
        pass
