"""L1: a build this code wrote always has checksums (a deleted checksums.json is damage; only
builds from before checksums are exempt). L2: an index from a newer Papersearch is never called
damaged nor replaced."""

import json

import pytest
from click.testing import CliRunner

import cli
from index import CorruptIndexError, NewerIndexError
from library import Library
from tests.support.fakes import use_fake_models


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    monkeypatch.delenv("PAPERSEARCH_INDEX", raising=False)


def run(*args):
    return CliRunner().invoke(cli.main, [str(a) for a in args])


def current_build(library):
    index = library / ".papersearch"
    return index / "builds" / (index / "CURRENT").read_text(encoding="utf-8").strip()


def test_a_deleted_checksums_file_is_damage(small_library):
    assert run("build", "--library", small_library).exit_code == 0
    build = current_build(small_library)
    assert json.loads((build / "manifest.json").read_text(encoding="utf-8"))["has_checksums"] is True
    (build / "checksums.json").unlink()
    with pytest.raises(CorruptIndexError, match="checksums.json is missing"):
        Library(small_library).store.verify()
    status = run("status", "--library", small_library)
    assert status.exit_code == 1 and "checksums.json is missing" in status.output
    rebuilt = run("build", "--library", small_library)
    assert rebuilt.exit_code == 0 and "rebuilding it from the files" in rebuilt.output
    assert (current_build(small_library) / "checksums.json").is_file()


def test_a_build_from_before_checksums_is_still_exempt(small_library):
    assert run("build", "--library", small_library).exit_code == 0
    build = current_build(small_library)
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    del manifest["has_checksums"]  # as releases before checksums wrote it, and no checksums.json
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (build / "checksums.json").unlink()
    Library(small_library).store.verify()
    assert run("status", "--library", small_library).exit_code == 0


def test_an_index_from_a_newer_papersearch_is_never_replaced(small_library):
    assert run("build", "--library", small_library).exit_code == 0
    build = current_build(small_library)
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    manifest["format_version"] = 99
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    before = sorted(p.name for p in (small_library / ".papersearch" / "builds").iterdir())
    (small_library / "notes" / "new.md").write_text("# New\n\nnew words\n", encoding="utf-8")

    with pytest.raises(NewerIndexError):
        Library(small_library).manifest()
    for command in (["build"], ["status"], ["search", "attention"], ["papers"]):
        result = run(*command, "--library", small_library)
        assert result.exit_code == 1, (command, result.output)
        last = result.output.strip().splitlines()[-1]
        assert last.startswith("Error: ") and "newer version of Papersearch" in last and "Upgrade" in last
        assert "damaged" not in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in (small_library / ".papersearch" / "builds").iterdir()) == before
    assert json.loads((build / "manifest.json").read_text(encoding="utf-8"))["format_version"] == 99
