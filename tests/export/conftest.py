"""The shared library (../shared/data notes and PDFs) built once with the fake model, for the
export tests that read whole-catalog exports back with real tools."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from tests.support.fakes import register_fake_models
from tests.support.paths import shared_path


@pytest.fixture(scope="session")
def shared_library(tmp_path_factory) -> Path:
    notes, pdfs = shared_path("notes"), shared_path("pdfs")
    register_fake_models()
    library = tmp_path_factory.mktemp("shared") / "library"
    library.mkdir()
    (library / "notes").symlink_to(notes, target_is_directory=True)
    (library / "pdfs").symlink_to(pdfs, target_is_directory=True)
    result = CliRunner().invoke(cli.main, ["build", "--library", str(library), "--model", "fake-hash-64"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return library


@pytest.fixture(scope="session")
def shared_catalog(shared_library):
    from library import Library

    return Library(shared_library).catalog()
