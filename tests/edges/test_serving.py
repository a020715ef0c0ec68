"""The page is served to this machine only unless the user opens it on purpose."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.paths import REPO

pytestmark = pytest.mark.slow


def listening_addresses(port: int) -> set[str]:
    """IPv4 addresses with a socket listening on `port`, from the kernel's own table."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            found.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


@pytest.mark.parametrize(("address", "expected"), [(None, {"127.0.0.1"}), ("0.0.0.0", {"0.0.0.0"})])
def test_run_demo_listens_on_loopback_unless_opened(tmp_path, address, expected):
    from tests.support.page_server import free_port

    port = free_port()
    env = {**os.environ, "PAPERSEARCH_LIBRARY": str(tmp_path)}
    env.pop("PAPERSEARCH_ADDRESS", None)
    if address:
        env["PAPERSEARCH_ADDRESS"] = address
    server = subprocess.Popen(
        ["bash", "scripts/run-demo.sh", "--server.port", str(port), "--server.headless", "true"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not listening_addresses(port) and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.5)
        assert listening_addresses(port) == expected
    finally:
        server.terminate()
        server.wait(timeout=30)
