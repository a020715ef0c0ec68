"""A SHA-256 of every file of a build, written last into the build folder and checked before a
build reuses it (and by `status`).

Sizes and parsers catch a truncated or garbled file; a file damaged in place (a disk error, a
stray write) can keep its size and still parse, and would then be searched and reused by every
later build. Only its bytes tell. Checking reads the whole index, so search does not do it: a
build already reads it all, and `status` is where a user asks whether the index is sound.
Builds written before checksums existed have no checksums.json and are not checked; a build
whose manifest says it wrote them (index/migrations.checksums_required) must still have them.
"""

from __future__ import annotations

import json
from pathlib import Path

from disk import file_sha256
from index.errors import CorruptIndexError

CHECKSUMS = "checksums.json"


def write_checksums(folder: Path) -> None:
    """Checksums of every file under `folder` (the build's last file, so they cover the manifest)."""
    sums = {path.relative_to(folder).as_posix(): file_sha256(path)
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name != CHECKSUMS}
    (folder / CHECKSUMS).write_text(json.dumps(sums, indent=1), encoding="utf-8")


def verify_checksums(folder: Path, required: bool = True) -> None:
    """Raise CorruptIndexError naming the first file whose bytes differ from when it was written,
    or, when `required`, saying that checksums.json is missing."""
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
    for name, digest in items:
        path = folder / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            raise CorruptIndexError(folder, f"has checksums that name a file outside it ({name})")
        try:
            actual = file_sha256(path)
        except OSError as error:
            raise CorruptIndexError(folder, f"has a file that cannot be read, {name} ({error.strerror or error})") from None
        if actual != digest:
            raise CorruptIndexError(folder, f"is damaged: the bytes of {name} changed since the build wrote it")
