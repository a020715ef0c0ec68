"""`cli.py serve` (issue #22): MCP Streamable HTTP at /mcp with the `mcp` SDK's own client, the JSON
API, the same top 10 as `cli.py search --json`, DNS rebinding protection (foreign Host and Origin
refused), loopback only by default, a bearer token, and bad requests answered without a dead server."""

from __future__ import annotations

import http.client
import json
import subprocess
from pathlib import Path
from urllib.parse import quote

import anyio
import pytest
from click.testing import CliRunner
from mcp import Client

import cli
from search import MAX_QUERY_CHARS
from tests.support.fakes import use_fake_models
from tests.support.mcp_harness import FAKE_MODEL, HttpServer, build, call, cli_command, server_env

QUERIES = ["deformable convolution alignment", "扩散模型 噪声", "attention heads", "optical flow warping 光流"]


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", FAKE_MODEL)
    monkeypatch.delenv("PAPERSEARCH_INDEX", raising=False)


@pytest.fixture
def served(demo_library_copy):
    build(demo_library_copy)
    server = HttpServer(demo_library_copy)
    yield server
    server.stop()


def ids(results: list[dict]) -> list[str]:
    return [result["chunk_id"] for result in results]


def test_mcp_over_http_the_json_api_and_the_cli_give_the_same_top_10(served, demo_library_copy):
    async def scenario():
        async with Client(served.base + "/mcp") as client:
            tools = {tool.name for tool in (await client.list_tools()).tools}
            return tools, [await call(client, "search", {"query": query, "k": 10}) for query in QUERIES]

    tools, answers = anyio.run(scenario)
    assert tools == {"search", "similar", "find_source", "get", "status"}
    for query, (error, by_mcp) in zip(QUERIES, answers):
        assert not error, by_mcp
        status, by_api = served.get(f"/api/search?q={quote(query)}&k=10")
        assert status == 200, by_api
        result = CliRunner().invoke(cli.main, ["search", query, "--library", str(demo_library_copy), "-k", "10",
                                               "--json"], catch_exceptions=False)
        by_cli = json.loads(result.stdout)
        assert by_cli and ids(by_mcp["results"]) == ids(by_api["results"]) == ids(by_cli), query
        assert by_api["results"] == by_mcp["results"]  # one service behind both faces


def test_the_json_api_answers_status_get_similar_and_find_source(served):
    status, info = served.get("/api/status")
    assert status == 200 and info["built"] and info["model"] == FAKE_MODEL and info["build"]
    _, found = served.get("/api/search?q=attention&k=3&kind=note")
    assert all(result["kind"] == "note" for result in found["results"])
    chunk = found["results"][0]["chunk_id"]
    status, passage = served.get(f"/api/get?chunk_id={chunk}&neighbours=2")
    assert status == 200 and passage["passage"]["chunk_id"] == chunk
    status, like = served.get(f"/api/similar?chunk_id={chunk}&k=3")
    assert status == 200 and chunk not in ids(like["results"])
    status, source = served.get("/api/find_source?text=" + quote("Offsets let the kernel sample misaligned frames."))
    assert status == 200 and source["results"]
    status, index = served.get("/api")
    assert status == 200 and "/api/search" in index["endpoints"]


def test_the_json_api_and_mcp_search_within_a_paper_a_file_and_a_folder(served):
    reading_list = "notes/video_restoration_reading_list.md"
    _, in_file = served.get(f"/api/search?q=deformable&k=20&in_file={quote(reading_list)}")
    assert in_file["results"] and {r["path"] for r in in_file["results"]} == {reading_list}
    _, in_folder = served.get("/api/search?q=attention&k=20&in_folder=pdfs")
    assert in_folder["results"] and all(r["path"].startswith("pdfs/") for r in in_folder["results"])
    status, missing = served.get("/api/search?q=attention&in_folder=nowhere")
    assert status == 404 and "No indexed file is in the folder 'nowhere'" in missing["error"]

    async def scenario():
        async with Client(served.base + "/mcp") as client:
            return await call(client, "search", {"query": "deformable", "k": 20, "in_paper": "arxiv-1703.06211"})

    error, by_mcp = anyio.run(scenario)
    assert not error and by_mcp["results"]
    assert {r["paper_id"] for r in by_mcp["results"]} == {"arxiv-1703.06211"}


def test_bad_requests_get_clear_errors_and_the_server_keeps_answering(served):
    bad = [
        ("/api/search?q=x&k=1000000000", 400, "k must be a whole number from 1 to 1000"),
        ("/api/search?q=x&k=ten", 400, "k must be a whole number"),
        ("/api/search", 400, "Give the parameter q"),
        ("/api/search?q=" + "a" * (MAX_QUERY_CHARS + 1), 400, f"the limit is {MAX_QUERY_CHARS:,}"),
        ("/api/search?q=x&read=maybe", 400, "read must be true or false"),
        ("/api/get?paper_id=no-such-paper", 404, "No paper"),
        ("/api/similar?like=pdfs/nothing.pdf", 404, "not in the index"),
        ("/api/search?q=x&cursor=zzz", 400, "cursor"),
    ]
    for path, code, message in bad:
        status, answer = served.get(path)
        assert status == code and message in answer["error"], (path, answer)
        assert served.get("/api/search?q=attention&k=1")[0] == 200
    status, _ = served.get("/api/search?q=x", method="POST", body=b"{}")
    assert status == 405  # read-only
    status = declared_body_status(served, "/mcp", 10_000_000)  # a 10 MB MCP request
    assert status == 413  # refused on its Content-Length, before a byte of it is read
    assert served.get("/api/status")[0] == 200

    async def scenario():
        async with Client(served.base + "/mcp") as client:
            unknown = await client.call_tool("no_such_tool", {})
            wrong = await client.call_tool("search", {"query": "x", "k": 10**9})
            good = await call(client, "search", {"query": "attention", "k": 1})
            return unknown, wrong, good

    unknown, wrong, (error, good) = anyio.run(scenario)
    assert unknown.is_error and "Unknown tool" in unknown.content[0].text
    assert wrong.is_error and "k must be" in wrong.content[0].text
    assert not error and good["results"]


def declared_body_status(served, path: str, size: int) -> int:
    """The status of a POST that declares `size` bytes of body; the answer is read before any is sent."""
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    try:
        connection.putrequest("POST", path)
        for name, value in {"Content-Type": "application/json", "Content-Length": str(size),
                            "Accept": "application/json, text/event-stream"}.items():
            connection.putheader(name, value)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/api/status", "/mcp"])
def test_a_foreign_origin_or_host_is_refused(served, path):
    """DNS rebinding: a page at evil.example whose name now points at 127.0.0.1 sends Host: evil.example
    and Origin: http://evil.example; a page on another site that reaches localhost sends its Origin."""
    post = path == "/mcp"
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).encode() if post else None
    base = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"} if post else {}
    method = "POST" if post else "GET"
    status, answer = served.get(path, {**base, "Host": f"evil.example:{served.port}"}, method, body)
    assert status == 421 and "not this server" in answer["error"]
    status, answer = served.get(path, {**base, "Origin": "http://evil.example"}, method, body)
    assert status == 403 and "refused" in answer["error"]
    status, _ = served.get(path, {**base, "Origin": "http://127.0.0.1.evil.example"}, method, body)
    assert status == 403
    status, _ = served.get(path, {**base, "Host": "localhost:1"}, method, body)  # right name, other port
    assert status == 421
    status, _ = served.get(path, {**base, "Origin": f"http://localhost:{served.port}"}, method, body)
    assert status == 200  # its own (loopback) origin is served


def test_it_listens_on_loopback_only_by_default(served):
    port = f"{served.port:04X}"
    listening = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                 + Path("/proc/net/tcp6").read_text().splitlines()[1:]]
    local = [fields[1] for fields in listening if fields[1].endswith(":" + port) and fields[3] == "0A"]
    assert local == [f"0100007F:{port}"]  # 127.0.0.1 only (as `ss -ltn` shows it)


def test_another_address_needs_a_bearer_token(small_library):
    build(small_library)
    refused = subprocess.run(cli_command("serve", "--library", small_library, "--host", "0.0.0.0", "--port", "1"),
                             env=server_env(), capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "PAPERSEARCH_TOKEN" in refused.stderr and "Traceback" not in refused.stderr
    server = HttpServer(small_library, PAPERSEARCH_TOKEN="s3cret-token")  # a token, once set, is always required
    try:
        assert server.get("/api/status")[0] == 401
        assert server.get("/api/status", {"Authorization": "Bearer wrong"})[0] == 401
        assert server.get("/api/status", {"Authorization": "Bearer s3cret-token"})[0] == 200
    finally:
        server.stop()
