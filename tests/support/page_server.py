"""`streamlit run app.py` on a free 127.0.0.1 port, for the browser tests and the load harness."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.paths import REPO

START_TIMEOUT = 120  # seconds until /_stcore/health answers "ok"


class ServerFailure(AssertionError):
    """The page server exited or never became healthy; the message holds its log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


FAKE_MODEL = "fake-hash-64"  # a fake embedder's name (tests/support/with_fake_model.py)


@contextmanager
def fake_model_page(library: Path, tmp_path: Path, extra: dict[str, str] | None = None) -> Iterator[str]:
    """The page over `library` with the fake embedder, its index and log in `tmp_path`; `extra` adds
    settings (a Zotero folder, the build gate, the opener ...). Yields the URL."""
    env = {**os.environ, "PAPERSEARCH_LIBRARY": str(library), "PAPERSEARCH_INDEX": str(tmp_path / "index"),
           "PAPERSEARCH_MODEL": FAKE_MODEL, **(extra or {})}
    with page_server(env, tmp_path / "streamlit.log", fake_model=True) as url:
        yield url


@contextmanager
def page_server(env: dict[str, str], log: Path, fake_model: bool = False) -> Iterator[str]:
    """Serve the page with `env` (PAPERSEARCH_LIBRARY, PAPERSEARCH_INDEX, ...) and yield its URL;
    with `fake_model`, through tests/support/with_fake_model.py. Stopped (terminate, then kill) on exit."""
    launcher = [sys.executable, "-m", "tests.support.with_fake_model", "streamlit"] if fake_model else [
        sys.executable, "-m", "streamlit"]
    port = free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*launcher, "run", "page.py", "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--server.enableStaticServing", "true"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(server, url, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_healthy(server: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServerFailure(f"streamlit exited with code {server.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise ServerFailure(f"streamlit not healthy after {START_TIMEOUT} s:\n{log.read_text(errors='replace')}")
