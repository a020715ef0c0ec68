"""PDFs the page can open in the browser at a page: copies served by Streamlit's static serving
(the page makes them for its cards; the MCP server, given the page's address, for its `open` links).

A browser will not open a file:// link from an http:// page, so the page serves a copy from its
own static folder (`server.enableStaticServing`), named by the file's content hash: the URL
changes when the PDF does, and a file is copied once however often it is opened. Streamlit
resolves links in that folder before serving, so a symlink into the library would be refused:
hence a copy (a hard link where the file system allows it).

The static folder belongs to the code's checkout, so every page server started from it shares it:
each index's copies live in a subfolder of their own, named for the index folder
(`served_subfolder`), and a server prunes only its own index's subfolder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

SERVED_FOLDER = "pdf"


def served_subfolder(index_dir: Path | str) -> str:
    """The subfolder of SERVED_FOLDER for one index: a hash of its folder's absolute path, so two
    servers of different indexes never touch each other's copies (and no path is shown in a URL)."""
    return hashlib.sha256(str(Path(index_dir).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def served_pdf_url(source: Path, sha256: str, static_dir: Path, page: int | None = None, *,
                   index_dir: Path | str) -> str:
    """The page-relative URL of `source` (a PDF inside the library indexed in `index_dir`) served at `page`."""
    subfolder = served_subfolder(index_dir)
    folder = static_dir / SERVED_FOLDER / subfolder
    target = folder / f"{sha256[:32]}.pdf"
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        _place(source, target)
    return f"app/static/{SERVED_FOLDER}/{subfolder}/{target.name}" + (f"#page={page}" if page else "")


def _place(source: Path, target: Path) -> None:
    """Hard-link or copy `source` to `target` atomically (a reader never sees half a file)."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".pdf")
    os.close(handle)
    os.unlink(temporary)
    try:
        try:
            os.link(source, temporary)
        except OSError:
            shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def prune_served_pdfs(static_dir: Path, current_sha256s: set[str], *, index_dir: Path | str) -> int:
    """Delete served copies of PDFs the index in `index_dir` no longer holds (deleted or changed
    files: a copy is named by its content hash), so the static folder does not grow with every edit.
    Only that index's subfolder is pruned: another server's copies are never touched.
    Returns how many were removed; a copy still needed is made again on the next card."""
    folder = static_dir / SERVED_FOLDER / served_subfolder(index_dir)
    keep = {sha[:32] for sha in current_sha256s}
    removed = 0
    for path in folder.glob("*.pdf") if folder.is_dir() else ():
        if path.stem not in keep and not path.name.startswith(".tmp-"):
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:  # another session pruned it first
                pass
    return removed
