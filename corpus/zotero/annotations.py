"""A PDF's annotations as Zotero keeps them (itemAnnotations): what was highlighted, the comment,
the colour, and where (``position`` JSON: ``pageIndex`` and ``rects`` in PDF points)."""

from __future__ import annotations

import json
import sqlite3

from corpus.zotero.records import ZoteroAnnotation

# Zotero.Annotations.ANNOTATION_TYPE_*
KINDS = {1: "highlight", 2: "note", 3: "image", 4: "ink", 5: "underline", 6: "text"}


def read_annotations(db: sqlite3.Connection, attachment_id: int, deleted: set[int]) -> tuple[ZoteroAnnotation, ...]:
    """The attachment's annotations in reading order (Zotero's sortIndex), trash left out; an
    image or ink annotation with no comment has no words to search and is left out too."""
    rows = db.execute(
        "SELECT a.itemID, i.key, a.type, COALESCE(a.text, ''), COALESCE(a.comment, ''), COALESCE(a.color, ''), "
        "a.pageLabel, a.position, i.clientDateModified FROM itemAnnotations a JOIN items i ON i.itemID = a.itemID "
        "WHERE a.parentItemID = ? ORDER BY a.sortIndex, i.key",
        (attachment_id,),
    ).fetchall()
    found = []
    for item_id, key, kind, text, comment, color, label, position, modified in rows:
        if item_id in deleted or not (text.strip() or comment.strip()):
            continue
        page, rects = _position(position)
        found.append(ZoteroAnnotation(key, KINDS.get(kind, "highlight"), text.strip(), comment.strip(), color,
                                      page, label, rects, str(modified or "")))
    return tuple(found)


def _position(position: str | None) -> tuple[int | None, tuple[tuple[float, float, float, float], ...]]:
    """1-based page and rects; a position that is not the JSON Zotero writes gives no page."""
    try:
        data = json.loads(position or "{}")
        page = int(data["pageIndex"]) + 1
    except (ValueError, TypeError, KeyError):
        return None, ()
    rects = tuple(tuple(float(v) for v in rect[:4]) for rect in data.get("rects", ()) if len(rect) >= 4)
    return page, rects
