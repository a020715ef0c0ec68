"""L6/L8: Milvus Lite's failures reach the command line as one `Error:` line naming the real cause,
with none of the 20-40-line tracebacks that pymilvus, Milvus Lite and gRPC log to stderr: a year
filter beyond INT64, a damaged aliases.json, a truncated segment, and a Lite file another process
has open ("open in another process", not "Cannot reach Milvus ... Start it")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from index import StoreUnavailableError
from tests.support.paths import REPO

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Milvus Lite")


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPERSEARCH_", "GRPC_", "GLOG_"))}
    return subprocess.run([sys.executable, "-m", "tests.support.with_fake_model", "cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def built_lite(tmp_path_factory, request):
    base = tmp_path_factory.mktemp("lite")
    library = base / "library"
    shutil.copytree(REPO / "demo", library, ignore=shutil.ignore_patterns(".papersearch"))
    store = base / "good" / "papers.db"
    result = _cli("build", "--library", str(library), "--index", str(base / "index"), "--store", f"milvus:{store}",
                  "--model", "fake-hash-64")
    assert result.returncode == 0, result.stderr
    return library, base / "index", store


@pytest.fixture
def lite_copy(built_lite, tmp_path):
    library, index, store = built_lite
    copy = tmp_path / "copy" / "papers.db"
    shutil.copytree(store, copy)
    return library, index, copy


def _search(lite, *extra: str) -> subprocess.CompletedProcess:
    library, index, store = lite
    return _cli("search", "deformable alignment", "--library", str(library), "--index", str(index),
                "--store", f"milvus:{store}", *extra)


def _single_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def test_the_copy_answers(lite_copy):
    result = _search(lite_copy)
    assert result.returncode == 0 and result.stdout.strip(), result.stderr
    assert not result.stderr.strip(), result.stderr  # no log noise on a good search either


@pytest.mark.parametrize("option, year, matches", [("--year-from", "99999999999999999999", False),
                                                    ("--year-to", "-99999999999999999999", False),
                                                    ("--year-from", "99999999999", False),
                                                    ("--year-from", "-99999999999999999999", True)])
def test_a_year_beyond_int64_filters_as_the_file_store_does_not_a_traceback(lite_copy, option, year, matches):
    result = _search(lite_copy, option, year)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    if matches:  # every paper with a year is from after -10**20
        assert result.stdout.strip() and not result.stderr.strip(), result.stderr
    else:
        assert "passes the filters" in result.stderr


def test_a_damaged_aliases_file_is_called_damaged_in_one_line(lite_copy):
    (lite_copy[2] / "aliases.json").write_text('{"aliases": {"papersearch_a3', encoding="utf-8")
    line = _single_error_line(_search(lite_copy))
    assert f"The Milvus Lite file {lite_copy[2]} is damaged" in line and "build again" in line
    assert "Start it" not in line and "Cannot reach" not in line


def test_a_truncated_segment_is_called_damaged_in_one_line(lite_copy):
    segments = list(lite_copy[2].glob("collections/*/partitions/*/data/*.parquet"))
    assert segments
    for segment in segments:
        with open(segment, "r+b") as handle:
            handle.truncate(100)
    line = _single_error_line(_search(lite_copy))
    assert "is damaged" in line and "build again" in line


def test_a_file_open_in_another_process_says_so_in_one_line(lite_copy):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pymilvus import MilvusClient\n"
         f"MilvusClient(uri={str(lite_copy[2])!r}).list_aliases()\nprint('held', flush=True)\ntime.sleep(120)"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        line = _single_error_line(_search(lite_copy))
        assert time.monotonic() - started < 60
    finally:
        holder.kill()
        holder.wait()
    assert "is open in another process" in line and "Stop the other process" in line
    assert "Start it" not in line and "Cannot reach" not in line


def test_the_error_carries_its_cause_as_fields():
    locked = StoreUnavailableError("/x/papers.db", "Open local milvus failed", locked=True)
    damaged = StoreUnavailableError("/x/papers.db", "bad json", damaged=True)
    assert (locked.locked, locked.damaged, damaged.damaged, damaged.detail) == (True, False, True, "bad json")
    assert "another process" in str(locked) and "damaged (bad json)" in str(damaged)
