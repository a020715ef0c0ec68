"""The MCP server against the in-process Searcher (issue #22), on an already-built index:

- warm `search` p50/p95 through MCP (stdio, the `mcp` SDK's own client) vs `Searcher.search` in
  this process, on the same 20 dev-set queries (10 English, 10 Chinese), interleaved, one run;
- stdio server start (spawn of `cli.py mcp`) to the first `tools/list` answer;
- the server's memory (VmRSS) after 10 and after 1,000 calls;
- the same top 10 (chunk ids, in order) through MCP, the JSON API (`cli.py serve`) and
  `cli.py search --json`, on the same 20 queries.

    .venv/bin/python bench/bench_mcp.py --library /tmp/lib --index /tmp/idx_m_new [--rounds 3] \
        [--json-out bench/results/mcp.json]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from bench.common import REPO
from embed.registry import load_embedder
from library import Library


def dev_queries(per_set: int = 10) -> list[str]:
    queries = []
    for name in ("gold_dev_blind.jsonl", "gold_dev_zh.jsonl"):
        lines = (REPO / "bench" / "quality" / name).read_text(encoding="utf-8").splitlines()
        queries += [json.loads(line)["query"] for line in lines if line.strip()][:per_set]
    return queries


def server_args(args) -> list[str]:
    return ["--library", str(args.library)] + (["--index", str(args.index)] if args.index else [])


def stdio_params(args) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=[str(REPO / "cli.py"), "mcp", *server_args(args)],
                                 cwd=str(REPO), env={k: v for k, v in os.environ.items()})


def children() -> set[int]:
    found = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        found |= {int(pid) for pid in (task / "children").read_text().split()}
    return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmRSS")


def quantiles(samples: list[float]) -> dict:
    return {"p50_ms": round(statistics.median(samples), 1), "p95_ms": round(statistics.quantiles(samples, n=20)[-1], 1)}


async def measure_start(args, times: int) -> list[float]:
    seconds = []
    for _ in range(times):
        start = time.perf_counter()
        async with Client(stdio_params(args)) as client:
            await client.list_tools()
            seconds.append(round(time.perf_counter() - start, 2))
    return seconds


async def measure_latency_and_memory(args, queries: list[str], searcher) -> dict:
    before = children()
    async with Client(stdio_params(args), read_timeout_seconds=120) as client:
        server = (children() - before).pop()
        for query in queries[:3]:  # both warm: the model loaded, the first searches done
            searcher.search(query, k=10)
            await client.call_tool("search", {"query": query, "k": 10})
        in_process, through_mcp, mcp_top10 = [], [], {}
        for _ in range(args.rounds):
            for query in queries:
                start = time.perf_counter()
                searcher.search(query, k=10)
                in_process.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                result = await client.call_tool("search", {"query": query, "k": 10})
                through_mcp.append((time.perf_counter() - start) * 1000)
                assert not result.is_error, result.content
                mcp_top10[query] = [hit["chunk_id"] for hit in result.structured_content["results"]]
        calls = 3 + args.rounds * len(queries)
        while calls < 10:
            await client.call_tool("search", {"query": queries[calls % len(queries)], "k": 10})
            calls += 1
        after_10 = rss_mb(server)
        while calls < 1000:
            await client.call_tool("search", {"query": queries[calls % len(queries)], "k": 10})
            calls += 1
        after_1000 = rss_mb(server)
    return {
        "in_process": quantiles(in_process), "mcp_stdio": quantiles(through_mcp),
        "p50_ratio": round(statistics.median(through_mcp) / statistics.median(in_process), 3),
        "p95_ratio": round(statistics.quantiles(through_mcp, n=20)[-1] / statistics.quantiles(in_process, n=20)[-1], 3),
        "memory": {"rss_mb_after_10_calls": after_10, "rss_mb_after_1000_calls": after_1000,
                   "growth": round(after_1000 / after_10 - 1, 4)},
        "mcp_top10": mcp_top10,
    }


def api_and_cli_top10(args, queries: list[str]) -> tuple[dict, dict]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(REPO / "cli.py"), "serve", *server_args(args), "--port", str(port)],
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    api = {}
    try:
        for _ in range(600):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        for query in queries:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?k=10&q={quote(query)}", timeout=120) as r:
                api[query] = [hit["chunk_id"] for hit in json.load(r)["results"]]
    finally:
        server.terminate()
        server.wait(timeout=30)
    by_cli = {}
    for query in queries:
        out = subprocess.run([sys.executable, str(REPO / "cli.py"), "search", query, *server_args(args), "-k", "10",
                              "--json"], cwd=REPO, capture_output=True, text=True, timeout=300)
        by_cli[query] = [hit["chunk_id"] for hit in json.loads(out.stdout)]
    return api, by_cli


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--starts", type=int, default=5, help="stdio starts to time")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    queries = dev_queries()
    load_before = [round(x, 2) for x in os.getloadavg()]
    lib = Library(args.library, args.index)
    searcher = lib.searcher(load=load_embedder)
    starts = anyio.run(measure_start, args, args.starts)
    measured = anyio.run(measure_latency_and_memory, args, queries, searcher)
    by_mcp = measured.pop("mcp_top10")
    by_api, by_cli = api_and_cli_top10(args, queries)
    same = [q for q in queries if by_mcp[q] == by_api[q] == by_cli[q] and len(by_cli[q]) == 10]
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "model": searcher.index.manifest.model,
        "chunks": searcher.index.manifest.chunk_count,
        "queries": len(queries), "rounds": args.rounds, "cpus": os.cpu_count(),
        "load_average_1_5_15_min": {"before": load_before, "after": [round(x, 2) for x in os.getloadavg()]},
        "search_k10_hybrid": {key: measured[key] for key in ("in_process", "mcp_stdio", "p50_ratio", "p95_ratio")},
        "stdio_start_to_first_tools_list_s": {"median": statistics.median(starts), "max": max(starts), "runs": starts},
        "memory": measured["memory"],
        "same_top10_mcp_api_cli": f"{len(same)}/{len(queries)}",
        "different_top10": [q for q in queries if q not in same],
    }
    print(json.dumps(result, indent=1, ensure_ascii=False))
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
