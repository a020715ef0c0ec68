"""Find the files of a library: notes and PDFs, recursively, without wandering into hidden
folders, the index itself, or symlink loops — and say which files and folders could not be
listed, so a build can report them instead of treating them as deleted."""

from __future__ import annotations

import os
import stat
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED_SUFFIXES = (".pdf", ".md", ".markdown", ".txt")
SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))  # never a library, and endless to walk


@dataclass(frozen=True)
class Discovery:
    files: dict[str, Path]  # library-relative POSIX path -> absolute path, sorted
    problems: dict[str, str] = field(default_factory=dict)  # a file that looks like ours but cannot be read
    unreadable_folders: dict[str, str] = field(default_factory=dict)  # folder -> why it could not be listed


def discover_library(library: Path, exclude: tuple[Path, ...] = ()) -> Discovery:
    """Every supported file under `library`. The walk is a loop, not recursion, so no depth of
    folders can crash it. Symlinked folders are followed once, after the library's own folders
    (so a file is listed where it really is); a link to a system folder, to a folder containing
    the library (``/``) or the folder it is in (a cycle), or to a folder already searched, is
    listed in ``problems`` and not followed."""
    walk = _Walk(Path(library).resolve(), {Path(p).resolve() for p in exclude})
    folders = [(walk.root, walk.root, ())]  # (path as walked, real path, real folders links left from)
    links: deque = deque()  # symlinked folders, followed once the library's own folders are done
    while folders or links:
        is_link = not folders
        current, real, left_from = folders.pop() if folders else links.popleft()
        if current != walk.root:
            reason = walk.link_problem(real, left_from) if is_link else None
            if reason or real in walk.seen:
                walk.problems[_relative(current, walk.root)] = reason or \
                    f"the same folder as {walk.seen[real]} (through a link); searched there only"
                continue
            walk.seen[real] = _relative(current, walk.root)
        for child, target in reversed(walk.folder(current)):
            if target is None and real / child.name not in walk.excluded:
                folders.append((child, real / child.name, left_from))
            elif target is not None and target not in walk.excluded:
                links.append((child, target, left_from + (real,)))
    return walk.discovery()


class _Walk:
    """What one discovery has found so far; `folder` lists one folder."""

    def __init__(self, root: Path, excluded: set[Path]):
        self.root, self.excluded = root, excluded
        self.seen: dict[Path, str] = {root: "."}  # real folder -> where it was searched
        self.found: dict[str, Path] = {}
        self.problems: dict[str, str] = {}
        self.folders: dict[str, str] = {}

    def folder(self, current: Path) -> list[tuple[Path, Path | None]]:
        """Record the supported files of `current`; return its visible subfolders, sorted, each
        with its link's real target (None when it is not a link)."""
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            self.folders[_relative(current, self.root)] = f"folder cannot be read ({error.strerror or error})"
            return []
        folders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            full = current / entry.name
            if _is_folder(entry):
                if entry.name.lower().endswith(SUPPORTED_SUFFIXES):
                    self.problems[_relative(full, self.root)] = "a folder, not a file (its contents are searched)"
                folders.append((full, _link_target(entry, full)))
            elif entry.name.lower().endswith(SUPPORTED_SUFFIXES):
                relative = _relative(full, self.root)
                reason = _why_not_a_file(full, relative)
                if reason:
                    self.problems[relative] = reason
                else:
                    self.found[relative] = full
        return folders

    def link_problem(self, target: Path, left_from: tuple[Path, ...]) -> str | None:
        """Why a link to the folder `target`, reached by links taken from the real folders
        `left_from` (and the library), is not followed."""
        if any(target == system or target.is_relative_to(system) for system in SYSTEM_FOLDERS):
            return f"link to the system folder {target}; not followed"
        if target == self.root:
            return "link to the library folder itself; not followed (a cycle)"
        if self.root.is_relative_to(target):
            return f"link to {target}, a folder containing the library; not followed (it would search all of it)"
        if any(folder.is_relative_to(target) for folder in left_from):
            return f"link to {target}, a folder it is inside; not followed (a cycle)"
        return None

    def discovery(self) -> Discovery:
        return Discovery(dict(sorted(self.found.items())), dict(sorted(self.problems.items())),
                         dict(sorted(self.folders.items())))


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows a link
    except OSError:
        return False


def _link_target(entry: os.DirEntry, full: Path) -> Path | None:
    """A symlinked folder's real path; None for a plain folder (resolving every folder of a deep
    tree would cost its depth each time)."""
    if not entry.is_symlink():
        return None
    try:
        return full.resolve()
    except (OSError, RuntimeError):  # a link loop that is_dir() did not catch
        return full


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
