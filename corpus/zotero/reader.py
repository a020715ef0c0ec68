"""Read a whole Zotero data folder in one call: snapshot, schema check, items."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from corpus.zotero.data_dir import DATABASE
from corpus.zotero.errors import ZoteroError
from corpus.zotero.items import read_items
from corpus.zotero.records import ZoteroItem
from corpus.zotero.schema import check_schema
from corpus.zotero.snapshot import open_snapshot


@dataclass(frozen=True)
class ZoteroLibraryData:
    data_dir: Path
    schema_version: int
    items: tuple[ZoteroItem, ...]


def read_zotero(data_dir: Path, base_dir: Path | None = None) -> ZoteroLibraryData:
    """Every regular item of the data folder, from a snapshot (the folder is never written);
    ZoteroError when the database cannot be read or its schema is not one this reader knows."""
    data_dir = Path(data_dir).expanduser()
    with open_snapshot(data_dir) as db:
        version = check_schema(db, str(data_dir / DATABASE))
        try:
            items = read_items(db, data_dir, base_dir)
        except sqlite3.DatabaseError as error:
            raise ZoteroError(f"{data_dir / DATABASE} could not be read ({error})") from None
    return ZoteroLibraryData(data_dir, version, tuple(items))
