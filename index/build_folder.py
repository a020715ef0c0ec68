"""What both stores do with a build's own folder: hold the build lock, read its manifest, and
write the folder whole (staged, checksummed, synced, renamed) or not at all."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from disk import LockHeld, exclusive_lock, fsync_path
from index.checksums import write_checksums
from index.errors import CorruptIndexError, IndexLockedError, NewerIndexError
from index.manifest import FORMAT_VERSION, Manifest, recorded_model
from papers import Catalog

MANIFEST = "manifest.json"
PAPERS = "papers.json"
STAGING_PREFIX = ".tmp-"
T = TypeVar("T")


@contextmanager
def held_lock(lock_file: Path, directory: Path, cannot_write: Callable[[OSError], Exception]) -> Iterator[None]:
    """One build at a time per index folder; a lock file that cannot be made is `cannot_write(error)`."""
    lock = exclusive_lock(lock_file, wait=False)
    try:
        lock.__enter__()
    except LockHeld:
        raise IndexLockedError(directory) from None
    except OSError as error:
        raise cannot_write(error) from None
    try:
        yield
    finally:
        lock.__exit__(None, None, None)


class BuildFolderReads:
    """What a store reads from its current build's local folder (both stores keep the manifest and
    the catalog there): a store gives `current_build` and `_require_build`."""

    def current_build(self) -> Path | None:
        raise NotImplementedError

    def _require_build(self) -> Path:
        raise NotImplementedError

    def exists(self) -> bool:
        return self.current_build() is not None

    def load_manifest(self) -> Manifest | None:
        build = self.current_build()
        return None if build is None else read_manifest(build)

    def recorded_model(self) -> str | None:
        """The model the current build's manifest names, even if the build cannot be loaded."""
        build = self.current_build()
        return recorded_model(build / MANIFEST if build else None)

    def load_catalog(self) -> Catalog:
        """Only the paper catalog of the current build (no vectors, passages or BM25)."""
        build = self._require_build()
        read_manifest(build)  # refuses an index of another format
        return read_or_corrupt(build, lambda: read_catalog(build))


def read_catalog(build: Path) -> Catalog:
    return Catalog.from_dict(json.loads((build / PAPERS).read_text(encoding="utf-8")))


def read_manifest(build: Path) -> Manifest:
    """A build's manifest, refusing one of another format."""
    try:
        manifest = Manifest.from_json((build / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise CorruptIndexError(build, f"has a manifest that cannot be read ({type(error).__name__}: {error})") from None
    if manifest.format_version > FORMAT_VERSION:
        raise NewerIndexError(build, manifest.format_version, FORMAT_VERSION)
    if manifest.format_version != FORMAT_VERSION:
        raise CorruptIndexError(
            build, f"it has format {manifest.format_version}; this Papersearch reads format {FORMAT_VERSION}"
        )
    return manifest


def read_or_corrupt(build: Path, read: Callable[[], T]) -> T:
    """`read()`, with any failure of a damaged file (each library fails its own way) as CorruptIndexError."""
    try:
        return read()
    except Exception as error:  # noqa: BLE001 — a damaged file can fail in any library's own way
        raise CorruptIndexError(build, f"it cannot be read ({type(error).__name__}: {error})") from None


def build_name() -> str:
    """A new build's name: its UTC time, then a random suffix (sortable, never reused)."""
    import uuid

    return f"{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"


def write_folder(parent: Path, name: str, fill: Callable[[Path], None]) -> Path:
    """`fill(staging)` writes a build's files into a staging folder under `parent`; they are
    checksummed, synced and renamed to `parent/name` together, or removed if anything fails."""
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=parent))
    try:
        fill(staging)
        write_checksums(staging)
        for path in staging.rglob("*"):
            if path.is_file():
                fsync_path(path)
        final = parent / name
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def clear_staging(parent: Path) -> None:
    """Staging folders that killed builds left behind (call under the build lock)."""
    if parent.is_dir():
        for staging in parent.glob(STAGING_PREFIX + "*"):
            shutil.rmtree(staging, ignore_errors=True)
