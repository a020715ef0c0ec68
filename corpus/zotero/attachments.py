"""Where an attachment's file is, and whether Papersearch can read it.

Zotero stores an imported file as ``storage:<name>`` (in ``storage/<attachment key>/``), a
linked file as an absolute path or, under the base attachment folder, ``attachments:<path>``.
Only PDFs are read; any other file, or one that is missing (not synced, deleted outside
Zotero), is kept with the reason, so the build can list it and go on.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from corpus.zotero.annotations import read_annotations
from corpus.zotero.records import ZoteroAttachment

LINKED_URL = 3  # Zotero.Attachments.LINK_MODE_LINKED_URL: a web link, no file
_PDF = "application/pdf"


def resolve_path(stored: str, key: str, data_dir: Path, base_dir: Path | None) -> tuple[Path | None, str | None]:
    """(file, problem) for an itemAttachments.path value."""
    if stored.startswith("storage:"):
        return data_dir / "storage" / key / stored[len("storage:"):], None
    if stored.startswith("attachments:"):
        if base_dir is None:
            return None, ("a linked file relative to the base attachment folder, which is not set in "
                          "Zotero's prefs.js (Settings > Advanced > Files and Folders)")
        return base_dir / stored[len("attachments:"):], None
    if stored:
        return Path(stored), None
    return None, "an attachment without a file path"


def read_attachments(db: sqlite3.Connection, parent_id: int, data_dir: Path, base_dir: Path | None,
                     deleted: set[int]) -> tuple[ZoteroAttachment, ...]:
    """The item's attachments that are files (not web links, not in the trash), each with its file
    or the reason it is not read, and its annotations."""
    rows = db.execute(
        "SELECT a.itemID, i.key, a.linkMode, COALESCE(a.contentType, ''), COALESCE(a.path, '') "
        "FROM itemAttachments a JOIN items i ON i.itemID = a.itemID WHERE a.parentItemID = ? ORDER BY i.key",
        (parent_id,),
    ).fetchall()
    found = []
    for item_id, key, link_mode, content_type, stored in rows:
        if item_id in deleted or link_mode == LINKED_URL:
            continue
        file, problem = resolve_path(stored, key, data_dir, base_dir)
        if problem is None and not (content_type == _PDF or (file is not None and file.suffix.lower() == ".pdf")):
            problem = f"not a PDF ({content_type or file.suffix or 'unknown type'}); only PDF attachments are read"
        elif problem is None and not file.is_file():
            shown = f"storage/{key}/{file.name}" if stored.startswith("storage:") else str(file)
            problem = f"the attachment's file {shown} is missing (not synced, or moved outside Zotero)"
        annotations = read_annotations(db, item_id, deleted)
        found.append(ZoteroAttachment(key, content_type, stored, file, problem, annotations))
    return tuple(found)
