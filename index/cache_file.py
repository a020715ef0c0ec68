"""A cache file in the index folder that vouches for itself: a header (the version of the code that
made its contents, and their SHA-256) beside the contents, as the note and citation caches keep them.

A cache is never the truth: a file that cannot be read, of the wrong shape, or whose contents no
longer fit their digest (a bad sector, a hand edit) is ignored with a warning; one of another
version is ignored quietly (an upgrade makes it again); one that cannot be written is a warning.
Either way the build does the work again and nothing else is lost. Contents the file already
holds (the digest of what was loaded or last written) are not written again, so a build that
changes nothing leaves the file as it was. Written atomically, under the build lock (one writer).
"""

from __future__ import annotations

import json
import logging
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from disk import atomic_write_bytes

Contents = TypeVar("Contents")
Value = TypeVar("Value")
_log = logging.getLogger(__name__)
# what reading a damaged file raises (np.load also KeyError and BadZipFile), and parsing contents of the wrong shape
_UNREADABLE = (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile)
_MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError)


class CacheFile:
    """One cache file: `name` says which in warnings ("the note cache"), `without` what a build
    does when it cannot use it ("every note is read again")."""

    def __init__(self, path: Path, name: str, without: str, logger: logging.Logger = _log):
        self.path = Path(path)
        self._name, self._without, self._log = name, without, logger
        self._held: tuple[str, str] | None = None  # (version, digest) of the contents the file holds

    def load(self, version: str, read: Callable[[Path], tuple[object, Contents]], digest: Callable[[Contents], str],
             parse: Callable[[Contents], Value]) -> Value | None:
        """`parse` of the contents `read` finds beside their header, when the header is of
        `version` and vouches for them (their `digest`); else None."""
        try:
            header, contents = read(self.path)
        except FileNotFoundError:
            return None
        except _UNREADABLE as error:
            return self.ignored(error)
        if not isinstance(header, dict) or header.get("version") != version:
            return None
        found = digest(contents)
        if header.get("digest") != found:
            return self.ignored("its contents do not match their digest")
        try:
            value = parse(contents)
        except _MALFORMED as error:
            return self.ignored(error)
        self._held = (version, found)
        return value

    def save(self, version: str, digest: str, file_bytes: Callable[[str], bytes]) -> None:
        """Write the contents whose digest is `digest` (`file_bytes(header)`: the whole file),
        unless the file holds them already."""
        if self._held == (version, digest):
            return
        header = json.dumps({"version": version, "digest": digest})
        try:
            atomic_write_bytes(self.path, file_bytes(header), durable=False)
        except OSError as error:
            self._log.warning("cannot write %s %s (%s); %s at the next build", self._name, self.path, error,
                              self._without)
            return
        self._held = (version, digest)

    def ignored(self, why: object) -> None:
        self._log.warning("ignoring %s %s (%s); %s", self._name, self.path, why, self._without)
        return None
