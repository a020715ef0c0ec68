"""L16: `build` on an up-to-date index the user cannot write says "up to date" (exit 0): the
no-op check comes before any lock or write."""

import pytest
from click.testing import CliRunner

import cli
from tests.support.fakes import use_fake_models


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    monkeypatch.delenv("PAPERSEARCH_INDEX", raising=False)


def test_an_up_to_date_index_that_cannot_be_written_is_up_to_date(small_library, monkeypatch):
    assert CliRunner().invoke(cli.main, ["build", "--library", str(small_library)]).exit_code == 0

    class NoPermission:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            raise PermissionError(13, "Permission denied")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr("index.build_folder.exclusive_lock", NoPermission)  # as a read-only index folder
    result = CliRunner().invoke(cli.main, ["build", "--library", str(small_library)])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output.lower()
    (small_library / "notes" / "new.md").write_text("# New\n\nnew words\n", encoding="utf-8")
    changed = CliRunner().invoke(cli.main, ["build", "--library", str(small_library)])
    assert changed.exit_code == 1 and "cannot write the index" in changed.output  # real work still says why
