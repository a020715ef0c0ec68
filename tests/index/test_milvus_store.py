"""The Milvus store (Milvus Lite): the same results as the file store, filters inside Milvus, the
alias switch, and its bad input. Store-independent behaviour runs over both stores in
test_build.py, test_search.py, test_hybrid.py and test_similar.py (the `each_store` fixture)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import cli
from index import CorruptIndexError, IndexWriteError, InvalidStoreError, ModelMismatchError, StoreUnavailableError, parse_store
from library import Library
from search import ResultFilter, Searcher
from search.passages import PassageRows
from tests.support.fakes import FakeEmbedder, use_fake_models


def _built(library: Path, index: Path, store: str, embedder: FakeEmbedder | None = None) -> Library:
    lib = Library(library, index, store)
    embedder = embedder or FakeEmbedder()
    lib.build(lib.plan(embedder.name), embedder)
    return lib


@pytest.fixture
def both(demo_library_copy, tmp_path, milvus_lite_store) -> tuple[Searcher, Searcher]:
    """The demo library (notes with paper lists: years, venues, read marks) in both stores."""
    file_lib = _built(demo_library_copy, tmp_path / "file-index", "file")
    milvus_lib = _built(demo_library_copy, tmp_path / "milvus-index", milvus_lite_store)
    return file_lib.searcher(load=lambda _model: FakeEmbedder()), milvus_lib.searcher(load=lambda _model: FakeEmbedder())


def _ids(response) -> list[tuple[str, float]]:
    return [(hit.chunk_id, round(hit.score, 4)) for hit in response.hits]


@pytest.mark.parametrize("query", ["deformable convolution alignment", "BasicVSR++ propagation", "扩散模型 去噪", "the of"])
@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_milvus_ranks_exactly_as_the_file_store(both, query, mode):
    file_searcher, milvus_searcher = both
    assert _ids(milvus_searcher.search(query, k=20, mode=mode)) == _ids(file_searcher.search(query, k=20, mode=mode))


def test_bm25_scores_come_from_our_tokens_and_match_bm25s(both):
    file_searcher, milvus_searcher = both
    tokens = file_searcher.tokenizer.tokenize("BasicVSR++ deformable deformable alignment 视频")
    file_rows, file_scores = file_searcher.index.lexical.search(tokens, 50)
    rows, scores = milvus_searcher.index.lexical.search(tokens, 50)
    assert len(file_rows) > 5 and sorted(rows.tolist()) == sorted(file_rows.tolist())
    np.testing.assert_allclose(scores, file_scores, rtol=1e-5)


@pytest.mark.parametrize("where", [
    ResultFilter(kind="pdf"), ResultFilter(kind="note", year_from=2019), ResultFilter(year_to=2018),
    ResultFilter(venue="cvpr"), ResultFilter(has_pdf=True),
])
def test_filters_are_milvus_expressions_with_the_file_stores_answers(both, where, monkeypatch):
    file_searcher, milvus_searcher = both
    expected = {hit.chunk_id for hit in file_searcher.search("video alignment attention", k=500, where=where).hits}
    expressions = []
    search = milvus_searcher.index.client.search
    monkeypatch.setattr(milvus_searcher.index.client, "search",
                        lambda *a, **kw: expressions.append(kw.get("filter")) or search(*a, **kw))
    monkeypatch.setattr(PassageRows, "passes", lambda *a: pytest.fail("filtered in Python, not in Milvus"))
    got = {hit.chunk_id for hit in milvus_searcher.search("video alignment attention", k=500, where=where).hits}
    assert got == expected and expected
    assert len(expressions) == 2 and all(expressions)  # the dense and the lexical search, both filtered


@pytest.mark.parametrize("where", [ResultFilter(read=True), ResultFilter(read=False, kind="note")])
def test_a_read_filter_is_checked_on_the_returned_rows_as_marks_change_between_builds(both, where):
    file_searcher, milvus_searcher = both
    expected = {hit.chunk_id for hit in file_searcher.search("video alignment attention", k=500, where=where).hits}
    got = {hit.chunk_id for hit in milvus_searcher.search("video alignment attention", k=500, where=where).hits}
    assert got == expected and expected


def test_a_topic_filter_is_checked_on_the_returned_rows(both):
    file_searcher, milvus_searcher = both
    where = ResultFilter(topic="video", kind="note")
    expected = {hit.chunk_id for hit in file_searcher.search("alignment", k=500, where=where).hits}
    assert {hit.chunk_id for hit in milvus_searcher.search("alignment", k=500, where=where).hits} == expected


def test_a_rebuild_switches_the_alias_and_keeps_the_previous_collection(small_library, tmp_path, milvus_lite_store):
    lib = _built(small_library, tmp_path / "index", milvus_lite_store)
    first = lib.store.current_collection()
    reader = lib.searcher(load=lambda _model: FakeEmbedder())  # a page opened before the rebuilds
    for number in range(3):
        (small_library / "notes" / f"n{number}.md").write_text(f"# N{number}\n\nunique{number} words\n")
        _built(small_library, tmp_path / "index", milvus_lite_store)
        if number == 0:  # the previous collection is kept: the open reader still answers from its own rows
            hit = reader.search("misaligned neighbouring frames", k=1, mode="lexical").hits[0]
            assert hit.path == "notes/alignment.md" and "misaligned" in hit.text
    current = lib.store.current_collection()
    ours = [name for name in lib.store.client.list_collections() if name.startswith(lib.store.alias + "_")]
    assert current != first and current in ours and len(ours) == 2  # current + previous
    assert sorted(p.name for p in (tmp_path / "index" / "milvus").iterdir() if p.name != "ALIAS") == sorted(ours)
    assert lib.searcher(load=lambda _model: FakeEmbedder()).search("unique2", k=1, mode="lexical").hits[0].path == "notes/n2.md"
    assert lib.build_id() == current


def test_a_first_build_that_fails_promises_no_previous_index(small_library, tmp_path, milvus_lite_store, monkeypatch):
    from pymilvus.exceptions import MilvusException

    lib = Library(small_library, tmp_path / "index", milvus_lite_store)

    def lost(*args, **kwargs):
        raise MilvusException(message="connection reset by peer")

    monkeypatch.setattr(lib.store.client, "insert", lost)
    with pytest.raises(IndexWriteError, match="connection reset") as failure:
        lib.build(lib.plan(FakeEmbedder().name), FakeEmbedder())
    assert "previous index" not in str(failure.value)
    assert str(failure.value).endswith("The build was not completed: run the build again.")


def test_a_connection_lost_mid_build_leaves_the_previous_alias_and_a_rerun_completes(
    small_library, tmp_path, milvus_lite_store, monkeypatch
):
    from pymilvus.exceptions import MilvusException

    lib = _built(small_library, tmp_path / "index", milvus_lite_store)
    before = lib.store.current_collection()
    (small_library / "notes" / "more.md").write_text("# More\n\nmore text about gratings\n")
    client = lib.store.client
    insert = client.insert

    def lost(*args, **kwargs):
        insert(*args, **kwargs)
        raise MilvusException(message="connection reset by peer")

    monkeypatch.setattr(client, "insert", lost)
    with pytest.raises(IndexWriteError, match=r"Milvus at .*papersearch\.db failed.*connection reset.*previous index is kept"):
        _built(small_library, tmp_path / "index", milvus_lite_store)
    monkeypatch.undo()
    assert lib.store.current_collection() == before
    searcher = (Library(small_library, tmp_path / "index", milvus_lite_store)).searcher(load=lambda _model: FakeEmbedder())
    assert searcher.search("multi-head attention", k=1).hits[0].path == "pdfs/transformers.pdf"

    _built(small_library, tmp_path / "index", milvus_lite_store)
    ours = [name for name in client.list_collections() if name.startswith(lib.store.alias + "_")]
    assert lib.store.current_collection() not in (before, None) and len(ours) == 2  # the half-written one is gone
    assert lib.searcher(load=lambda _model: FakeEmbedder()).search("gratings", k=1, mode="lexical").hits[0].path == "notes/more.md"


def test_a_collection_built_with_another_model_is_refused(small_library, tmp_path, milvus_lite_store):
    lib = _built(small_library, tmp_path / "index", milvus_lite_store, FakeEmbedder(name="fake-a"))
    with pytest.raises(ModelMismatchError, match="built with model 'fake-a'"):
        lib.searcher(load=lambda _model: FakeEmbedder(name="fake-b"))
    manifest = lib.store.current_build() / "manifest.json"  # a manifest that does not describe its collection
    manifest.write_text(manifest.read_text().replace('"fake-a"', '"fake-b"'))
    with pytest.raises(CorruptIndexError, match="does not match its Milvus collection"):
        lib.load()


@pytest.mark.parametrize("value", ["milvus", "milvus:", "milvus:papers", "faiss", "milvus:ftp://host:19530", "milvus:http://"])
def test_a_malformed_store_names_the_accepted_forms(value):
    with pytest.raises(InvalidStoreError, match=r"'file'.*milvus:<path\.db>.*milvus:http://host:19530"):
        parse_store(value)


def test_store_forms_and_the_environment(monkeypatch, tmp_path):
    assert parse_store(None).kind == "file" and parse_store("file").kind == "file"
    assert parse_store(f"milvus:{tmp_path}/a.db").uri == str(tmp_path / "a.db")
    assert parse_store("milvus:http://host:19530/").uri == "http://host:19530"
    monkeypatch.setenv("PAPERSEARCH_STORE", "milvus:https://milvus.lab:443")
    assert not parse_store(None).is_lite and str(parse_store(None)) == "milvus:https://milvus.lab:443"


def test_an_unreachable_milvus_is_a_clear_error_within_5_s(small_library, tmp_path):
    started = time.perf_counter()
    with pytest.raises(StoreUnavailableError, match=r"Cannot reach Milvus at http://127\.0\.0\.1:9"):
        Library(small_library, tmp_path / "index", "milvus:http://127.0.0.1:9").manifest()
    assert time.perf_counter() - started < 5


def test_the_cli_reports_store_errors_in_one_line(small_library, tmp_path):
    runner = CliRunner()
    bad = runner.invoke(cli.main, ["status", "--library", str(small_library), "--store", "milvus:papers"])
    assert bad.exit_code == 2 and "milvus:<path.db>" in bad.output and "Traceback" not in bad.output
    down = runner.invoke(cli.main, ["status", "--library", str(small_library), "--store", "milvus:http://127.0.0.1:9"])
    assert down.exit_code == 1 and "Error: Cannot reach Milvus at http://127.0.0.1:9" in down.output


def test_the_cli_builds_and_searches_a_milvus_store(small_library, tmp_path, milvus_lite_store, monkeypatch):
    use_fake_models(monkeypatch)
    runner = CliRunner()
    where = ["--library", str(small_library), "--index", str(tmp_path / "index"), "--store", milvus_lite_store]
    built = runner.invoke(cli.main, ["build", *where, "--model", "fake-hash-64"])
    assert built.exit_code == 0, built.output
    found = runner.invoke(cli.main, ["search", "高斯噪声", *where, "--json"])
    assert found.exit_code == 0 and '"path": "notes/扩散模型.md"' in found.output
    monkeypatch.setenv("PAPERSEARCH_STORE", milvus_lite_store)
    status = runner.invoke(cli.main, ["status", "--library", str(small_library), "--index", str(tmp_path / "index")])
    assert status.exit_code == 0 and "fake-hash-64" in status.output
    assert not (tmp_path / "index" / "CURRENT").exists()  # nothing written in the file store's format
    monkeypatch.delenv("PAPERSEARCH_STORE")
    forgot = runner.invoke(cli.main, ["search", "噪声", "--library", str(small_library), "--index", str(tmp_path / "index")])
    assert forgot.exit_code == 1 and "is kept in Milvus" in forgot.output and "--store" in forgot.output


def _readme_snippet() -> str:
    """The Python block of README's "Using the Milvus collection from your own code", as written."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("#### Using the Milvus collection from your own code", 1)[1].split("\n#", 1)[0]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def _with(snippet: str, name: str, value: str) -> str:
    """The snippet with its `NAME = ...` line set to `value`: the only lines a reader edits."""
    lines = snippet.splitlines()
    found = [i for i, line in enumerate(lines) if line.startswith(f"{name} = ")]
    assert len(found) == 1, f"README's snippet has no single `{name} = ...` line"
    lines[found[0]] = f"{name} = {value}"
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("query", ["deformable convolution alignment", "扩散模型 去噪", "video   super-resolution"])
def test_the_readme_snippet_finds_what_dense_search_finds(demo_library_copy, tmp_path, milvus_lite_store, monkeypatch, query):
    use_fake_models(monkeypatch)  # the snippet's load_embedder(manifest["model"]) gets the fake the index was built with
    lib = _built(demo_library_copy, tmp_path / "index", milvus_lite_store)
    assert lib.store.load().language_direction is not None  # so the snippet must remove it to agree
    snippet = _readme_snippet()
    for name, value in (("INDEX", f"Path({str(lib.index_dir)!r})"), ("STORE", repr(milvus_lite_store.removeprefix("milvus:"))),
                        ("QUERY", repr(query))):
        snippet = _with(snippet, name, value)
    scope: dict = {"print": lambda *args: None}
    exec(compile(snippet, "README.md", "exec"), scope)  # noqa: S102 — README's own code, run as a reader would

    expected = lib.searcher().search(query, k=10, mode="dense").hits
    got = scope["hits"][0]
    assert expected and got[0]["entity"]["path"] == expected[0].path and got[0]["entity"]["text"] == expected[0].text
    assert [(hit["entity"]["path"], hit["entity"]["text"]) for hit in got[:5]] == [(hit.path, hit.text) for hit in expected[:5]]
    np.testing.assert_allclose([hit["distance"] for hit in got[:5]], [hit.score for hit in expected[:5]], rtol=1e-4)
