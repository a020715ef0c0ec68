"""One-shot `cli.py search` wall time and peak RSS, a Chinese query (which loads the USE companion on
top of e5) and an English one (e5 only), before and after a change, in one run.

"before" is the tree of `--before` (a commit; default: the parent of the first USE-cache commit)
exported with `git archive` into a temporary folder (no worktree); "after" is this checkout. Runs
interleave (before zh, after zh, before en, after en, ...) so a busy machine weighs on both alike;
each is `/usr/bin/time -f "%e %U %S %M"` (wall, user + system CPU: the figure a busy machine
disturbs least, peak RSS), and the first result lines of both trees must agree.

    PAPERSEARCH_CACHE=... .venv/bin/python -m bench.speed.bench_one_shot_cli \\
        --library LIB --index INDEX [--runs 5] [--before COMMIT]

The library and index are only read. One untimed warm-up run per tree and query fills the page
cache and (after) the model cache.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from bench.common import REPO, RESULTS, machine, write_json

QUERIES = {"zh": "非对齐特征融合", "en": "unaligned feature fusion"}


def _export(commit: str, folder: Path) -> None:
    archive = subprocess.run(["git", "archive", commit], cwd=REPO, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")


def _run(tree: Path, query: str, library: str, index: str, k: int) -> tuple[float, float, int, str]:
    command = ["/usr/bin/time", "-f", "%e %U %S %M", sys.executable, "cli.py", "search", query,
               "--library", library, "--index", index, "-k", str(k)]
    done = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=True)
    seconds, user, system, kilobytes = done.stderr.strip().splitlines()[-1].split()
    return float(seconds), round(float(user) + float(system), 2), int(kilobytes), done.stdout


def _summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True)
    parser.add_argument("--index", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("-k", type=int, default=3)
    parser.add_argument("--before", default="9f9770e")
    parser.add_argument("--out", default=str(RESULTS / "one_shot_cli.json"))
    args = parser.parse_args()
    library, index = os.path.abspath(args.library), os.path.abspath(args.index)
    with tempfile.TemporaryDirectory(prefix="one_shot_before.") as temp:
        trees = {"before": Path(temp), "after": REPO}
        _export(args.before, trees["before"])
        figures: dict = {side: {lang: {"seconds": [], "cpu_seconds": [], "peak_rss_kb": []} for lang in QUERIES} for side in trees}
        outputs: dict = {}
        for side, tree in trees.items():  # warm-up, and the results to compare
            for lang, query in QUERIES.items():
                outputs[side, lang] = _run(tree, query, library, index, args.k)[3]
        for _ in range(args.runs):
            for lang, query in QUERIES.items():
                for side, tree in trees.items():
                    seconds, cpu, kilobytes, _out = _run(tree, query, library, index, args.k)
                    figures[side][lang]["seconds"].append(seconds)
                    figures[side][lang]["cpu_seconds"].append(cpu)
                    figures[side][lang]["peak_rss_kb"].append(kilobytes)
                    print(f"{side:6} {lang} {seconds:5.2f} s wall {cpu:5.2f} s CPU {kilobytes} KB", flush=True)
    same = {lang: outputs["before", lang] == outputs["after", lang] for lang in QUERIES}
    result = {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "load_average": os.getloadavg(),
        "command": 'cli.py search QUERY --library LIB --index INDEX -k 3 under /usr/bin/time -f "%e %U %S %M"',
        "queries": QUERIES,
        "before": args.before,
        "after": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                text=True).stdout.strip(),
        "same_results": same,
        "figures": {side: {lang: {key: _summary(values) for key, values in per.items()}
                           for lang, per in langs.items()} for side, langs in figures.items()},
    }
    write_json(Path(args.out), result)
    for side in figures:
        for lang in QUERIES:
            summary = result["figures"][side][lang]
            print(f"{side:6} {lang}: median {summary['seconds']['median']:.2f} s "
                  f"(min {summary['seconds']['min']:.2f}), CPU median {summary['cpu_seconds']['median']:.2f} s, peak RSS median {summary['peak_rss_kb']['median'] / 1024:.0f} MB")
    print("same results:", same)


if __name__ == "__main__":
    main()
