"""Find the files of a library: notes and PDFs, recursively, without wandering into hidden
folders, the index itself, or symlink loops."""

from __future__ import annotations

import os
from pathlib import Path

SUPPORTED_SUFFIXES = (".pdf", ".md", ".markdown", ".txt")


def discover_files(library: Path, exclude: tuple[Path, ...] = ()) -> dict[str, Path]:
    """Map library-relative POSIX paths to absolute paths, sorted by relative path.

    Symlinked folders are followed once; a link back to a folder already seen is ignored.
    """
    root = Path(library).resolve()
    excluded = {Path(p).resolve() for p in exclude}
    seen_dirs: set[Path] = set()
    found: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        current = Path(dirpath)
        real = current.resolve()
        if real in seen_dirs or real in excluded:
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith(".") or not name.lower().endswith(SUPPORTED_SUFFIXES):
                continue
            full = current / name
            if not full.is_file():  # dangling symlink
                continue
            found[full.relative_to(root).as_posix()] = full
    return dict(sorted(found.items()))
