"""Library paths from outside (a link, a request, an upload name) resolved only inside the library.

Anything the page serves or writes must stay in the library: `..`, absolute paths, drive letters,
backslashes, symlinks that lead out, and URL-encoded forms of all of these are refused.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from index import UnsafePathError

_MAX_DECODES = 4  # %252e%252e is %2e%2e is ..: decode until stable, a few rounds at most


def inside_library(root: Path, relative: str) -> Path:
    """The absolute path of `relative` under `root`; UnsafePathError if it would leave it."""
    text = relative
    for _ in range(_MAX_DECODES):
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    else:
        raise UnsafePathError(f"The path {relative!r} is encoded too many times to be a library path.")
    if "\x00" in text or "\\" in text or (len(text) > 1 and text[1] == ":"):
        raise UnsafePathError(f"The path {relative!r} is not a library path.")
    parts = PurePosixPath(text).parts
    if not parts or text.startswith("/") or ".." in parts:
        raise UnsafePathError(f"The path {relative!r} leads outside the library.")
    base = Path(root).resolve()
    target = (base / PurePosixPath(*parts)).resolve()
    if not target.is_relative_to(base):
        raise UnsafePathError(f"The path {relative!r} leads outside the library (through a link).")
    return target
