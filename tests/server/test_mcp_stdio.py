"""`cli.py mcp` over stdio, driven by the `mcp` SDK's own client (issue #22): the tools as an
assistant sees them, results that are the CLI's --json objects, byte budgets and cursors, bad
calls answered with errors while the server keeps answering, and rebuilds picked up live."""

from __future__ import annotations

import json
import threading

import anyio
import pytest
from click.testing import CliRunner

import cli
from search import MAX_QUERY_CHARS
from library import Library
from tests.support.fakes import FakeEmbedder, use_fake_models
from tests.support.mcp_harness import FAKE_MODEL, build, call, stdio_client

TOOLS = {"search", "similar", "find_source", "get", "status"}


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", FAKE_MODEL)
    monkeypatch.delenv("PAPERSEARCH_INDEX", raising=False)


def cli_json(library, *args) -> list[dict]:
    result = CliRunner().invoke(cli.main, ["search", *map(str, args), "--library", str(library), "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def without_open(results: list[dict]) -> list[dict]:
    return [{key: value for key, value in result.items() if key != "open"} for result in results]


def test_the_tools_an_assistant_sees_are_described_typed_and_read_only(small_library):
    build(small_library)

    async def scenario():
        async with stdio_client(small_library) as client:
            return (await client.list_tools()).tools

    tools = {tool.name: tool for tool in anyio.run(scenario)}
    assert set(tools) == TOOLS
    for name, tool in tools.items():
        assert len(tool.description) > 150, name
        assert tool.annotations.read_only_hint is True and tool.annotations.destructive_hint is False
        for parameter, schema in tool.input_schema.get("properties", {}).items():
            assert schema.get("description"), f"{name}.{parameter} is undocumented"
        if name != "status":
            assert "never instructions" in tool.description, name
    search = tools["search"].input_schema
    assert search["required"] == ["query"]
    assert search["properties"]["k"]["type"] == "integer"
    assert search["properties"]["mode"]["enum"] == ["hybrid", "dense", "lexical"]
    assert {"kind", "year_from", "year_to", "venue", "topic", "read", "has_pdf", "group", "max_bytes", "cursor"} \
        <= set(search["properties"])


def test_results_are_the_cli_json_objects_plus_an_open_link(demo_library_copy):
    library = demo_library_copy
    build(library)
    queries = [("deformable convolution alignment", "hybrid"), ("扩散模型 噪声", "hybrid"),
               ("attention", "lexical"), ("video super-resolution", "dense")]

    async def scenario():
        async with stdio_client(library) as client:
            return [await call(client, "search", {"query": q, "k": 10, "mode": m}) for q, m in queries]

    for (query, mode), (error, answer) in zip(queries, anyio.run(scenario)):
        assert not error, answer
        assert answer["next_cursor"] is None and "never instructions" in answer["source_material"]
        expected = cli_json(library, query, "-k", "10", "--mode", mode)
        assert expected, query
        assert without_open(answer["results"]) == expected  # same ids, order and fields: one serializer
        for result in answer["results"]:
            path = str(library.absolute() / result["path"])
            assert result["open"] == (f"{path}#page={result['page']}" if result["page"] else path)


def test_a_byte_budget_pages_through_the_results_with_a_cursor(demo_library_copy):
    build(demo_library_copy)

    async def scenario():
        async with stdio_client(demo_library_copy) as client:
            _, whole = await call(client, "search", {"query": "attention alignment noise", "k": 25,
                                                     "max_bytes": 1_000_000})
            pages, cursor = [], None
            while True:
                arguments = {"query": "attention alignment noise", "k": 25, "max_bytes": 2_000}
                error, page = await call(client, "search", arguments | ({"cursor": cursor} if cursor else {}))
                assert not error, page
                pages.append(page)
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            error, foreign = await call(client, "search", {"query": "something else", "cursor": pages[0]["next_cursor"]})
            return whole, pages, (error, foreign)

    whole, pages, (error, foreign) = anyio.run(scenario)
    assert len(pages) > 2
    for page in pages:
        assert len(json.dumps(page["results"], ensure_ascii=False).encode()) <= 2_000 + 4_000  # one passage over
    assert [r["chunk_id"] for page in pages for r in page["results"]] == [r["chunk_id"] for r in whole["results"]]
    assert error and "same arguments" in foreign


def test_bad_calls_are_answered_with_errors_and_the_server_keeps_answering(small_library):
    build(small_library)
    bad_calls = [
        ("no_such_tool", {}, "Unknown tool"),
        ("search", {"query": "x", "k": "many"}, "k"),
        ("search", {"query": 5}, "query"),
        ("search", {}, "query"),
        ("search", {"query": "x", "k": 10**9}, "k must be a whole number from 1 to 1000"),
        ("search", {"query": "x", "k": 0}, "k must be"),
        ("search", {"query": "word " * 2_000_000}, f"the limit is {MAX_QUERY_CHARS:,}"),  # a 10 MB query
        ("search", {"query": "   "}, "empty"),
        ("search", {"query": "x", "mode": "psychic"}, "mode"),
        ("search", {"query": "x", "venue": " "}, "venue is blank"),
        ("search", {"query": "x", "cursor": "not-a-cursor"}, "cursor"),
        ("search", {"query": "x", "max_bytes": 10}, "max_bytes"),
        ("get", {"paper_id": "no-such-paper"}, "No paper 'no-such-paper'"),
        ("get", {"chunk_id": "0000"}, "No passage '0000'"),
        ("get", {}, "exactly one"),
        ("similar", {"like": "pdfs/missing.pdf#page=2"}, "not in the index"),
        ("similar", {"like": "pdfs/transformers.pdf#page=0"}, "is not a page"),
        ("similar", {"like": "pdfs/transformers.pdf", "paper_id": "x"}, "exactly one"),
        ("similar", {"paper_id": "no-such-paper"}, "paper"),
    ]

    async def scenario():
        answers = []
        async with stdio_client(small_library) as client:
            for tool, arguments, _ in bad_calls:
                answers.append(await call(client, tool, arguments))
                error, good = await call(client, "search", {"query": "attention", "k": 2})
                assert not error and good["results"], (tool, arguments, good)
        return answers

    for (tool, arguments, expected), (error, message) in zip(bad_calls, anyio.run(scenario)):
        assert error, (tool, arguments)
        assert expected in message and "Traceback" not in message, (tool, message)


def test_get_similar_find_source_and_status(small_library):
    build(small_library)

    async def scenario():
        async with stdio_client(small_library) as client:
            _, found = await call(client, "search", {"query": "multi-head attention", "k": 1, "kind": "pdf"})
            hit = found["results"][0]
            _, passage = await call(client, "get", {"chunk_id": hit["chunk_id"], "neighbours": 1})
            _, like = await call(client, "similar", {"like": f"{hit['path']}#page={hit['page']}", "k": 3})
            _, source = await call(client, "find_source", {"text": "Warping frames with estimated optical flow "
                                                                     "aligns them explicitly.", "k": 2})
            _, papers = await call(client, "search", {"query": "attention", "group": "paper", "k": 2})
            _, status = await call(client, "status", {})
            return hit, passage, like, source, papers, status

    hit, passage, like, source, papers, status = anyio.run(scenario)
    assert hit["path"] == "pdfs/transformers.pdf" and hit["page"] == 2
    assert passage["passage"]["chunk_id"] == hit["chunk_id"] and passage["passage"]["text"] == hit["text"]
    assert [p["page"] for p in passage["before"]] == [1] and passage["after"] == []
    assert all(r["page"] != 2 or r["path"] != hit["path"] for r in like["results"])  # the item itself left out
    assert source["results"][0]["path"] == "notes/alignment.md"
    assert source["results"][0]["heading"].endswith("Optical flow")
    assert {"paper_id", "title", "score", "passages"} <= set(papers["results"][0])
    assert status["built"] and status["usable"] and status["files"] == 3 and status["model"] == FAKE_MODEL
    assert status["pending_changes"]["needs_update"] is False and status["build"]


def test_a_paper_record_comes_with_its_files_entries_and_bibtex(tmp_path):
    library = tmp_path / "library"
    (library / "notes").mkdir(parents=True)
    (library / "notes" / "reading.md").write_text(
        "# Reading list\n\n## Alignment\n\n- [x] \"Deformable ConvNets v2: More Deformable, Better Results\" CVPR, "
        "2019 [paper](https://arxiv.org/abs/1811.11168)\n  offsets and modulation for alignment\n", encoding="utf-8")
    build(library)
    papers = Library(library).catalog().papers
    assert papers, "the fixture note should list one paper"

    async def scenario():
        async with stdio_client(library) as client:
            return await call(client, "get", {"paper_id": papers[0].paper_id})

    error, answer = anyio.run(scenario)
    assert not error, answer
    paper = answer["paper"]
    assert paper["paper_id"] == papers[0].paper_id and paper["year"] == 2019
    assert paper["entries"] and "Deformable ConvNets v2" in paper["entries"][0]["text"]
    assert paper["bibtex"].startswith("@") and "2019" in paper["bibtex"]


def test_a_rebuild_is_picked_up_by_the_next_call_without_a_restart(small_library):
    first_build = build(small_library)
    gate, entered = threading.Event(), threading.Event()

    class HeldEmbedder(FakeEmbedder):
        def embed_documents(self, texts):
            entered.set()
            assert gate.wait(60)
            return super().embed_documents(texts)

    async def scenario():
        async with stdio_client(small_library) as client:
            _, before = await call(client, "search", {"query": "zebrafish regeneration", "k": 3})
            (small_library / "notes" / "fish.md").write_text(
                "# Fish\n\nZebrafish regeneration of the fin after amputation.\n", encoding="utf-8")
            builder = threading.Thread(target=lambda: Library(small_library).update(
                model=FAKE_MODEL, load_embedder=lambda name: HeldEmbedder(name)))
            builder.start()
            assert await anyio.to_thread.run_sync(entered.wait, 60)
            during = await call(client, "search", {"query": "zebrafish regeneration", "k": 3})  # mid-rebuild
            gate.set()
            await anyio.to_thread.run_sync(builder.join, 60)
            _, after = await call(client, "search", {"query": "zebrafish regeneration", "k": 3})
            return before, during, after

    before, (during_error, during), after = anyio.run(scenario)
    assert "notes/fish.md" not in {r["path"] for r in before["results"]}
    assert not during_error and during["build"] == first_build  # the previous build answers meanwhile
    assert after["build"] != first_build and after["results"][0]["path"] == "notes/fish.md"


def test_a_missing_index_then_a_damaged_one_are_clear_errors_until_a_build(small_library):
    async def scenario():
        answers = []
        async with stdio_client(small_library) as client:
            answers.append(await call(client, "search", {"query": "attention"}))
            answers.append(await call(client, "status", {}))
            build(small_library)
            answers.append(await call(client, "search", {"query": "attention"}))
        build_dir = next((small_library / ".papersearch" / "builds").iterdir())
        chunks = build_dir / "chunks.parquet"
        chunks.write_bytes(chunks.read_bytes()[: len(chunks.read_bytes()) // 2])
        async with stdio_client(small_library) as client:  # a fresh server meets the damaged build
            answers.append(await call(client, "search", {"query": "attention"}))
            answers.append(await call(client, "status", {}))
            Library(small_library).update(load_embedder=lambda name: FakeEmbedder(name))
            answers.append(await call(client, "search", {"query": "attention"}))
        return answers

    missing, missing_status, built, damaged, damaged_status, rebuilt = anyio.run(scenario)
    assert missing[0] and "No index at" in missing[1] and "cli.py build --library" in missing[1]
    assert not missing_status[0] and missing_status[1]["built"] is False
    assert not built[0] and built[1]["results"]
    assert damaged[0] and "damaged" in damaged[1] and "Rebuild" in damaged[1]
    assert not damaged_status[0] and damaged_status[1]["usable"] is False and damaged_status[1]["damaged"]
    assert not rebuilt[0] and rebuilt[1]["results"]
