"""A damaged Milvus Lite file is rebuilt from the library's files, as a damaged file index is (#21,
M4): the damaged file is kept aside under a new name, never deleted, and the build goes on."""

from __future__ import annotations

import shutil

from tests.index.test_red_team4_milvus_lite_errors import _cli, built_lite  # noqa: F401 — the fixture


def test_build_sets_a_damaged_lite_file_aside_and_rebuilds(built_lite, tmp_path):  # noqa: F811
    library, index, store = built_lite
    copy = tmp_path / "copy" / "papers.db"
    shutil.copytree(store, copy)
    (copy / "aliases.json").write_text('{"aliases": {"papersearch_a3', encoding="utf-8")
    where = ["--library", str(library), "--index", str(index), "--store", f"milvus:{copy}"]
    assert _cli("search", "deformable alignment", *where).returncode == 1  # damaged: search says so
    built = _cli("build", *where, "--model", "fake-hash-64")
    assert built.returncode == 0, built.stderr
    kept = list(copy.parent.glob("papers.db.damaged-*"))
    assert len(kept) == 1 and (kept[0] / "aliases.json").read_text() == '{"aliases": {"papersearch_a3'
    assert f"was kept as {kept[0]}" in built.stdout and "rebuilt from your files" in built.stdout
    found = _cli("search", "deformable alignment", *where, "--json")
    assert found.returncode == 0 and '"path"' in found.stdout, found.stderr
