"""L7: a filter that matches nothing is said to be that ("no passage passes the filters"), in both
stores. The Milvus store filters inside its searches, so its lexical ranking under such a filter is
empty although the query shares words with the library: that is not "no shared word"."""

from __future__ import annotations

import functools

import pytest
from click.testing import CliRunner

import cli
from library import Library
from search import ResultFilter
from tests.support.fakes import FakeEmbedder, use_fake_models

SHARED_WORDS = "deformable convolution alignment"
NO_WORD = "zzqx qqzy"


@pytest.fixture
def searcher(demo_library_copy, tmp_path, each_store):
    lib = Library(demo_library_copy, tmp_path / "index", each_store)
    embedder = FakeEmbedder()
    lib.build(lib.plan(embedder.name), embedder)
    return lib.searcher(load=lambda _model: FakeEmbedder())


@pytest.mark.parametrize("where", [ResultFilter(year_from=3000), ResultFilter(venue="no-such-venue"),
                                   ResultFilter(year_to=1000, kind="note")])
@pytest.mark.parametrize("mode", ["hybrid", "lexical", "dense"])
def test_a_filter_matching_nothing_says_so(searcher, where, mode):
    response = searcher.search(SHARED_WORDS, k=10, mode=mode, where=where)
    assert not response.hits
    assert any("passes the filters" in notice for notice in response.notices), response.notices
    assert not any("searchable word" in notice for notice in response.notices), response.notices


def test_no_shared_word_is_still_said_when_it_is_true(searcher):
    assert any(n.startswith("No passage shares a searchable word") for n in searcher.search(NO_WORD).notices)
    filtered = searcher.search(NO_WORD, where=ResultFilter(kind="note"))
    assert filtered.hits and any("shares a searchable word" in n for n in filtered.notices)


def test_the_cli_says_it_with_the_milvus_store(demo_library_copy, tmp_path, milvus_lite_store, monkeypatch):
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    monkeypatch.setattr(cli, "tqdm", functools.partial(cli.tqdm, disable=True))
    common = ["--library", str(demo_library_copy), "--index", str(tmp_path / "index"), "--store", milvus_lite_store]
    assert CliRunner().invoke(cli.main, ["build", *common]).exit_code == 0
    result = CliRunner().invoke(cli.main, ["search", SHARED_WORDS, *common, "--year-from", "3000"])
    assert result.exit_code == 0, result.output
    assert "passes the filters" in result.stderr and "searchable word" not in result.stderr
