"""PDFs the page can open in the browser at a page.

Started as README says (`streamlit run page.py`, scripts/run-demo.sh), the page has a route of its
own (page.py, `papers/<token>/<file name>`) that serves the library's file itself: no copy, under
the file's own name (the browser's tab and "Save as" show it), nothing written into the code's
folder. Only a file the page has linked can be fetched: `served_pdf_url` registers it (resolved
inside the library by `Library.path_of`) under its content hash's first 32 hex digits, in this
process only, the last REGISTERED_MAX of them.

Started as `streamlit run app.py` (no route), and for the MCP server (another process, given the
page's address, for its `open` links), copies are served by Streamlit's static serving as below.

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
import threading
from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote

SERVED_FOLDER = "pdf"
PAPERS_ROUTE = "papers"  # page.py serves PAPERS_ROUTE/<token>/<file name>
REGISTERED_MAX = 4096  # files linked by this process that stay fetchable (the oldest are forgotten first)
_REGISTERED: OrderedDict[str, tuple[Path, str]] = OrderedDict()
_REGISTERED_LOCK = threading.Lock()  # page sessions are threads of one process
_ROUTE = {"installed": False}


def served_subfolder(index_dir: Path | str) -> str:
    """The subfolder of SERVED_FOLDER for one index: a hash of its folder's absolute path, so two
    servers of different indexes never touch each other's copies (and no path is shown in a URL)."""
    return hashlib.sha256(str(Path(index_dir).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def install_route() -> None:
    """Called by page.py, which serves PAPERS_ROUTE in this process: links go there from now on."""
    _ROUTE["installed"] = True


def route_installed() -> bool:
    return _ROUTE["installed"]


def registered_pdf(token: str, name: str) -> Path | None:
    """The file the page linked as `PAPERS_ROUTE/token/name`, if it did and it is still a file."""
    with _REGISTERED_LOCK:
        found = _REGISTERED.get(token)
    if found is None or found[1] != name or not found[0].is_file():
        return None
    return found[0]


def _register(source: Path, sha256: str) -> str:
    token = sha256[:32]
    with _REGISTERED_LOCK:
        _REGISTERED[token] = (source, source.name)
        _REGISTERED.move_to_end(token)
        while len(_REGISTERED) > REGISTERED_MAX:
            _REGISTERED.popitem(last=False)
    return f"{PAPERS_ROUTE}/{token}/{quote(source.name)}"


def served_pdf_url(source: Path, sha256: str, static_dir: Path, page: int | None = None, *,
                   index_dir: Path | str) -> str:
    """The page-relative URL of `source` (a PDF inside the library indexed in `index_dir`) served at
    `page`: through the page's own route when this process has it, else a copy in `static_dir`."""
    if route_installed():
        return _register(Path(source), sha256) + (f"#page={page}" if page else "")
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
