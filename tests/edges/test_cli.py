"""The CLI contract (build/search/status, --json, --csv), driven with click's CliRunner."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from tests.support.fakes import FakeEmbedder, use_fake_models


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    monkeypatch.delenv("PAPERSEARCH_INDEX", raising=False)


def run(*args):
    return CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)


def test_build_prints_plan_then_summary_and_rebuild_is_noop(small_library):
    first = run("build", "--library", small_library)
    assert first.exit_code == 0, first.output
    assert "Plan:    3 new, 0 changed, 0 deleted, 0 unchanged" in first.output
    assert "Indexed 3 files" in first.output
    second = run("build", "--library", small_library)
    assert "3 unchanged" in second.output and "up to date" in second.output


def test_search_json_contract(small_library):
    run("build", "--library", small_library)
    result = run("search", "gaussian 高斯噪声", "--library", small_library, "-k", "4", "--json")
    assert result.exit_code == 0
    passages = json.loads(result.stdout)
    assert len(passages) == 4 and [p["rank"] for p in passages] == [1, 2, 3, 4]
    for passage in passages:
        assert {"rank", "score", "kind", "path", "title", "page", "heading", "text"} <= set(passage)
        assert {"dense_rank", "lexical_rank"} <= set(passage)
        assert passage["kind"] in {"pdf", "note"}
        assert (passage["page"] is None) == (passage["kind"] == "note")
    assert passages[0]["path"] == "notes/扩散模型.md"


def test_search_says_when_the_library_changed_since_the_build(small_library):
    run("build", "--library", small_library)
    current = run("search", "gaussian noise", "--library", small_library, "--json")
    assert "changed since the last build" not in current.stderr
    (small_library / "notes" / "alignment.md").unlink()
    (small_library / "notes" / "new.md").write_text("# New\n\nA note added after the build.\n", encoding="utf-8")
    stale = run("search", "gaussian noise", "--library", small_library, "--json")
    assert stale.exit_code == 0 and json.loads(stale.stdout)  # still answers, from the index as built
    assert "changed since the last build (1 new, 0 changed, 1 deleted" in stale.stderr
    assert "cli.py build --library" in stale.stderr


def test_search_csv_and_human_output(small_library, tmp_path):
    run("build", "--library", small_library)
    out = tmp_path / "results.csv"
    result = run("search", "self-attention cost", "--library", small_library, "--csv", out)
    assert result.exit_code == 0 and out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "pdfs/transformers.pdf" in out.read_text(encoding="utf-8-sig")
    human = run("search", "self-attention cost", "--library", small_library, "-k", "1")
    assert "1. Attention for Sequences" in human.output and "p. 1" in human.output


def test_status_json_lists_skipped_files(small_library):
    (small_library / "broken.pdf").write_bytes(b"not a pdf at all")
    run("build", "--library", small_library)
    result = run("status", "--library", small_library, "--json")
    info = json.loads(result.stdout)
    assert info["files"] == 3 and info["chunks"] > 0 and info["model"] == "fake-hash-64"
    assert info["skipped"][0]["path"] == "broken.pdf" and "PDF" in info["skipped"][0]["reason"]
    assert info["pending"].endswith("3 unchanged, 1 still unreadable")


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize(
    "damage",
    [
        lambda build: _truncate(build / "vectors.faiss"),
        lambda build: (build / "passages.arrow").unlink(),
        lambda build: _truncate(build / "chunks.parquet"),
        lambda build: (build / "lexical" / "vocab.index.json").write_bytes(b""),
        lambda build: (build / "language_direction.npy").write_bytes(b""),
    ],
    ids=["vectors-truncated", "passages-deleted", "chunks-truncated", "vocab-emptied", "direction-emptied"],
)
def test_status_reports_a_damaged_index_that_search_refuses(small_library, monkeypatch, damage):
    assert run("build", "--library", small_library).exit_code == 0
    healthy = run("status", "--library", small_library)
    assert healthy.exit_code == 0 and "Files:" in healthy.output and "Error" not in healthy.output
    build = small_library / ".papersearch" / "builds" / (small_library / ".papersearch" / "CURRENT").read_text().strip()
    damage(build)
    search = run("search", "attention", "--library", small_library)
    assert search.exit_code == 1 and "cannot be read" in search.output

    def no_model(name):
        raise AssertionError("status loaded a model")

    use_fake_models(monkeypatch, no_model)
    result = run("status", "--library", small_library)
    assert result.exit_code == 1, result.output
    assert "Files:" in result.output  # what the manifest says is still shown
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("Error: The index is damaged: Index at ") and "cannot be read (" in error
    assert error.endswith(f"; `python cli.py build --library {small_library}` rebuilds it.")
    as_json = run("status", "--library", small_library, "--json")
    info = json.loads(as_json.stdout)
    assert as_json.exit_code == 1 and "cannot be read" in info["damaged"]
    assert info["pending"] == "3 new, 0 changed, 0 deleted, 0 unchanged (the index is damaged)"
    use_fake_models(monkeypatch)
    assert run("build", "--library", small_library).exit_code == 0  # the rebuild the message names
    assert run("status", "--library", small_library).exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", "", "--library", "{lib}"), "query is empty"),
        (("search", "x", "--library", "{lib}", "--model", "other"), "'other' was requested"),
        (("status", "--library", "{lib}/missing"), "does not exist"),
        (("search", "x", "--library", "{empty}"), "No index at"),
        (("build", "--library", "{empty}"), "No PDF, Markdown or text files"),
    ],
    ids=["empty-query", "model-mismatch", "missing-library", "no-index", "empty-library"],
)
def test_errors_are_one_clear_line_and_exit_1(small_library, tmp_path, args, message):
    run("build", "--library", small_library)
    (tmp_path / "empty").mkdir()
    args = [a.format(lib=small_library, empty=tmp_path / "empty") for a in args]
    result = CliRunner().invoke(cli.main, args)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (a device that is always full)")
@pytest.mark.parametrize("option", ["--csv", "--bibtex", "--markdown"])
def test_an_export_that_cannot_be_written_names_the_file(small_library, option):
    run("build", "--library", small_library)
    result = CliRunner().invoke(cli.main, ["search", "attention", "--library", str(small_library), option, "/dev/full"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == "Error: Cannot write /dev/full: No space left on device."


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc, where no folder can be made")
def test_a_first_build_that_cannot_write_promises_no_previous_index(small_library, monkeypatch):
    loaded = []
    use_fake_models(monkeypatch, lambda name: loaded.append(name) or FakeEmbedder(name=name))
    result = CliRunner().invoke(cli.main, ["build", "--library", str(small_library), "--index", "/proc/papersearch-idx"])
    assert result.exit_code == 1 and loaded == []  # said before any model is loaded
    assert result.output.strip().splitlines()[-1] == (
        "Error: Papersearch cannot write the index at /proc/papersearch-idx (No such file or directory)."
    )


def test_a_rebuild_that_cannot_write_says_the_previous_index_is_kept(small_library, monkeypatch):
    assert run("build", "--library", small_library).exit_code == 0
    (small_library / "notes" / "more.md").write_text("# More\n\nmore text\n", encoding="utf-8")

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("index.build_folder.os.rename", full)
    result = CliRunner().invoke(cli.main, ["build", "--library", str(small_library)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: Papersearch cannot write the index at {small_library / '.papersearch'} (No space left on device). "
        "The previous index is kept and still answers searches."
    )


def test_help_has_examples():
    result = run("--help")
    assert "Examples:" in result.output and "python cli.py search" in result.output


def test_search_modes_on_the_command_line(small_library):
    run("build", "--library", small_library)
    lexical = json.loads(run("search", "deformable", "--library", small_library, "--mode", "lexical", "--json").stdout)
    assert lexical[0]["path"] == "notes/alignment.md" and lexical[0]["dense_rank"] is None
    bad = CliRunner().invoke(cli.main, ["search", "x", "--library", str(small_library), "--mode", "fuzzy"])
    assert bad.exit_code == 2 and "fuzzy" in bad.output


def test_build_replaces_an_index_it_cannot_read(small_library):
    run("build", "--library", small_library)
    current = (small_library / ".papersearch" / "CURRENT").read_text().strip()
    (small_library / ".papersearch" / "builds" / current / "manifest.json").write_text("{not json")
    result = run("build", "--library", small_library)
    assert result.exit_code == 0, result.output
    assert "3 new" in result.output and "Indexed 3 files" in result.output


def test_the_program_exits_with_clicks_status_and_output(tmp_path):
    """`python cli.py` ends through cli.run (no teardown of loaded models): statuses and messages
    must still be click's own."""
    import subprocess
    import sys

    from tests.support.paths import REPO

    def program(*args):
        return subprocess.run([sys.executable, "cli.py", *args], cwd=REPO, capture_output=True, text=True, timeout=120)

    assert program("--help").returncode == 0
    usage = program("search", "x")  # a query but no library (nor --zotero)
    assert usage.returncode == 2 and "Missing option '--library'" in usage.stderr
    missing = program("search", "x", "--library", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and missing.stderr.startswith("Error: ") and "Traceback" not in missing.stderr
    assert "Usage" in program("--help").stdout


def test_version_is_the_projects_and_the_console_command_runs_the_cli():
    import tomllib

    expected = tomllib.loads((Path(cli.__file__).with_name("pyproject.toml")).read_text())["project"]["version"]
    result = CliRunner().invoke(cli.main, ["--version"])
    assert result.exit_code == 0 and result.output == f"papersearch {expected}\n"
    command = Path(sys.executable).with_name("papersearch")
    assert command.exists(), "scripts/setup.sh installs the package and its console command"
    done = subprocess.run([str(command), "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == f"papersearch {expected}\n"
