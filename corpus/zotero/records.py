"""What the Zotero reader hands on: one ZoteroItem per regular item, with its attachments, child
notes and annotations. Plain data, so documents, the catalog and links are built from it alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ZoteroLibrary:
    library_id: int
    name: str  # "user", or "group-<groupID>": the library's segment of Papersearch's paths
    group_id: int | None = None
    title: str = "My Library"

    @property
    def uri_part(self) -> str:
        """How zotero:// links name the library: ``library`` for your own, ``groups/<id>`` for a group."""
        return "library" if self.group_id is None else f"groups/{self.group_id}"


@dataclass(frozen=True)
class ZoteroAnnotation:
    key: str
    kind: str  # highlight | underline | note | text | image | ink
    text: str  # the highlighted or underlined text ("" for a sticky note)
    comment: str
    color: str  # "#ffd400"
    page: int | None  # 1-based, from position.pageIndex
    page_label: str | None  # the page number printed on the page, as Zotero shows it
    rects: tuple[tuple[float, float, float, float], ...]  # PDF points, [left, bottom, right, top]
    modified: str = ""


@dataclass(frozen=True)
class ZoteroAttachment:
    key: str
    content_type: str
    stored_path: str  # as in itemAttachments.path: "storage:name.pdf", "attachments:rel.pdf", "/abs.pdf"
    file: Path | None  # where that is on this machine (None: a link to a web page)
    problem: str | None = None  # why it is not read (missing file, not a PDF...)
    annotations: tuple[ZoteroAnnotation, ...] = ()

    @property
    def name(self) -> str:
        return self.file.name if self.file is not None else self.stored_path.split(":", 1)[-1].rsplit("/", 1)[-1]


@dataclass(frozen=True)
class ZoteroNote:
    key: str
    html: str
    modified: str = ""


@dataclass(frozen=True)
class ZoteroItem:
    key: str
    library: ZoteroLibrary
    item_type: str
    title: str
    creators: tuple[str, ...] = ()  # "Given Family", in Zotero's order
    year: int | None = None
    date: str = ""
    venue: str | None = None
    doi: str | None = None
    arxiv: str | None = None
    citation_key: str | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    collections: tuple[str, ...] = ()  # "Parent/Child" paths, so a filter on Parent finds Child's items
    attachments: tuple[ZoteroAttachment, ...] = ()
    notes: tuple[ZoteroNote, ...] = ()
    modified: str = ""
    fields: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def select_link(self) -> str:
        return f"zotero://select/{self.library.uri_part}/items/{self.key}"
