"""Which Zotero database versions this reader knows: the userdata schema numbers of the
Zotero releases it was tested against (tests/support/zotero_schema/: 123 is Zotero 7.0 and
8.0, 125 Zotero 9.0, 129 Zotero 10.0). A database outside that range may have moved the
tables the reader relies on, so it is refused with a message rather than read wrongly."""

from __future__ import annotations

import sqlite3

from corpus.zotero.errors import ZoteroError

OLDEST, NEWEST = 123, 129  # Zotero 7.0 ... Zotero 10.0


def check_schema(connection: sqlite3.Connection, where: str) -> int:
    """The database's userdata schema version; ZoteroError if it is not one this reader knows."""
    try:
        row = connection.execute("SELECT version FROM version WHERE schema = 'userdata'").fetchone()
    except sqlite3.DatabaseError as error:
        raise ZoteroError(f"{where} is not a Zotero database ({error})") from None
    if row is None:
        raise ZoteroError(f"{where} has no userdata schema version; it is not a Zotero database")
    version = int(row[0])
    if not OLDEST <= version <= NEWEST:
        newer = "a newer Zotero than" if version > NEWEST else "an older Zotero than"
        raise ZoteroError(
            f"{where} has Zotero schema version {version}, from {newer} Papersearch knows "
            f"(schema {OLDEST}-{NEWEST}: Zotero 7 to 10); it was not read, so nothing was indexed wrongly"
        )
    return version
