"""A Zotero data folder as a source of papers: read from a snapshot of its database, never written.

``read_zotero`` gives one ZoteroItem per regular item (metadata by field name, attachments,
child notes, annotations); ``zotero_sources`` turns them into the build's documents.
"""

from corpus.zotero.data_dir import base_attachment_dir, default_data_dir
from corpus.zotero.errors import ZoteroError
from corpus.zotero.reader import ZoteroLibraryData, read_zotero
from corpus.zotero.records import ZoteroAnnotation, ZoteroAttachment, ZoteroItem, ZoteroLibrary, ZoteroNote

__all__ = [
    "ZoteroAnnotation",
    "ZoteroAttachment",
    "ZoteroError",
    "ZoteroItem",
    "ZoteroLibrary",
    "ZoteroLibraryData",
    "ZoteroNote",
    "base_attachment_dir",
    "default_data_dir",
    "read_zotero",
]
