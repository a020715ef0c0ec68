"""The Zotero reader on data folders made from Zotero 7's and Zotero 10's real schema SQL
(tests/support/zotero_fixture.py): what it finds, what it leaves out, and that it never
touches or locks the data folder."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from corpus.zotero import ZoteroError, default_data_dir, read_zotero
from corpus.zotero.data_dir import base_attachment_dir
from corpus.zotero.documents import zotero_sources
from corpus.zotero.html_text import note_text
from corpus.zotero.names import parse_name
from tests.support.zotero_fixture import VERSIONS, build_zotero_data_dir, folder_checksums, shared_pdfs, write_prefs


@pytest.fixture(scope="module", params=VERSIONS)
def fixture(request, tmp_path_factory):
    return build_zotero_data_dir(tmp_path_factory.mktemp(request.param) / "Zotero", shared_pdfs(), request.param)


def test_the_fixture_is_a_running_zoteros_folder(fixture):
    assert (fixture.data_dir / "zotero.sqlite-wal").stat().st_size > 0  # recent writes still in the WAL
    with open(fixture.database, "rb") as main:
        assert main.read(16) == b"SQLite format 3\x00" and main.read(4)[2:] == b"\x02\x02"  # WAL mode in the header


def test_every_item_attachment_note_and_annotation_is_found_with_its_page(fixture):
    data = read_zotero(fixture.data_dir, fixture.base_dir)
    assert data.schema_version == {"zotero-7": 123, "zotero-10": 129}[fixture.version]
    items = {item.key: item for item in data.items}
    assert {key: item.title for key, item in items.items()} == fixture.items  # trash and feed left out
    assert items["ITEMGGGG"].library.name == f"group-{fixture.group_id}"
    attachments = {a.key: (item.key, a) for item in data.items for a in item.attachments if a.problem is None}
    assert {key: parent for key, (parent, _) in attachments.items()} == fixture.attachments
    notes = {note.key: item.key for item in data.items for note in item.notes}
    assert notes == fixture.notes
    found = {x.key: x for _, a in attachments.values() for x in a.annotations}
    for expected in fixture.annotations:
        annotation = found[expected.key]
        assert (annotation.page, annotation.text, annotation.comment, annotation.color, annotation.kind) == (
            expected.page, expected.text, expected.comment, expected.color, expected.kind)
    assert len(found) == len(fixture.annotations)


def test_metadata_is_read_by_field_name(fixture):
    item = next(i for i in read_zotero(fixture.data_dir, fixture.base_dir).items if i.key == "ITEMAAAA")
    assert item.year == 2017 and item.venue == "Advances in Neural Information Processing Systems"
    assert (item.doi, item.arxiv, item.citation_key) == ("10.48550/arXiv.1706.03762", "1706.03762", "vaswani2017attention")
    assert item.creators == ("Ashish Vaswani", "Noam Shazeer")
    assert item.tags == ("to-read", "transformer") and item.collections == ("Deep learning/Sequence models",)
    assert item.select_link == "zotero://select/library/items/ITEMAAAA"


def test_unreadable_attachments_say_why_and_the_rest_goes_on(fixture):
    sources = zotero_sources(read_zotero(fixture.data_dir, fixture.base_dir))
    assert "missing" in sources.problems["zotero/user/ITEMMMMM/ATTMMMMM/gone.pdf"]
    assert "not a PDF (text/html)" in sources.problems["zotero/user/ITEMHHHH/ATTHHHHH/page.html"]
    assert sources.files["zotero/user/ITEMLLLL/ATTLLLLL/linked.pdf"] == fixture.base_dir / "linked.pdf"
    without_base = zotero_sources(read_zotero(fixture.data_dir, None))
    assert "base attachment folder" in without_base.problems["zotero/user/ITEMLLLL/ATTLLLLL/linked.pdf"]
    assert set(sources.hashes) == set(sources.files) | set(sources.documents)


def test_annotation_and_note_documents(fixture):
    sources = zotero_sources(read_zotero(fixture.data_dir, fixture.base_dir))
    highlight = sources.documents["zotero/user/ITEMAAAA/ATTAAAAA/annotation-ANNOAAAA"]
    assert highlight.kind == "annotation" and highlight.sections[0].page == 1
    assert highlight.sections[0].heading_path == ("your highlight (yellow)",)
    assert "Comment: the core claim of the paper" in highlight.sections[0].text
    note = sources.documents["zotero/user/ITEMAAAA/note-NOTEAAAA"]
    assert note.title == "Attention Is All You Need"
    assert ("Reading notes", "Method") in [s.heading_path for s in note.sections]
    name = parse_name("zotero/group-4711/ITEMGGGG/ATTGGGGG/annotation-ANNOGGGG")
    assert name.links(3) == ("zotero://select/groups/4711/items/ITEMGGGG",
                             "zotero://open-pdf/groups/4711/items/ATTGGGGG?page=3")
    assert parse_name("zotero/my notes/readme.md") is None  # a folder of the library called "zotero"


def test_reading_leaves_the_data_folder_byte_identical(fixture):
    before = folder_checksums(fixture.data_dir)
    zotero_sources(read_zotero(fixture.data_dir, fixture.base_dir))
    assert folder_checksums(fixture.data_dir) == before


def test_a_read_while_another_process_holds_an_exclusive_lock_succeeds(fixture, tmp_path):
    ready = tmp_path / "locked"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sqlite3, pathlib, time
        db = sqlite3.connect({str(fixture.database)!r}, isolation_level=None)
        db.execute("PRAGMA locking_mode=EXCLUSIVE")
        db.execute("BEGIN EXCLUSIVE")
        db.execute("UPDATE settings SET value = value")
        pathlib.Path({str(ready)!r}).touch()
        time.sleep(60)
    """)])
    try:
        for _ in range(200):
            if ready.exists():
                break
            holder.poll()
            assert holder.returncode is None
            __import__("time").sleep(0.05)
        with pytest.raises(sqlite3.OperationalError):  # the database really is locked
            sqlite3.connect(fixture.database, timeout=0.1).execute("SELECT COUNT(*) FROM items").fetchone()
        data = read_zotero(fixture.data_dir, fixture.base_dir)
        assert {item.key for item in data.items} == set(fixture.items)
    finally:
        holder.kill()
        holder.wait()


def test_unknown_schema_damaged_and_missing_databases_are_clear_errors(tmp_path):
    folder = tmp_path / "new"
    folder.mkdir()
    db = sqlite3.connect(folder / "zotero.sqlite")
    db.execute("CREATE TABLE version (schema TEXT PRIMARY KEY, version INT NOT NULL)")
    db.execute("INSERT INTO version VALUES ('userdata', 140)")
    db.commit()
    db.close()
    with pytest.raises(ZoteroError, match="schema version 140, from a newer Zotero"):
        read_zotero(folder)
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "zotero.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(ZoteroError, match="cannot be read as a Zotero database"):
        read_zotero(damaged)
    with pytest.raises(ZoteroError, match="has no zotero.sqlite"):
        read_zotero(tmp_path)


def test_an_empty_library_has_no_items(tmp_path):
    from tests.support.zotero_fixture import SCHEMA, _create_schema

    folder = tmp_path / "empty"
    folder.mkdir()
    db = sqlite3.connect(folder / "zotero.sqlite", isolation_level=None)
    _create_schema(db, "zotero-10")
    db.execute("INSERT INTO libraries (libraryID, type, editable, filesEditable) VALUES (1, 'user', 1, 1)")
    db.close()
    assert SCHEMA.is_dir()
    assert read_zotero(folder).items == ()


def test_the_default_data_folder_comes_from_prefs_js(tmp_path):
    assert default_data_dir(tmp_path) == tmp_path / "Zotero"
    write_prefs(tmp_path / ".zotero" / "zotero" / "x1y2.default", tmp_path / "elsewhere", tmp_path / "papers")
    assert default_data_dir(tmp_path) == tmp_path / "elsewhere"
    assert base_attachment_dir(tmp_path) == tmp_path / "papers"


def test_note_html_keeps_headings_and_entities():
    text = note_text("<h1>Title</h1><p>A &amp; B<br>next</p><h2>Sub</h2><ul><li>one</li><li>two</li></ul><script>x</script>")
    assert text.splitlines()[::2] == ["# Title", "A & B", "next", "## Sub", "- one", "- two"]
