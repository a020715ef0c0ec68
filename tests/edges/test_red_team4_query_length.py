"""L3: a query text has one length cap (search.MAX_QUERY_CHARS), shared by every way a query comes in:
the CLI's QUERY, --query-file and standard input, the page's pasted text, and the MCP/HTTP server.
A longer text is refused at once with its length and the limit (a pasted 2 MB took 563 s before)."""

from __future__ import annotations

import functools

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

import cli
from library import Library
from search import MAX_QUERY_CHARS, InvalidQueryError, QueryTooLongError, normalise_query
from server import service as server_service
from tests.support.fakes import FakeEmbedder, use_fake_models
from tests.support.paths import REPO

TOO_LONG = "deformable alignment " * (MAX_QUERY_CHARS // 20)  # just over the limit
assert len(TOO_LONG) > MAX_QUERY_CHARS


@pytest.fixture
def built(small_library, monkeypatch):
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    monkeypatch.delenv("PAPERSEARCH_INDEX", raising=False)
    monkeypatch.setattr(cli, "tqdm", functools.partial(cli.tqdm, disable=True))
    assert CliRunner().invoke(cli.main, ["build", "--library", str(small_library)]).exit_code == 0
    return small_library


def _one_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_the_domain_error_carries_the_length_and_the_limit():
    with pytest.raises(QueryTooLongError) as caught:
        normalise_query(TOO_LONG)
    assert isinstance(caught.value, InvalidQueryError)
    assert caught.value.length == len(TOO_LONG) and caught.value.limit == MAX_QUERY_CHARS
    assert normalise_query("a" * MAX_QUERY_CHARS)  # the limit itself is accepted


def test_the_searcher_refuses_before_embedding(built):
    embedder = FakeEmbedder()
    searcher = Library(built).searcher(load=lambda _name: embedder)
    with pytest.raises(QueryTooLongError):
        searcher.search(TOO_LONG)
    assert embedder.queries == []


@pytest.mark.parametrize("how", ["argument", "query-file", "stdin"])
def test_every_cli_query_source_is_refused_in_one_line(built, tmp_path, how):
    args = ["search", "--library", str(built)]
    given = {}
    if how == "argument":
        args.insert(1, TOO_LONG)
    elif how == "query-file":
        query_file = tmp_path / "abstract.txt"
        query_file.write_text(TOO_LONG, encoding="utf-8")
        args += ["--query-file", str(query_file)]
    else:
        args.insert(1, "-")
        given["input"] = TOO_LONG.encode()
    line = _one_error_line(CliRunner().invoke(cli.main, args, **given))
    assert f"{len(TOO_LONG):,} characters" in line and f"the limit is {MAX_QUERY_CHARS:,}" in line


def test_the_server_shares_the_limit(built):
    assert server_service.MAX_QUERY_CHARS is MAX_QUERY_CHARS
    service = server_service.LibraryService(built, load=lambda name: FakeEmbedder(name))
    for call in (lambda: service.search(TOO_LONG), lambda: service.find_source(TOO_LONG)):
        with pytest.raises(server_service.ServiceError, match=f"the limit is {MAX_QUERY_CHARS:,}"):
            call()
    assert service.search("a" * 30_000)["results"] is not None  # 20,000 was the server's own cap before


def test_the_pages_pasted_text_is_refused_with_a_message(built, tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERSEARCH_LIBRARY", str(built))
    page = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    page.run()
    page.text_area(key="pasted").input(TOO_LONG).run()
    page.button(key="find_related").click().run()
    assert not page.exception
    errors = [e.value for e in page.error]
    assert any(f"the limit is {MAX_QUERY_CHARS:,}" in e for e in errors), errors
