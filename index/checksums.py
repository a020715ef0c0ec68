"""A SHA-256 of every file of a build, written last into the build folder and checked before a
build reuses it (and by `status`).

Sizes and parsers catch a truncated or garbled file; a file damaged in place (a disk error, a
stray write) can keep its size and still parse, and would then be searched and reused by every
later build. Only its bytes tell. Checking reads the whole index, so search does not do it: a
build already reads it all, and `status` is where a user asks whether the index is sound.
Builds written before checksums existed have no checksums.json and are not checked; a build
whose manifest says it wrote them (index/migrations.checksums_required) must still have them.

A build's check may `remember` (verified.json beside the builds): a file whose digest was found
sound and whose size, inode, modification and change times are still those seen then is not
hashed again. Every write to a file moves its change time (which no program can set back), so
what this skips is only damage below the file system (a failing disk); `status` hashes every
byte. At 10,000 files the index is over a gigabyte, and hashing it made a no-op `build` miss its
3 s (bench/README.md, "big_library").
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from disk import atomic_write_text, file_sha256
from index.errors import CorruptIndexError

CHECKSUMS = "checksums.json"
VERIFIED = "verified.json"  # in the index folder, beside builds/: what the last check found sound


def write_checksums(folder: Path) -> None:
    """Checksums of every file under `folder` (the build's last file, so they cover the manifest)."""
    sums = {path.relative_to(folder).as_posix(): file_sha256(path)
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name != CHECKSUMS}
    (folder / CHECKSUMS).write_text(json.dumps(sums, indent=1), encoding="utf-8")


def verify_checksums(folder: Path, required: bool = True, remember: Path | None = None) -> None:
    """Raise CorruptIndexError naming the first file whose bytes differ from when it was written,
    or, when `required`, saying that checksums.json is missing. `remember`: the verified.json to
    take files found sound from, and to record them in (see the module docstring)."""
    recorded = folder / CHECKSUMS
    if not recorded.exists():
        if required:
            raise CorruptIndexError(folder, f"is damaged: its {CHECKSUMS} is missing, so its files cannot be checked")
        return
    try:
        sums = json.loads(recorded.read_text(encoding="utf-8"))
        items = [(str(name), str(digest)) for name, digest in sums.items()]
    except (OSError, ValueError, AttributeError) as error:
        raise CorruptIndexError(folder, f"has checksums that cannot be read ({type(error).__name__}: {error})") from None
    known = _remembered(remember, folder) if remember is not None else {}
    sound: dict[str, list] = {}
    for name, digest in items:
        path = folder / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            raise CorruptIndexError(folder, f"has checksums that name a file outside it ({name})")
        try:
            sound[name] = [digest, *_identity(path)]
            changed = known.get(name) != sound[name] and file_sha256(path) != digest
        except OSError as error:
            raise CorruptIndexError(folder, f"has a file that cannot be read, {name} ({error.strerror or error})") from None
        if changed:
            raise CorruptIndexError(folder, f"is damaged: the bytes of {name} changed since the build wrote it")
    if remember is not None and sound != known:
        _record(remember, folder, sound)


def remember_written(folder: Path, remember: Path) -> None:
    """A build just written: its files are as its checksums say (they were made from its bytes)."""
    try:
        sums = json.loads((folder / CHECKSUMS).read_text(encoding="utf-8"))
        _record(remember, folder, {name: [digest, *_identity(folder / name)] for name, digest in sums.items()})
    except (OSError, ValueError):  # then the next build's check hashes every byte
        pass


def _record(remember: Path, folder: Path, sound: dict[str, list]) -> None:
    try:
        atomic_write_text(remember, json.dumps({"build": folder.name, "files": sound}), durable=False)
    except OSError:  # an index one may only read is checked in full each time
        pass


def _identity(path: Path) -> list[int]:
    stat = os.stat(path)
    return [stat.st_size, stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns]


def _remembered(remember: Path, folder: Path) -> dict[str, list]:
    try:
        recorded = json.loads(remember.read_text(encoding="utf-8"))
        files = recorded["files"] if recorded.get("build") == folder.name else {}
        return {str(name): list(seen) for name, seen in files.items()}
    except (OSError, ValueError, AttributeError, KeyError, TypeError):  # none yet, or torn: check every byte
        return {}
