"""A Zotero data folder as part of a library: its documents for the next build, a folder of its
own for the index when Zotero is the only source, and the real file behind a Zotero name.

The index never goes into Zotero's data folder (Papersearch does not write there): a Zotero-only
library keeps it in ``$PAPERSEARCH_HOME/zotero/<hash of the data folder>/`` (default
``~/.local/share/papersearch``). When the database cannot be read (damaged, unknown schema),
the names indexed from it before are reported as unreadable and keep their passages, as files
of a folder that cannot be listed do; the rest of the library is built as usual.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from corpus import ExtraSources
from corpus.zotero import ZoteroError, base_attachment_dir, read_zotero
from corpus.zotero.data_dir import DATABASE, require_data_dir
from corpus.zotero.documents import zotero_sources
from corpus.zotero.names import PREFIX, parse_name
from index import Manifest, PapersearchError

ENV_HOME = "PAPERSEARCH_HOME"


def zotero_home(data_dir: Path) -> Path:
    """The folder a Zotero-only library's index lives in (created; empty apart from the index)."""
    base = Path(os.environ.get(ENV_HOME) or Path.home() / ".local" / "share" / "papersearch").expanduser()
    digest = hashlib.sha256(str(Path(data_dir).expanduser().resolve()).encode()).hexdigest()[:12]
    home = base / "zotero" / digest
    home.mkdir(parents=True, exist_ok=True)
    return home


def zotero_extra(data_dir: Path, previous: Manifest | None) -> ExtraSources:
    """The data folder's documents; if it cannot be read, its earlier names as unreadable (kept)."""
    try:
        return zotero_sources(read_zotero(data_dir, base_attachment_dir()))
    except ZoteroError as error:
        known = [path for path in (previous.files if previous else {}) if path.startswith(PREFIX)]
        reason = f"Zotero library not read: {error}"
        return ExtraSources(origin=Path(data_dir) / DATABASE, problems={path: reason for path in known} or {PREFIX: reason})


def zotero_file(data_dir: Path, relative: str) -> Path | None:
    """The PDF behind a Zotero attachment name: storage/<KEY>/<name> for imported files, else
    found by reading the database (a linked file can be anywhere)."""
    name = parse_name(relative)
    if name is None or name.attachment is None or not relative.lower().endswith(".pdf"):
        return None
    stored = Path(data_dir).expanduser() / "storage" / name.attachment / relative.rsplit("/", 1)[-1]
    if stored.is_file():
        return stored
    try:
        return zotero_sources(read_zotero(data_dir, base_attachment_dir())).files.get(relative)
    except ZoteroError:
        return None


def database_stat(data_dir: Path) -> tuple:
    """What changes whenever Zotero writes: the database's and its WAL's size and time."""
    found = []
    for suffix in ("", "-wal"):
        try:
            info = os.stat(Path(data_dir).expanduser() / (DATABASE + suffix))
            found.append((suffix, info.st_size, info.st_mtime_ns))
        except OSError as error:
            found.append((suffix, repr(error)))
    return tuple(found)


class ZoteroLibraryError(PapersearchError):
    """The Zotero data folder given cannot be used at all (none there, nothing to index)."""


def checked_data_dir(data_dir: Path) -> Path:
    """The data folder, refused at once with the reason when it holds no Zotero database."""
    try:
        return require_data_dir(Path(data_dir))
    except ZoteroError as error:
        raise ZoteroLibraryError(str(error)) from None


def refuse_empty(data_dir: Path, extra: ExtraSources | None) -> None:
    """A Zotero-only library with nothing to index says why, instead of "no files found" in a
    folder the user never chose."""
    if extra is None or extra.files or extra.documents:
        return
    why = "; ".join(sorted(set(extra.problems.values()))[:3])
    raise ZoteroLibraryError(f"The Zotero library in {data_dir} has no PDFs, notes or annotations to index"
                             + (f" ({why})" if why else " (it has no items outside the trash)") + ".")
