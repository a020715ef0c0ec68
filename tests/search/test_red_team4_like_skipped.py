"""L4: "more like" a file the build skipped says it was skipped and why (the manifest's `skipped`),
not that it "needs a build first": through the CLI (before any model loads), the Searcher and the server."""

from __future__ import annotations

import functools

import pytest
from click.testing import CliRunner

import cli
from library import Library
from search import SkippedItemError, UnknownItemError
from server.service import LibraryService, NotFoundError
from tests.support.fakes import FakeEmbedder, use_fake_models


@pytest.fixture
def library_with_a_skipped_file(small_library, monkeypatch):
    (small_library / "pdfs" / "broken.pdf").write_bytes(b"not a pdf at all")
    (small_library / "notes" / "empty.md").write_text("", encoding="utf-8")
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    monkeypatch.delenv("PAPERSEARCH_INDEX", raising=False)
    monkeypatch.setattr(cli, "tqdm", functools.partial(cli.tqdm, disable=True))
    assert CliRunner().invoke(cli.main, ["build", "--library", str(small_library)]).exit_code == 0
    skipped = {item.path: item.reason for item in Library(small_library).manifest().skipped}
    assert {"pdfs/broken.pdf", "notes/empty.md"} <= set(skipped)
    return small_library, skipped


@pytest.mark.parametrize("spec", ["pdfs/broken.pdf", "pdfs/broken.pdf#page=2", "notes/empty.md", "notes/empty.md#Methods"])
def test_the_cli_says_the_file_was_skipped_and_why(library_with_a_skipped_file, spec):
    library, skipped = library_with_a_skipped_file
    path = spec.split("#")[0]
    result = CliRunner().invoke(cli.main, ["search", "--like", spec, "--library", str(library)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert f"{path} was skipped by the last build ({skipped[path]})" in lines[0]
    assert "needs a build first" not in lines[0]


def test_the_searcher_and_the_server_say_it_too(library_with_a_skipped_file):
    library, skipped = library_with_a_skipped_file
    searcher = Library(library).searcher(load=lambda _name: FakeEmbedder())
    with pytest.raises(SkippedItemError) as caught:
        searcher.similar("pdfs/broken.pdf#page=1")
    assert isinstance(caught.value, UnknownItemError)
    assert (caught.value.path, caught.value.reason) == ("pdfs/broken.pdf", skipped["pdfs/broken.pdf"])
    service = LibraryService(library, load=lambda name: FakeEmbedder(name))
    with pytest.raises(NotFoundError, match="was skipped by the last build"):
        service.similar(like="notes/empty.md")


def test_a_file_never_seen_still_needs_a_build(library_with_a_skipped_file):
    library, _ = library_with_a_skipped_file
    result = CliRunner().invoke(cli.main, ["search", "--like", "pdfs/new.pdf", "--library", str(library)])
    assert result.exit_code == 1 and "needs a build first" in result.stderr
