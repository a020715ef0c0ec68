"""Find the files of a library: notes and PDFs, recursively, without wandering into hidden
folders, the index itself, or symlink loops — and say which files and folders could not be
listed, so a build can report them instead of treating them as deleted."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED_SUFFIXES = (".pdf", ".md", ".markdown", ".txt")


@dataclass(frozen=True)
class Discovery:
    files: dict[str, Path]  # library-relative POSIX path -> absolute path, sorted
    problems: dict[str, str] = field(default_factory=dict)  # a file that looks like ours but cannot be read
    unreadable_folders: dict[str, str] = field(default_factory=dict)  # folder -> why it could not be listed


def discover_library(library: Path, exclude: tuple[Path, ...] = ()) -> Discovery:
    """Every supported file under `library`. Symlinked folders are followed once; a link back
    to a folder already seen is ignored."""
    root = Path(library).resolve()
    excluded = {Path(p).resolve() for p in exclude}
    seen_dirs: set[Path] = set()
    found: dict[str, Path] = {}
    problems: dict[str, str] = {}
    folders: dict[str, str] = {}

    def folder_error(error: OSError) -> None:
        relative = _relative(Path(error.filename), root)
        folders[relative] = f"folder cannot be read ({error.strerror or error})"

    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=folder_error):
        current = Path(dirpath)
        real = current.resolve()
        if real in seen_dirs or real in excluded:
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in dirnames:
            if name.lower().endswith(SUPPORTED_SUFFIXES):
                problems[_relative(current / name, root)] = "a folder, not a file (its contents are searched)"
        for name in filenames:
            if name.startswith(".") or not name.lower().endswith(SUPPORTED_SUFFIXES):
                continue
            full = current / name
            relative = _relative(full, root)
            reason = _why_not_a_file(full, relative)
            if reason:
                problems[relative] = reason
            else:
                found[relative] = full
    return Discovery(dict(sorted(found.items())), dict(sorted(problems.items())), dict(sorted(folders.items())))


def discover_files(library: Path, exclude: tuple[Path, ...] = ()) -> dict[str, Path]:
    """The readable-looking files of `library` only (see `discover_library` for what was left out)."""
    return discover_library(library, exclude).files


def _relative(path: Path, root: Path) -> str:
    """A relative path that can be stored and shown: names that are not UTF-8 (GBK bytes left by
    unzipping a Chinese archive) keep their bytes as \\x escapes."""
    relative = path.relative_to(root).as_posix() if path != root else "."
    return relative if _is_utf8(relative) else os.fsencode(relative).decode("utf-8", "backslashreplace")


def _why_not_a_file(full: Path, relative: str) -> str | None:
    """None for a regular file we can store; else the reason to list it as skipped."""
    if not _is_utf8(str(full)):
        return _bad_name(full)
    try:
        mode = full.stat().st_mode
    except FileNotFoundError:
        return f"broken link (points to {os.readlink(full)}, which does not exist)" if full.is_symlink() else "file vanished"
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if stat.S_ISREG(mode):
        return None
    kind = "a named pipe" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else \
        "a socket" if stat.S_ISSOCK(mode) else "a special file"
    return f"not a regular file ({kind}); only regular files are read"


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _bad_name(full: Path) -> str:
    raw = os.fsencode(full.name)
    try:
        guess = f" (read as GBK: {raw.decode('gb18030')})"
    except UnicodeDecodeError:
        guess = ""
    return (f"file name is not valid UTF-8{guess}; rename it to UTF-8 (e.g. convmv -f gbk -t utf-8) "
            "to index it")
