"""A Zotero library end to end through the command line (fake model, real Zotero 10 fixture):
build, search with zotero:// links and facets, filters, incremental re-reads, and a build while
Zotero holds its database locked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

from tests.support.paths import REPO
from tests.support.zotero_fixture import add_annotation, build_zotero_data_dir, folder_checksums, shared_pdfs, write_prefs


def _cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.support.with_fake_model", "cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def zotero(tmp_path_factory):
    root = tmp_path_factory.mktemp("zotero-e2e")
    fixture = build_zotero_data_dir(root / "Zotero", shared_pdfs(), "zotero-10")
    write_prefs(root / "home" / ".zotero" / "zotero" / "p.default", fixture.data_dir, fixture.base_dir)
    env = {**os.environ, "PAPERSEARCH_MODEL": "fake-hash-64", "PYTHONPATH": str(REPO), "HOME": str(root / "home"),
           "PAPERSEARCH_HOME": str(root / "ps"), "PAPERSEARCH_CACHE": str(root / "cache")}
    return fixture, env


def test_build_and_search_a_zotero_library_while_zotero_holds_it_locked(zotero, tmp_path):
    fixture, env = zotero
    before = folder_checksums(fixture.data_dir)
    ready = tmp_path / "locked"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sqlite3, pathlib, time
        db = sqlite3.connect({str(fixture.database)!r}, isolation_level=None)
        db.execute("PRAGMA locking_mode=EXCLUSIVE")
        db.execute("BEGIN EXCLUSIVE")
        pathlib.Path({str(ready)!r}).touch()
        time.sleep(120)
    """)])
    try:
        while not ready.exists():
            assert holder.poll() is None
            time.sleep(0.05)
        build = _cli(env, "build", "--zotero")  # the default data folder, from the profile's prefs.js
    finally:
        holder.kill()
        holder.wait()
    assert build.returncode == 0, build.stderr
    assert "Skipped zotero/user/ITEMMMMM/ATTMMMMM/gone.pdf: the attachment's file" in build.stderr
    assert "not a PDF (text/html)" in build.stderr
    assert "9 new" in build.stdout  # 4 PDFs, 1 note, 4 annotations
    assert folder_checksums(fixture.data_dir) == before

    found = _cli(env, "search", "--zotero", str(fixture.data_dir), "the core claim of the paper", "--json", "-k", "20")
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    highlight = next(h for h in hits if h["path"].endswith("annotation-ANNOAAAA"))
    assert highlight["kind"] == "annotation" and highlight["page"] == 1
    assert highlight["heading"] == "your highlight (yellow)"
    assert highlight["links"] == ["zotero://select/library/items/ITEMAAAA", "zotero://open-pdf/library/items/ATTAAAAA?page=1"]
    assert highlight["collections"] == ["Deep learning/Sequence models"] and "transformer" in highlight["tags"]
    assert highlight["paper_id"] == "arxiv-1706.03762" and highlight["library"] == "zotero:user"
    pdf_hit = next(h for h in hits if h["kind"] == "pdf" and h["path"].startswith("zotero/user/ITEMAAAA/"))
    assert pdf_hit["paper_id"] == highlight["paper_id"]  # the PDF and the highlight are one paper
    assert f"zotero://open-pdf/library/items/ATTAAAAA?page={pdf_hit['page']}" in pdf_hit["links"]

    in_parent = json.loads(_cli(env, "search", "--zotero", str(fixture.data_dir), "attention", "--json",
                                "--collection", "Deep learning", "-k", "50").stdout)
    assert in_parent and {h["path"].split("/")[2] for h in in_parent} <= {"ITEMAAAA", "ITEMLLLL"}  # sub-collection too
    tagged = json.loads(_cli(env, "search", "--zotero", str(fixture.data_dir), "residual", "--json", "--tag", "vision",
                             "--kind", "annotation").stdout)
    assert [h["path"] for h in tagged] == ["zotero/user/ITEMBBBB/ATTBBBBB/annotation-ANNOBBBB"]


def test_one_new_annotation_is_the_only_thing_read_again(zotero):
    fixture, env = zotero
    assert _cli(env, "build", "--zotero", str(fixture.data_dir)).returncode == 0
    added = add_annotation(fixture, "ATTBBBBB", "ANNONEW2", shared_pdfs()[1], page=3, comment="a purple idea")
    build = _cli(env, "build", "--zotero", str(fixture.data_dir))
    assert build.returncode == 0, build.stderr
    assert "Plan:    1 new, 0 changed, 0 deleted" in build.stdout
    assert "(1 embedded" in build.stdout
    hits = json.loads(_cli(env, "search", "--zotero", str(fixture.data_dir), "a purple idea", "--json", "-k", "3").stdout)
    assert hits[0]["path"].endswith("annotation-ANNONEW2") and hits[0]["page"] == added.page == 3


def test_the_colour_filter_keeps_your_marks_of_that_colour(zotero):
    fixture, env = zotero
    assert _cli(env, "build", "--zotero", str(fixture.data_dir)).returncode == 0
    red = json.loads(_cli(env, "search", "--zotero", str(fixture.data_dir), "residual learning", "--json",
                          "--colour", "red", "-k", "50").stdout)
    assert [h["path"] for h in red] == ["zotero/user/ITEMBBBB/ATTBBBBB/annotation-ANNOBBBB"]
    assert red[0]["heading"] == "your highlight (red)"
    refused = _cli(env, "search", "--zotero", str(fixture.data_dir), "x", "--colour", "teal")
    assert refused.returncode == 2 and "teal" in refused.stderr


def test_bibtex_export_cites_the_items_key(zotero, tmp_path):
    fixture, env = zotero
    assert _cli(env, "build", "--zotero", str(fixture.data_dir)).returncode == 0
    out = tmp_path / "refs.bib"
    result = _cli(env, "search", "--zotero", str(fixture.data_dir), "residual learning", "--bibtex", str(out), "-k", "5")
    assert result.returncode == 0, result.stderr
    assert "@" in out.read_text() and "he2016deep" in out.read_text()


def test_a_missing_or_unreadable_zotero_folder_is_one_error_line(tmp_path, zotero):
    _, env = zotero
    result = _cli(env, "build", "--zotero", str(tmp_path / "nowhere"))
    assert result.returncode == 1 and result.stderr.startswith("Error: Zotero data folder") and "Traceback" not in result.stderr
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "zotero.sqlite").write_bytes(b"garbage" * 1000)
    library = tmp_path / "notes"
    library.mkdir()
    (library / "a.md").write_text("# A note\n\nSomething about attention.\n")
    mixed = _cli(env, "build", "--library", str(library), "--zotero", str(tmp_path / "bad"))
    assert mixed.returncode == 0, mixed.stderr  # the folder library is built; Zotero's problem is reported
    assert "cannot be read as a Zotero database" in mixed.stderr
