"""The names Zotero documents get in an index, and the zotero:// links they lead back to.

``zotero/<library>/<ITEMKEY>/<ATTKEY>/<file>.pdf``  an attachment PDF
``zotero/<library>/<ITEMKEY>/<ATTKEY>/annotation-<KEY>``  one annotation of that PDF
``zotero/<library>/<ITEMKEY>/note-<KEY>``  a child note

<library> is ``user`` or ``group-<groupID>``. Everything a link needs is in the name, so a
search result gets its links without opening the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.zotero.records import ZoteroAnnotation, ZoteroAttachment, ZoteroItem, ZoteroNote

PREFIX = "zotero/"
_KEY = re.compile(r"^[23456789ABCDEFGHIJKLMNPQRSTUVWXYZ]{8}$")  # Zotero's item keys
_LIBRARY = re.compile(r"^(?:user|group-\d+)$")


def item_folder(item: ZoteroItem) -> str:
    return f"{PREFIX}{item.library.name}/{item.key}"


def attachment_name(item: ZoteroItem, attachment: ZoteroAttachment) -> str:
    return f"{item_folder(item)}/{attachment.key}/{attachment.name}"


def annotation_name(item: ZoteroItem, attachment: ZoteroAttachment, annotation: ZoteroAnnotation) -> str:
    return f"{item_folder(item)}/{attachment.key}/annotation-{annotation.key}"


def note_name(item: ZoteroItem, note: ZoteroNote) -> str:
    return f"{item_folder(item)}/note-{note.key}"


@dataclass(frozen=True)
class ZoteroName:
    library: str  # "user" | "group-<id>"
    item: str
    attachment: str | None

    @property
    def uri_part(self) -> str:
        return "library" if self.library == "user" else "groups/" + self.library.removeprefix("group-")

    def links(self, page: int | None) -> tuple[str, ...]:
        """Select the item in Zotero; open its PDF (at `page`) in Zotero's reader."""
        found = [f"zotero://select/{self.uri_part}/items/{self.item}"]
        if self.attachment:
            query = f"?page={page}" if page else ""
            found.append(f"zotero://open-pdf/{self.uri_part}/items/{self.attachment}{query}")
        return tuple(found)


def parse_name(path: str) -> ZoteroName | None:
    """The library, item and attachment of an index name; None for a file of the folder library."""
    if not path.startswith(PREFIX):
        return None
    parts = path[len(PREFIX):].split("/")
    if len(parts) < 3 or not _LIBRARY.match(parts[0]) or not _KEY.match(parts[1]):
        return None  # a folder of the library that happens to be called "zotero"
    attachment = parts[2] if len(parts) >= 4 and _KEY.match(parts[2]) else None
    return ZoteroName(parts[0], parts[1], attachment)
