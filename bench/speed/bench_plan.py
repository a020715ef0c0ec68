"""How long planning an update takes on a big library when nothing (or one file) changed.

A plan used to hash every file of the library; now it takes a file's recorded hash while its
size and modification time are the same (index/planner.py). This times `plan_build` on a
generated library (bench/big_library) three ways, in one run: every file hashed (no manifest
with times: the first plan after an older build), a no-op (all times recorded), and one file
touched (its time changed, its bytes not: hashed again, still a no-op).

    .venv/bin/python -m bench.speed.bench_plan --library /tmp/biglib_10000 [--json-out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from dataclasses import replace
from pathlib import Path

from bench.common import RESULTS, machine, shown
from corpus import ChunkSettings
from index import Manifest, plan_build
from index.manifest import FileRecord

MODEL = "multilingual-e5-small"


def _timed(library: Path, manifest: Manifest | None, rounds: int) -> tuple[float, object]:
    times, plan = [], None
    for _ in range(rounds):
        began = time.perf_counter()
        plan = plan_build(library, manifest, MODEL, ChunkSettings())
        times.append(time.perf_counter() - began)
    return statistics.median(times), plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json-out", type=Path, default=RESULTS / "plan.json")
    args = parser.parse_args()

    first, plan = _timed(args.library, None, 1)  # hashes every file, records their times
    records = {path: FileRecord(plan.hashes[path], "pdf", path, 1, *plan.stats[path]) for path in plan.files}
    manifest = Manifest(model=MODEL, dimension=384, chunk_settings=ChunkSettings().as_dict(), files=records)
    without_times = replace(manifest, files={p: replace(r, size=-1, mtime_ns=-1) for p, r in records.items()})
    hashed_all, _ = _timed(args.library, without_times, args.rounds)
    noop, noop_plan = _timed(args.library, manifest, args.rounds)
    touched = sorted(plan.files)[len(plan.files) // 2]
    os.utime(plan.files[touched])  # a new time, the same bytes
    time.sleep(2.1)  # past the two seconds a fresh time is not trusted
    one_touched, touched_plan = _timed(args.library, manifest, args.rounds)
    result = {
        "library": shown(args.library), "files": len(plan.files), "machine": machine(), "load": os.getloadavg(),
        "first_plan_seconds": round(first, 3), "every_file_hashed_seconds": round(hashed_all, 3),
        "noop_seconds": round(noop, 3), "noop_is_noop": noop_plan.is_noop,
        "one_touched_seconds": round(one_touched, 3), "one_touched_is_noop": touched_plan.is_noop,
        "rounds": args.rounds,
    }
    args.json_out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
