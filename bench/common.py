"""What the bench scripts share: where things are, the machine they ran on, timing, results JSON.

Every script runs as a module from the repo root (``.venv/bin/python -m bench.speed.bench_scale``),
so the repo root is on ``sys.path`` and the scripts import the packages directly.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
RESULTS = BENCH / "results"
QUALITY = BENCH / "quality"
SHARED_DATA = REPO.parent / "shared" / "data"


def shown(path: Path) -> str:
    """A path as results record it: relative to the repo root when it can be (``../shared/data``),
    so no machine's absolute path lands in a committed result."""
    path = Path(path).resolve()
    try:
        return os.path.relpath(path, REPO)
    except ValueError:  # another drive (Windows)
        return str(path)


def machine() -> str:
    """One line naming the machine: processor, cores, Python."""
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


@contextmanager
def stopwatch() -> Iterator[dict[str, float]]:
    """``with stopwatch() as t: ...`` then ``t["seconds"]``: wall-clock seconds of the block."""
    timing = {"seconds": 0.0}
    started = time.perf_counter()
    try:
        yield timing
    finally:
        timing["seconds"] = time.perf_counter() - started


def write_json(path: Path, data: object, *, indent: int = 1) -> None:
    """Writes a result as UTF-8 JSON (non-ASCII kept readable), creating its folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")


def file_run(ranked, paths: list[str], files: int = 100) -> dict[str, float]:
    """A passage ranking as trec_eval's file run: a file's first passage places it, score falling with rank."""
    run: dict[str, float] = {}
    for row, _ in ranked:
        if paths[row] not in run:
            run[paths[row]] = float(files - len(run))
            if len(run) == files:
                break
    return run or {"(none)": 0.0}


def gold_queries(*gold_files: Path) -> list[dict]:
    """The lines of graded gold files, each with an "id" (file stem and position) and its "set"."""
    queries = []
    for gold in gold_files:
        for line in gold.read_text(encoding="utf-8").splitlines():
            if line.strip():
                queries.append({**json.loads(line), "id": f"{gold.stem}:{len(queries)}", "set": gold.stem})
    return queries


def alternating(names: Sequence[str], number: int) -> list[str]:
    """The order of run `number`: `names` forwards when it is even, backwards when odd (A B, B A,
    ...), so that no variant always runs first on a machine whose load drifts."""
    return list(names) if number % 2 == 0 else list(reversed(names))


def interleaved(names: Sequence[str], rounds: int) -> list[tuple[int, str]]:
    """(round, name) in the order they run: A B C, C B A, A B C, ..."""
    return [(number, name) for number in range(rounds) for name in alternating(names, number)]
