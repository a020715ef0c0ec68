"""Run `cli.py mcp` / `cli.py serve` as real subprocesses with the fake model, and talk to them
with real clients: the `mcp` SDK's own `Client` (stdio, Streamable HTTP) and plain HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import asynccontextmanager
from pathlib import Path

from mcp import Client
from mcp.client.stdio import StdioServerParameters

from library import Library
from tests.support.paths import REPO
from tests.support.fakes import FakeEmbedder

FAKE_MODEL = "fake-hash-64"
# As tests/test_watch.py runs the CLI: fake-* model names registered, then the real command line.
CLI_WITH_FAKES = (
    "import sys, cli; from tests.support.fakes import register_fake_models; register_fake_models(); "
    "cli.main(args=sys.argv[1:], prog_name='cli.py')"
)


def server_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", "PAPERSEARCH_MODEL": FAKE_MODEL, **extra}
    for name in ("PAPERSEARCH_INDEX", "PAPERSEARCH_STORE", "PAPERSEARCH_TOKEN", "PAPERSEARCH_PAGE_URL"):
        if name not in extra:
            env.pop(name, None)
    return env


def cli_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-c", CLI_WITH_FAKES, *map(str, args)]


def build(library: Path) -> str:
    """Build (or update) the library's index with the fake model, in this process; the build id."""
    lib = Library(library)
    lib.update(model=FAKE_MODEL, load_embedder=lambda name: FakeEmbedder(name))
    return lib.build_id()


def stdio_params(library: Path, *extra: str, **env: str) -> StdioServerParameters:
    command = cli_command("mcp", "--library", library, *extra)
    return StdioServerParameters(command=command[0], args=command[1:], env=server_env(**env), cwd=str(REPO))


@asynccontextmanager
async def stdio_client(library: Path, *extra: str, **env: str):
    async with Client(stdio_params(library, *extra, **env), read_timeout_seconds=60) as client:
        yield client


async def call(client: Client, tool: str, arguments: dict) -> tuple[bool, dict | str]:
    """(is_error, the structured answer or the error text)."""
    result = await client.call_tool(tool, arguments)
    if result.is_error:
        return True, "\n".join(getattr(block, "text", "") for block in result.content)
    assert json.loads(result.content[0].text) == result.structured_content  # the text is the same JSON
    return False, result.structured_content


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HttpServer:
    """`cli.py serve` on a free port, until stop()."""

    def __init__(self, library: Path, *extra: str, **env: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            cli_command("serve", "--library", library, "--port", str(self.port), *extra),
            cwd=REPO, env=server_env(**env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited: {self.process.stderr.read()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError("serve did not start listening within 60 s")

    def get(self, path: str, headers: dict | None = None, method: str = "GET", body: bytes | None = None):
        """(status, JSON or text body) of one request."""
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, data = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, data = error.code, error.read()
        try:
            return status, json.loads(data)
        except ValueError:
            return status, data.decode("utf-8", "replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
