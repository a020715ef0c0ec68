"""M1: an export never replaces a file unless asked (--force), never writes inside the library or
its index, and is written whole or not at all."""

import pytest
from click.testing import CliRunner

import cli
from tests.support.fakes import use_fake_models

FLAGS = ["--csv", "--bibtex", "--markdown"]


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    monkeypatch.delenv("PAPERSEARCH_INDEX", raising=False)


def run(*args):
    return CliRunner().invoke(cli.main, [str(a) for a in args])


def built(library):
    assert run("build", "--library", library).exit_code == 0


def one_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output.strip().splitlines()[-1]


@pytest.mark.parametrize("flag", FLAGS)
def test_an_export_never_overwrites_a_note_in_the_library(small_library, flag):
    built(small_library)
    note = small_library / "notes" / "alignment.md"
    before = note.read_bytes()
    for extra in ([], ["--force"]):
        line = one_error_line(run("search", "attention", "--library", small_library, flag, note, *extra))
        assert line.startswith("Error: ") and "inside the library folder" in line and "outside the library" in line
        assert note.read_bytes() == before
    # A new file in the library is refused too, and nothing is left behind.
    line = one_error_line(run("search", "attention", "--library", small_library, flag, small_library / "new.md"))
    assert "inside the library folder" in line and not (small_library / "new.md").exists()


@pytest.mark.parametrize("flag", FLAGS)
def test_an_export_refuses_the_index_folder_outside_the_library(small_library, tmp_path, flag):
    index = tmp_path / "idx"
    assert run("build", "--library", small_library, "--index", index).exit_code == 0
    line = one_error_line(run("search", "attention", "--library", small_library, "--index", index, flag,
                              index / "x.txt"))
    assert "inside the index folder" in line


@pytest.mark.parametrize("flag", FLAGS)
def test_an_existing_file_is_replaced_only_with_force(small_library, tmp_path, flag):
    built(small_library)
    out = tmp_path / "out.txt"
    out.write_text("mine", encoding="utf-8")
    line = one_error_line(run("search", "attention", "--library", small_library, flag, out))
    assert "exists" in line and "--force" in line and out.read_text(encoding="utf-8") == "mine"
    result = run("search", "attention", "--library", small_library, flag, out, "--force")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8-sig") != "mine"


def test_a_failed_export_write_leaves_no_half_file(small_library, tmp_path, monkeypatch):
    built(small_library)
    out = tmp_path / "out.csv"
    out.write_text("previous export", encoding="utf-8")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("disk.atomic.os.replace", full)
    line = one_error_line(run("search", "attention", "--library", small_library, "--csv", out, "--force"))
    assert line == f"Error: Cannot write {out}: No space left on device."
    assert out.read_text(encoding="utf-8") == "previous export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
