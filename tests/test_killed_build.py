"""A build killed with SIGKILL halfway through writing leaves the old index loadable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from index import Library
from tests.conftest import REPO
from tests.fakes import FakeEmbedder

CHILD = """
import sys, time
from pathlib import Path
import index.store as store
from index import Library
from tests.fakes import FakeEmbedder

library, marker = Path(sys.argv[1]), Path(sys.argv[2])
real_write = store.faiss.write_index

def write_then_hang(*args):
    real_write(*args)          # the new vectors are on disk in the staging folder...
    marker.write_text("writing")
    time.sleep(60)             # ...and the process dies here

store.faiss.write_index = write_then_hang
lib = Library(library)
embedder = FakeEmbedder()
lib.build(lib.plan(embedder.name), embedder)
"""


def test_sigkill_during_write_keeps_old_index(small_library, tmp_path):
    lib = Library(small_library)
    embedder = FakeEmbedder()
    lib.build(lib.plan(embedder.name), embedder)
    before = lib.load().chunks
    (small_library / "notes" / "late.md").write_text("# Late\n\nadded after the first build\n")

    marker = tmp_path / "marker"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(small_library), str(marker)],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert child.poll() is None, "child build exited before reaching the write"
        assert time.monotonic() < deadline, "child build never reached the write"
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()

    leftovers = [p for p in (lib.index_dir / "builds").iterdir() if p.name.startswith(".tmp")]
    assert leftovers, "the kill should have left a half-written staging folder"
    assert lib.load().chunks.equals(before)

    report = lib.build(lib.plan(embedder.name), FakeEmbedder())
    assert "notes/late.md" in set(lib.load().chunks["path"]) and report.wrote_index
    assert not [p for p in (lib.index_dir / "builds").iterdir() if p.name.startswith(".tmp")]
