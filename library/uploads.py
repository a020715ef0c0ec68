"""Papers added from the page: stored safely inside the library, never overwriting, never twice.

An upload's name comes from someone else's computer, so it is made safe (no folders, no `..`,
no leading dot, no control, format (bidi) or separator characters, not over-long; Chinese and
other scripts kept). A file with the same name is kept beside the new one (`name (2).pdf`); a
file whose bytes are already in the library is reported and not stored again.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from corpus import SUPPORTED_SUFFIXES, UnreadableFileError, decode_text_file, pdf_open_problem
from library.safe_paths import inside_library

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
_MAX_NAME_BYTES = 200  # well under the 255-byte limit of common file systems, room for " (99)"
_FILE_MODE = 0o644  # what the user's own files in the library have
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


@dataclass(frozen=True)
class AddedFile:
    name: str  # as uploaded
    path: str | None  # where it was stored, relative to the library; None if not stored
    outcome: str  # "added", "renamed", "duplicate" or "refused"
    detail: str = ""  # for duplicates: the file with the same bytes; for refusals: why

    @property
    def shown_name(self) -> str:
        """The name as messages show it: the safe name it is (or would be) stored under, never the
        raw uploaded name, which may hold bidi overrides, controls or a path."""
        return safe_file_name(self.name)


def safe_file_name(name: str) -> str:
    """A file name that is only a name: the last path part, no control, format (bidi) or
    reserved characters, no leading dots or spaces, at most _MAX_NAME_BYTES bytes of UTF-8 with
    its suffix kept."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/")).split("/")[-1]
    name = "".join(_visible(char) for char in name)
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    stem, suffix = os.path.splitext(name)
    suffix = suffix.lower() if suffix.lower() in SUPPORTED_SUFFIXES else suffix
    stem = stem.strip(" ._") or "upload"
    while len((stem + suffix).encode("utf-8")) > _MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + suffix


def _visible(char: str) -> str:
    """Invisible characters that change how a name reads go: bidi overrides and other format
    characters (Cf: "evil\u202efdp.md" shows as "evilmd.pdf") and lone surrogates (Cs) are
    dropped; controls and line or paragraph separators (Cc, Zl, Zp) become "_"."""
    category = unicodedata.category(char)
    return "" if category in ("Cf", "Cs") else "_" if category in ("Cc", "Zl", "Zp") else char


def add_files(
    root: Path, folder: str, uploads: list[tuple[str, bytes]], known_hashes: dict[str, str]
) -> list[AddedFile]:
    """Store each (name, bytes) under `folder` of the library at `root`. `known_hashes` maps the
    SHA-256 of every file already in the library to its path (from the index's manifest)."""
    target_folder = inside_library(root, folder) if folder.strip("/ ") else Path(root).resolve()
    results, seen = [], dict(known_hashes)
    for name, data in uploads:
        results.append(_add_one(Path(root).resolve(), target_folder, name, data, seen))
    return results


def _add_one(root: Path, folder: Path, name: str, data: bytes, seen: dict[str, str]) -> AddedFile:
    safe = safe_file_name(name)
    if not safe.lower().endswith(SUPPORTED_SUFFIXES):
        return AddedFile(name, None, "refused", "not a PDF or a note (.pdf, .md, .markdown, .txt)")
    if len(data) > MAX_UPLOAD_BYTES:
        return AddedFile(name, None, "refused", f"larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB")
    if not data:
        return AddedFile(name, None, "refused", "empty file (0 bytes)")
    unreadable = _unreadable(safe, data)
    if unreadable:
        return AddedFile(name, None, "refused", unreadable)
    digest = hashlib.sha256(data).hexdigest()
    if digest in seen:
        return AddedFile(name, None, "duplicate", seen[digest])
    folder.mkdir(parents=True, exist_ok=True)
    stored = _store_without_overwriting(folder, safe, data)
    relative = stored.relative_to(root).as_posix()
    seen[digest] = relative
    return AddedFile(name, relative, "added" if stored.name == safe else "renamed", stored.name)


def _unreadable(name: str, data: bytes) -> str | None:
    """Why a build could never read these bytes, or None: such a file is refused at the door
    rather than stored in the library to be skipped by every build after."""
    if name.lower().endswith(".pdf"):
        if data.startswith(b"%PDF-"):
            return None  # the usual PDF: a damaged one is stored, and the build names its damage
        problem = pdf_open_problem(data)  # junk before the header, or none: what the readers accept
        if problem and b"%PDF-" not in data:
            return "not a PDF (no %PDF- header): perhaps another kind of file renamed"
        return problem
    try:
        decode_text_file(data, name)
    except UnreadableFileError as error:
        return error.reason
    return None


def _store_without_overwriting(folder: Path, name: str, data: bytes) -> Path:
    """Write to a temporary file, then hard-link it to the first free name: a link never
    replaces an existing file, so even two uploads at once cannot overwrite each other."""
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        os.chmod(temporary, _FILE_MODE)  # mkstemp makes it private; the library's files are not
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        stem, suffix = os.path.splitext(name)
        for number in range(1, 10_000):
            candidate = folder / (name if number == 1 else f"{stem} ({number}){suffix}")
            try:
                os.link(temporary, candidate)
                return candidate
            except FileExistsError:
                continue
        raise FileExistsError(f"no free name for {name} in {folder}")
    finally:
        os.unlink(temporary)


def relative_folders(root: Path, exclude: Path) -> list[str]:
    """Every visible folder of the library (relative, '' for the top), for the upload target,
    in os.walk's top-down order. A loop, not os.walk: Python 3.11's recurses, and a library
    nested a thousand folders deep must not crash the page. Links are not followed."""
    root, exclude = Path(root).resolve(), Path(exclude).resolve()
    found, stack = [""], [root]  # links are not followed, so every path here is already real
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as listing:
                names = sorted(e.name for e in listing if not e.name.startswith(".") and _is_plain_folder(e))
        except OSError:
            continue  # unreadable, or too deep to open by name: nothing to upload into
        children = [current / name for name in names if current / name != exclude]
        found += [PurePosixPath(child.relative_to(root)).as_posix() for child in children]
        stack.extend(reversed(children))
    return found


def _is_plain_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False
