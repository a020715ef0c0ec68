"""Zotero's regular items (papers, books...) with their metadata, read by field NAME.

Zotero numbers item types and fields from its global schema at start-up, so the same field can
have another id in another version or installation; every lookup here joins on the names
(``itemTypesCombined.typeName``, ``fieldsCombined.fieldName``). Attachments, notes and
annotations are items too and are not papers; items in the trash (``deletedItems``) and feed
items are left out; user and group libraries are both read.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from pathlib import Path

from corpus.zotero.attachments import read_attachments
from corpus.zotero.identifiers import arxiv_of, citation_key_of, doi_of, year_of
from corpus.zotero.records import ZoteroItem, ZoteroLibrary, ZoteroNote

NOT_PAPERS = ("attachment", "note", "annotation")
VENUE_FIELDS = ("publicationTitle", "proceedingsTitle", "conferenceName")


def read_libraries(db: sqlite3.Connection) -> dict[int, ZoteroLibrary]:
    """The user library and the group libraries (feeds are not libraries of papers)."""
    groups = {library_id: (group_id, name) for group_id, library_id, name in
              db.execute("SELECT groupID, libraryID, name FROM groups")}
    libraries = {}
    for library_id, kind in db.execute("SELECT libraryID, type FROM libraries ORDER BY libraryID"):
        if kind == "user":
            libraries[library_id] = ZoteroLibrary(library_id, "user")
        elif kind == "group" and library_id in groups:
            group_id, name = groups[library_id]
            libraries[library_id] = ZoteroLibrary(library_id, f"group-{group_id}", group_id, name)
    return libraries


def read_items(db: sqlite3.Connection, data_dir: Path, base_dir: Path | None) -> list[ZoteroItem]:
    """Every regular item of every user and group library, not in the trash."""
    libraries = read_libraries(db)
    deleted = {row[0] for row in db.execute("SELECT itemID FROM deletedItems")}
    placeholders = ",".join("?" * len(NOT_PAPERS))
    rows = db.execute(
        f"SELECT i.itemID, i.key, i.libraryID, t.typeName, i.clientDateModified FROM items i "
        f"JOIN itemTypesCombined t ON t.itemTypeID = i.itemTypeID "
        f"WHERE t.typeName NOT IN ({placeholders}) AND i.itemID NOT IN (SELECT itemID FROM feedItems) "
        f"ORDER BY i.libraryID, i.key",
        NOT_PAPERS,
    ).fetchall()
    fields = _fields(db)
    creators = _creators(db)
    tags = _tags(db)
    collections = _collections(db)
    notes = _notes(db, deleted)
    items = []
    for item_id, key, library_id, item_type, modified in rows:
        if item_id in deleted or library_id not in libraries:
            continue
        values = fields.get(item_id, {})
        extra, url = values.get("extra", ""), values.get("url", "")
        doi = doi_of(values.get("DOI")) or doi_of(_extra_line(extra, "DOI"))
        items.append(ZoteroItem(
            key=key, library=libraries[library_id], item_type=item_type,
            title=values.get("title", "").strip() or f"Untitled ({key})",
            creators=tuple(creators.get(item_id, ())), year=year_of(values.get("date", "")), date=values.get("date", ""),
            venue=next((values[name].strip() for name in VENUE_FIELDS if values.get(name, "").strip()), None),
            doi=doi, arxiv=arxiv_of(extra, url, doi, values.get("archiveID")), citation_key=citation_key_of(extra),
            url=url or None, tags=tuple(sorted(tags.get(item_id, ()), key=str.casefold)),
            collections=tuple(sorted(collections.get(item_id, ()))),
            attachments=read_attachments(db, item_id, data_dir, base_dir, deleted),
            notes=tuple(notes.get(item_id, ())), modified=str(modified or ""), fields=values,
        ))
    return items


def _extra_line(extra: str, name: str) -> str | None:
    for line in extra.splitlines():
        label, _, value = line.partition(":")
        if label.strip().casefold() == name.casefold():
            return value.strip()
    return None


def _fields(db: sqlite3.Connection) -> dict[int, dict[str, str]]:
    values: dict[int, dict[str, str]] = defaultdict(dict)
    for item_id, name, value in db.execute(
        "SELECT d.itemID, f.fieldName, v.value FROM itemData d JOIN fieldsCombined f ON f.fieldID = d.fieldID "
        "JOIN itemDataValues v ON v.valueID = d.valueID"
    ):
        values[item_id][name] = str(value)
    return values


def _creators(db: sqlite3.Connection) -> dict[int, list[str]]:
    """Names as "Given Family"; a single-field name (an institution) as it is."""
    names: dict[int, list[str]] = defaultdict(list)
    for item_id, first, last in db.execute(
        "SELECT ic.itemID, COALESCE(c.firstName, ''), COALESCE(c.lastName, '') FROM itemCreators ic "
        "JOIN creators c ON c.creatorID = ic.creatorID ORDER BY ic.itemID, ic.orderIndex"
    ):
        names[item_id].append(" ".join(part for part in (first.strip(), last.strip()) if part))
    return names


def _tags(db: sqlite3.Connection) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = defaultdict(list)
    for item_id, name in db.execute("SELECT it.itemID, t.name FROM itemTags it JOIN tags t ON t.tagID = it.tagID"):
        tags[item_id].append(name)
    return tags


def _collections(db: sqlite3.Connection) -> dict[int, list[str]]:
    """Each item's collections as paths from the top ("Deep learning/Sequence models"); collections
    in the trash (deletedCollections, Zotero 7+) and their sub-collections do not count."""
    rows = {cid: (name, parent) for cid, name, parent in
            db.execute("SELECT collectionID, collectionName, parentCollectionID FROM collections")}
    trashed = {row[0] for row in db.execute("SELECT collectionID FROM deletedCollections")}

    def path(cid: int) -> str | None:
        parts, seen = [], set()
        while cid is not None and cid in rows and cid not in seen:
            if cid in trashed:
                return None
            seen.add(cid)
            name, cid = rows[cid]
            parts.append(name.replace("/", "∕"))
        return "/".join(reversed(parts))

    paths = {cid: path(cid) for cid in rows}
    found: dict[int, list[str]] = defaultdict(list)
    for cid, item_id in db.execute("SELECT collectionID, itemID FROM collectionItems"):
        if paths.get(cid):
            found[item_id].append(paths[cid])
    return found


def _notes(db: sqlite3.Connection, deleted: set[int]) -> dict[int, list[ZoteroNote]]:
    """Child notes by parent item (standalone notes are not about one paper and are not read)."""
    notes: dict[int, list[ZoteroNote]] = defaultdict(list)
    for item_id, parent, key, html, modified in db.execute(
        "SELECT n.itemID, n.parentItemID, i.key, COALESCE(n.note, ''), i.clientDateModified FROM itemNotes n "
        "JOIN items i ON i.itemID = n.itemID JOIN itemTypesCombined t ON t.itemTypeID = i.itemTypeID "
        "WHERE n.parentItemID IS NOT NULL AND t.typeName = 'note' ORDER BY i.key"
    ):
        if item_id not in deleted and html.strip():
            notes[parent].append(ZoteroNote(key, html, str(modified or "")))
    return notes
