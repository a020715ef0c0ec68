"""Zotero data folders for the tests, made from Zotero's own schema SQL (vendored in
tests/support/zotero_schema/<version>/, with the commit it came from in SOURCE), so the reader is
tested against the tables Zotero really creates, not an imitation of them.

A data folder holds: a user library and a group library (with a feed library whose item must be
left out), nested collections, tags, creators, HTML child notes, real PDFs from ../shared/data
copied into storage/<KEY>/, highlight annotations whose rects are pdfium's character boxes of a
real phrase on the page, a trashed item, an attachment whose file is missing and one that is not
a PDF, and a linked file under the base attachment folder. The database is left in WAL mode with
the last transaction still in the -wal file, as while Zotero runs.

Field and item type ids differ between the two versions on purpose: Zotero numbers them from its
global schema at start-up, and a reader must look them up by name.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

SCHEMA = Path(__file__).resolve().parent / "zotero_schema"
VERSIONS = ("zotero-7", "zotero-10")
ITEM_TYPES = ("annotation", "attachment", "note", "journalArticle", "conferencePaper", "preprint", "book")
FIELDS = ("title", "date", "url", "extra", "DOI", "publicationTitle", "proceedingsTitle", "conferenceName",
          "abstractNote", "archiveID")


@dataclass(frozen=True)
class Annotation:
    key: str
    attachment: str
    page: int  # 1-based
    text: str
    comment: str
    color: str
    kind: str  # "highlight" | "note"


@dataclass
class ZoteroFixture:
    """What was put in the data folder, for the tests to look for."""

    data_dir: Path
    version: str
    base_dir: Path | None = None
    items: dict[str, str] = field(default_factory=dict)  # regular item key -> title (not trashed)
    trashed: dict[str, str] = field(default_factory=dict)
    attachments: dict[str, str] = field(default_factory=dict)  # attachment key -> parent item key (readable PDFs)
    notes: dict[str, str] = field(default_factory=dict)  # note key -> parent item key
    annotations: list[Annotation] = field(default_factory=list)
    group_id: int = 4711
    libraries: dict[str, str] = field(default_factory=dict)  # item key -> library name ("user" or group id)
    _next_id: int = 100

    @property
    def database(self) -> Path:
        return self.data_dir / "zotero.sqlite"

    def connect(self) -> sqlite3.Connection:
        """A connection that writes as Zotero does: WAL, no automatic checkpoint, so what it
        writes stays in the -wal file."""
        connection = sqlite3.connect(self.database, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA wal_autocheckpoint=0")
        return connection

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id


def header_version(sql_file: Path) -> int:
    """The schema version Zotero writes on the first line of each schema file ("-- 129")."""
    return int(sql_file.read_text(encoding="utf-8").splitlines()[0].lstrip("- ").strip())


def build_zotero_data_dir(target: Path, pdfs: list[Path], version: str = "zotero-10",
                          base_dir: Path | None = None) -> ZoteroFixture:
    """A data folder at `target` (created) with `pdfs` (at least four real PDFs) as attachments.
    `base_dir`: the base attachment folder a linked file lives in (created beside `target` when None)."""
    if len(pdfs) < 4:
        raise ValueError("the fixture needs four PDFs")
    target.mkdir(parents=True)
    fixture = ZoteroFixture(target, version, base_dir or target.parent / f"{target.name}-linked")
    connection = fixture.connect()
    _create_schema(connection, version)
    types, fields = _numbering(connection, version)
    connection.execute("INSERT INTO libraries (libraryID, type, editable, filesEditable) VALUES (1, 'user', 1, 1)")
    connection.execute("INSERT INTO libraries (libraryID, type, editable, filesEditable) VALUES (2, 'group', 1, 1)")
    connection.execute("INSERT INTO groups (groupID, libraryID, name, description, version) VALUES (?, 2, 'Lab', '', 1)",
                       (fixture.group_id,))
    connection.execute("INSERT INTO libraries (libraryID, type, editable, filesEditable) VALUES (3, 'feed', 0, 0)")
    connection.execute("INSERT INTO feeds (libraryID, name, url) VALUES (3, 'arXiv cs.CV', 'https://example.org/rss')")
    writer = _Writer(connection, fixture, types, fields)
    root = writer.collection(1, "COLLROOT", "Deep learning", None)
    child = writer.collection(1, "COLLCHLD", "Sequence models", root)
    vision = writer.collection(1, "COLLVISN", "Vision", None)

    first = writer.item(1, "ITEMAAAA", "conferencePaper", {
        "title": "Attention Is All You Need", "date": "2017-06-12 2017-06-12",
        "proceedingsTitle": "Advances in Neural Information Processing Systems",
        "conferenceName": "NeurIPS 2017", "DOI": "10.48550/arXiv.1706.03762",
        "url": "https://arxiv.org/abs/1706.03762", "extra": "Citation Key: vaswani2017attention",
    }, creators=[("Ashish", "Vaswani"), ("Noam", "Shazeer")], tags=["transformer", "to-read"], collections=[child])
    attention = writer.attachment(first, "ATTAAAAA", pdfs[0])
    writer.note(first, "NOTEAAAA", "<h1>Reading notes</h1><h2>Method</h2><p>Self-attention replaces recurrence; "
                "<b>multi-head</b> attention lets the model attend to several positions.</p>"
                "<h2>Questions</h2><ul><li>Why scale by the square root of d<sub>k</sub>?</li></ul>")
    writer.highlight(attention, "ANNOAAAA", pdfs[0], page=1, comment="the core claim of the paper", color="#ffd400")
    writer.note_annotation(attention, "ANNOAAAB", page=2, comment="compare with convolutional sequence models",
                           color="#5fb236")

    second = writer.item(1, "ITEMBBBB", "journalArticle", {
        "title": "Deep Residual Learning for Image Recognition", "date": "2015-12-10",
        "publicationTitle": "arXiv", "extra": "arXiv: 1512.03385\nCitation Key: he2016deep",
    }, creators=[("Kaiming", "He")], tags=["vision"], collections=[vision])
    residual = writer.attachment(second, "ATTBBBBB", pdfs[1])
    writer.highlight(residual, "ANNOBBBB", pdfs[1], page=2, comment="", color="#ff6666")

    group_item = writer.item(2, "ITEMGGGG", "preprint", {
        "title": pdf_title(pdfs[2]), "date": "2019", "url": "https://example.org/group-paper",
    }, creators=[("Ada", "Lovelace")], tags=["group-reading"])
    group_pdf = writer.attachment(group_item, "ATTGGGGG", pdfs[2])
    writer.highlight(group_pdf, "ANNOGGGG", pdfs[2], page=1, comment="shared with the lab", color="#2ea8e5")

    trashed = writer.item(1, "ITEMTTTT", "journalArticle", {"title": "A trashed paper", "date": "2020"},
                          creators=[("Trash", "Bin")])
    writer.attachment(trashed, "ATTTTTTT", pdfs[3], record=False)
    connection.execute("INSERT INTO deletedItems (itemID) VALUES (?)", (trashed,))
    fixture.trashed["ITEMTTTT"] = fixture.items.pop("ITEMTTTT")

    missing = writer.item(1, "ITEMMMMM", "journalArticle", {"title": "Paper whose PDF was never synced", "date": "2021"})
    writer.raw_attachment(missing, "ATTMMMMM", "storage:gone.pdf", "application/pdf", linkmode=0)
    snapshot = writer.item(1, "ITEMHHHH", "journalArticle", {"title": "A web page snapshot", "date": "2022"})
    writer.raw_attachment(snapshot, "ATTHHHHH", "storage:page.html", "text/html", linkmode=1)
    (target / "storage" / "ATTHHHHH").mkdir(parents=True)
    (target / "storage" / "ATTHHHHH" / "page.html").write_text("<html><body>saved page</body></html>")

    linked = writer.item(1, "ITEMLLLL", "journalArticle", {"title": pdf_title(pdfs[3]), "date": "2014"},
                         collections=[root])
    fixture.base_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdfs[3], fixture.base_dir / "linked.pdf")
    writer.raw_attachment(linked, "ATTLLLLL", "attachments:linked.pdf", "application/pdf", linkmode=2)
    fixture.attachments["ATTLLLLL"] = "ITEMLLLL"

    feed_item = writer.item(3, "FEEDFEED", "journalArticle", {"title": "A feed entry", "date": "2024"})
    connection.execute("INSERT INTO feedItems (itemID, guid) VALUES (?, 'guid-1')", (feed_item,))
    fixture.items.pop("FEEDFEED")
    fixture.libraries.pop("FEEDFEED")
    _leave_open_wal(connection)
    return fixture


def write_prefs(profile: Path, data_dir: Path, base_dir: Path | None) -> Path:
    """A Zotero profile's prefs.js naming the data folder and the base attachment folder."""
    profile.mkdir(parents=True, exist_ok=True)
    lines = ['user_pref("extensions.zotero.useDataDir", true);',
             f'user_pref("extensions.zotero.dataDir", {json.dumps(str(data_dir))});']
    if base_dir is not None:
        lines.append(f'user_pref("extensions.zotero.baseAttachmentPath", {json.dumps(str(base_dir))});')
    (profile / "prefs.js").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return profile / "prefs.js"


def add_annotation(fixture: ZoteroFixture, attachment_key: str, key: str, pdf: Path, page: int, comment: str) -> Annotation:
    """One more highlight, written as Zotero writes one (a new transaction in the WAL)."""
    connection = fixture.connect()
    types, fields = _read_numbering(connection)
    writer = _Writer(connection, fixture, types, fields)
    attachment_id = connection.execute("SELECT itemID FROM items WHERE key = ?", (attachment_key,)).fetchone()[0]
    fixture._next_id = connection.execute("SELECT MAX(itemID) FROM items").fetchone()[0]
    writer.highlight(attachment_id, key, pdf, page=page, comment=comment, color="#a28ae5")
    _leave_open_wal(connection)
    return fixture.annotations[-1]


def pdf_title(pdf: Path) -> str:
    return pdf.stem.replace("_", ":")


def _create_schema(connection: sqlite3.Connection, version: str) -> None:
    folder = SCHEMA / version
    for name in ("system.sql", "userdata.sql", "triggers.sql"):
        connection.executescript(f"BEGIN;\n{(folder / name).read_text(encoding='utf-8')}\nCOMMIT;")
    for schema, name in (("system", "system.sql"), ("userdata", "userdata.sql"), ("triggers", "triggers.sql")):
        connection.execute("INSERT INTO version (schema, version) VALUES (?, ?)", (schema, header_version(folder / name)))


def _numbering(connection: sqlite3.Connection, version: str) -> tuple[dict[str, int], dict[str, int]]:
    """Item type and field ids, numbered differently per version (Zotero's come from its global schema)."""
    offset = 0 if version == "zotero-7" else 40
    order = list(FIELDS) if version == "zotero-7" else list(reversed(FIELDS))
    types = {name: i + 1 + offset for i, name in enumerate(ITEM_TYPES)}
    fields = {name: i + 1 + offset for i, name in enumerate(order)}
    connection.executemany("INSERT INTO itemTypes (itemTypeID, typeName) VALUES (?, ?)", [(i, n) for n, i in types.items()])
    connection.executemany("INSERT INTO itemTypesCombined (itemTypeID, typeName, custom) VALUES (?, ?, 0)",
                           [(i, n) for n, i in types.items()])
    connection.executemany("INSERT INTO fields (fieldID, fieldName) VALUES (?, ?)", [(i, n) for n, i in fields.items()])
    connection.executemany("INSERT INTO fieldsCombined (fieldID, fieldName, custom) VALUES (?, ?, 0)",
                           [(i, n) for n, i in fields.items()])
    connection.execute("INSERT INTO creatorTypes (creatorTypeID, creatorType) VALUES (1, 'author')")
    return types, fields


def _read_numbering(connection: sqlite3.Connection) -> tuple[dict[str, int], dict[str, int]]:
    types = dict(connection.execute("SELECT typeName, itemTypeID FROM itemTypesCombined"))
    fields = dict(connection.execute("SELECT fieldName, fieldID FROM fieldsCombined"))
    return types, fields


def _leave_open_wal(connection: sqlite3.Connection) -> None:
    """Close without letting SQLite checkpoint the WAL away: a running Zotero keeps its -wal file
    with recent transactions, and a copy of the database alone would miss them."""
    connection.execute("PRAGMA wal_autocheckpoint=0")
    # The last connection to close checkpoints and deletes the WAL unless told not to; sqlite3's
    # Python binding cannot set SQLITE_FCNTL_PERSIST_WAL, so copy the -wal aside and put it back.
    wal = Path(connection.execute("PRAGMA database_list").fetchone()[2] + "-wal")
    kept = wal.with_name(wal.name + ".keep")
    shutil.copyfile(wal, kept)
    database = wal.with_name(wal.name[: -len("-wal")])
    original = database.read_bytes()
    connection.close()
    database.write_bytes(original)  # the main file as it was before the checkpoint
    kept.rename(wal)


class _Writer:
    """Inserts rows as Zotero's data layer does, one table per fact."""

    def __init__(self, connection: sqlite3.Connection, fixture: ZoteroFixture, types: dict[str, int], fields: dict[str, int]):
        self.db, self.fixture, self.types, self.fields = connection, fixture, types, fields

    def collection(self, library: int, key: str, name: str, parent: int | None) -> int:
        collection_id = self.fixture.new_id()
        self.db.execute("INSERT INTO collections (collectionID, collectionName, parentCollectionID, libraryID, key) "
                        "VALUES (?, ?, ?, ?, ?)", (collection_id, name, parent, library, key))
        return collection_id

    def _item(self, library: int, key: str, item_type: str) -> int:
        item_id = self.fixture.new_id()
        self.db.execute("INSERT INTO items (itemID, itemTypeID, libraryID, key) VALUES (?, ?, ?, ?)",
                        (item_id, self.types[item_type], library, key))
        if library == 2:
            self.db.execute("INSERT INTO groupItems (itemID) VALUES (?)", (item_id,))
        return item_id

    def item(self, library: int, key: str, item_type: str, values: dict[str, str],
             creators: list[tuple[str, str]] = (), tags: list[str] = (), collections: list[int] = ()) -> int:
        item_id = self._item(library, key, item_type)
        for name, value in values.items():
            row = self.db.execute("SELECT valueID FROM itemDataValues WHERE value = ?", (value,)).fetchone()
            value_id = row[0] if row else self.db.execute("INSERT INTO itemDataValues (value) VALUES (?)", (value,)).lastrowid
            self.db.execute("INSERT INTO itemData (itemID, fieldID, valueID) VALUES (?, ?, ?)",
                            (item_id, self.fields[name], value_id))
        for index, (first, last) in enumerate(creators):
            row = self.db.execute("SELECT creatorID FROM creators WHERE firstName = ? AND lastName = ?", (first, last)).fetchone()
            creator = row[0] if row else self.db.execute(
                "INSERT INTO creators (firstName, lastName, fieldMode) VALUES (?, ?, 0)", (first, last)).lastrowid
            self.db.execute("INSERT INTO itemCreators (itemID, creatorID, creatorTypeID, orderIndex) VALUES (?, ?, 1, ?)",
                            (item_id, creator, index))
        for tag in tags:
            row = self.db.execute("SELECT tagID FROM tags WHERE name = ?", (tag,)).fetchone()
            tag_id = row[0] if row else self.db.execute("INSERT INTO tags (name) VALUES (?)", (tag,)).lastrowid
            self.db.execute("INSERT INTO itemTags (itemID, tagID, type) VALUES (?, ?, 0)", (item_id, tag_id))
        for collection in collections:
            self.db.execute("INSERT INTO collectionItems (collectionID, itemID) VALUES (?, ?)", (collection, item_id))
        self.fixture.items[key] = values["title"]
        self.fixture.libraries[key] = "user" if library == 1 else str(self.fixture.group_id)
        return item_id

    def raw_attachment(self, parent: int, key: str, path: str, content_type: str, linkmode: int) -> int:
        library = self.db.execute("SELECT libraryID FROM items WHERE itemID = ?", (parent,)).fetchone()[0]
        item_id = self._item(library, key, "attachment")
        self.db.execute("INSERT INTO itemAttachments (itemID, parentItemID, linkMode, contentType, path) "
                        "VALUES (?, ?, ?, ?, ?)", (item_id, parent, linkmode, content_type, path))
        return item_id

    def attachment(self, parent: int, key: str, pdf: Path, record: bool = True) -> int:
        """An imported PDF: the file in storage/<KEY>/, the row naming it `storage:<name>`."""
        folder = self.fixture.data_dir / "storage" / key
        folder.mkdir(parents=True)
        shutil.copyfile(pdf, folder / pdf.name)
        item_id = self.raw_attachment(parent, key, f"storage:{pdf.name}", "application/pdf", linkmode=0)
        if record:
            parent_key = self.db.execute("SELECT key FROM items WHERE itemID = ?", (parent,)).fetchone()[0]
            self.fixture.attachments[key] = parent_key
        return item_id

    def note(self, parent: int, key: str, html: str) -> int:
        library = self.db.execute("SELECT libraryID FROM items WHERE itemID = ?", (parent,)).fetchone()[0]
        item_id = self._item(library, key, "note")
        self.db.execute("INSERT INTO itemNotes (itemID, parentItemID, note, title) VALUES (?, ?, ?, ?)",
                        (item_id, parent, f'<div data-schema-version="9">{html}</div>', "Reading notes"))
        self.fixture.notes[key] = self.db.execute("SELECT key FROM items WHERE itemID = ?", (parent,)).fetchone()[0]
        return item_id

    def highlight(self, attachment: int, key: str, pdf: Path, page: int, comment: str, color: str) -> int:
        """A highlight over the first long line of `page`, its rects from pdfium's character boxes."""
        text, rects = phrase_with_rects(pdf, page - 1)
        return self._annotation(attachment, key, 1, text, comment, color, page, rects, "highlight")

    def note_annotation(self, attachment: int, key: str, page: int, comment: str, color: str) -> int:
        return self._annotation(attachment, key, 2, None, comment, color, page, [[50.0, 700.0, 72.0, 722.0]], "note")

    def _annotation(self, attachment: int, key: str, kind: int, text: str | None, comment: str, color: str,
                    page: int, rects: list[list[float]], label: str) -> int:
        library = self.db.execute("SELECT libraryID FROM items WHERE itemID = ?", (attachment,)).fetchone()[0]
        item_id = self._item(library, key, "annotation")
        position = json.dumps({"pageIndex": page - 1, "rects": rects})
        sort_index = f"{page - 1:05d}|{int(rects[0][1]):06d}|{int(rects[0][0]):05d}"
        self.db.execute(
            "INSERT INTO itemAnnotations (itemID, parentItemID, type, text, comment, color, pageLabel, sortIndex, "
            "position, isExternal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            (item_id, attachment, kind, text, comment, color, str(page), sort_index, position))
        attachment_key = self.db.execute("SELECT key FROM items WHERE itemID = ?", (attachment,)).fetchone()[0]
        self.fixture.annotations.append(Annotation(key, attachment_key, page, text or "", comment, color, label))
        return item_id


def phrase_with_rects(pdf: Path, page_index: int, min_chars: int = 40) -> tuple[str, list[list[float]]]:
    """The first text line of the page with at least `min_chars` characters, and one rect per line
    of it as Zotero stores them ([left, bottom, right, top] in PDF points), from pdfium's boxes."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        textpage = document[page_index].get_textpage()
        total = textpage.count_chars()
        text = textpage.get_text_range(0, total)
        start = 0
        for line in text.splitlines(keepends=True):
            if len(line.strip()) >= min_chars:
                break
            start += len(line)
        phrase = text[start:].splitlines()[0].strip()
        start += text[start:].index(phrase)
        boxes = [textpage.get_charbox(index) for index in range(start, start + len(phrase))]
    finally:
        document.close()
    left, bottom, right, top = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                max(b[2] for b in boxes), max(b[3] for b in boxes))
    return phrase, [[round(left, 3), round(bottom, 3), round(right, 3), round(top, 3)]]


FIXTURE_PDFS = ("Attention Is All You Need.pdf", "Deep Residual Learning for Image Recognition.pdf",
                "BERT Pre-training of Deep Bidirectional Transformers for Language Understanding.pdf",
                "Auto-Encoding Variational Bayes.pdf")


def shared_pdfs() -> list[Path]:
    """The four real PDFs from ../shared/data/pdfs the fixture files (skips without shared data)."""
    from tests.support.paths import shared_path

    return [shared_path("pdfs", name) for name in FIXTURE_PDFS]


def folder_checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder`, to prove a read left it byte-identical."""
    import hashlib

    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}
