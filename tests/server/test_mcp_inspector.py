"""The MCP Inspector's CLI (`npx @modelcontextprotocol/inspector --cli`, from npm), a client no one here
wrote, lists the tools of `cli.py mcp` and calls `search` (issue #22).

Marked `npm`: it runs in CI, where npx must be able to fetch the Inspector (the test fails there
if it cannot); elsewhere, without npx or the npm registry, it is skipped with the reason."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.support.paths import REPO, in_ci
from tests.support.mcp_harness import build, cli_command, server_env

INSPECTOR = "@modelcontextprotocol/inspector"
pytestmark = pytest.mark.npm


def inspector(library, *method: str) -> dict:
    npx = shutil.which("npx")
    if npx is None:
        unavailable("npx is not installed")
    env = server_env()
    command = [npx, "-y", INSPECTOR, "--cli"]
    for name in ("PYTHONPATH", "PAPERSEARCH_MODEL"):
        command += ["-e", f"{name}={env[name]}"]
    command += [*cli_command("mcp", "--library", library), *method]
    try:
        result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        unavailable("npx did not finish within 300 s")
    if result.returncode != 0 and ("npm" in result.stderr and ("ERR" in result.stderr or "fetch" in result.stderr)):
        unavailable(f"npx could not fetch {INSPECTOR}: {result.stderr[-500:]}")
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} (CI must run the MCP Inspector)")
    pytest.skip(reason)


def test_the_inspector_lists_the_tools_and_calls_search(small_library):
    build(small_library)
    listed = inspector(small_library, "--method", "tools/list")
    tools = {tool["name"]: tool for tool in listed["tools"]}
    assert set(tools) == {"search", "similar", "find_source", "get", "status"}
    assert tools["search"]["inputSchema"]["properties"]["k"]["type"] == "integer"
    called = inspector(small_library, "--method", "tools/call", "--tool-name", "search",
                       "--tool-arg", "query=deformable convolution offsets", "--tool-arg", "k=2")
    assert not called.get("isError")
    results = called["structuredContent"]["results"]
    assert results[0]["path"] == "notes/alignment.md" and len(results) == 2
    assert json.loads(called["content"][0]["text"]) == called["structuredContent"]
