"""Cold build of the shared library by two code trees, interleaved in one run (A B, B A, ...).

bench_cold_build times one tree's engines from inside; this compares two commits of the product as a
user runs them: each build is `python cli.py build` of that tree (its own process, cwd the tree,
the default model), on a fresh copy of ../shared/data/{notes,pdfs}, into a fresh index folder,
with a fresh cache whose models/ is the warm model cache (so OCR runs every time). Measured from
outside: wall time, CPU time and peak RSS (os.wait4), and the load average around each build.

    nice -n 5 .venv/bin/python -m bench.speed.bench_cold_build_ab --tree before=../baseline --tree after=. \\
        [--rounds 2] [--together] [--keep DIR] [--json-out FILE]

A tree is a checkout of the repo (a `git worktree` of an older commit, say) using the same .venv.
`--keep DIR` keeps each build's library copy and index, e.g. for bench_query_latency_ab.
Rounds alternate the order (A B, B A, ...); `--together` starts a round's builds at the same
moment instead, so on a busy shared machine both see the same load (CPU time is the steadier figure). Exits 0 with "SKIP" without ../shared/data.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import RESULTS, SHARED_DATA, alternating, machine, shown, write_json

DEFAULT_JSON = RESULTS / "cold_build_ab.json"


def start_build(tree: Path, work: Path, label: str, round_no: int) -> dict:
    """Starts one `cli.py build` of `tree` on a fresh library copy, fresh index and fresh cache."""
    run = work / f"{label}-{round_no}"
    library = run / "library"
    for part in ("notes", "pdfs"):
        shutil.copytree(SHARED_DATA / part, library / part)
    cache = run / "cache"
    cache.mkdir()
    models = Path(os.environ.get("PAPERSEARCH_CACHE", Path.home() / ".cache" / "papersearch")).expanduser() / "models"
    (cache / "models").symlink_to(models, target_is_directory=True)
    env = {**os.environ, "PAPERSEARCH_CACHE": str(cache)}
    env.pop("PYTHONPATH", None)
    log = open(run / "build.log", "wb")
    child = subprocess.Popen([sys.executable, "cli.py", "build", "--library", str(library), "--index", str(run / "index")],
                             cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT)
    return {"tree": label, "round": round_no, "run": run, "child": child, "log": log,
            "started": time.perf_counter(), "load_before": os.getloadavg()}


def finish_builds(started: list[dict]) -> list[dict]:
    """Waits for started builds, in the order they end: each one's wall time, CPU time and peak RSS
    (os.wait4: that child alone)."""
    by_pid = {build["child"].pid: build for build in started}
    finished = []
    while by_pid:
        pid, status, usage = os.wait4(-1, 0)
        if pid in by_pid:
            finished.append(finished_build(by_pid.pop(pid), status, usage, time.perf_counter()))
    return finished


def finished_build(build: dict, status: int, usage, ended: float) -> dict:
    wall = ended - build["started"]
    build["log"].close()
    code = os.waitstatus_to_exitcode(status)
    build["child"].returncode = code
    run = build["run"]
    if code != 0:
        raise SystemExit(f"{build['tree']} build failed ({code}):\n{(run / 'build.log').read_text(errors='replace')[-2000:]}")
    return {
        "tree": build["tree"],
        "round": build["round"],
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        **index_size(run / "index"),
        "load_before": [round(x, 2) for x in build["load_before"]],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "run_dir": run.name,
    }


def index_size(index: Path) -> dict:
    """Files, chunks and model from the build's manifest (its place differs between commits)."""
    manifests = sorted(index.rglob("manifest.json"), key=lambda p: p.stat().st_mtime)
    if not manifests:
        return {}
    manifest = json.loads(manifests[-1].read_text(encoding="utf-8"))
    files = manifest.get("files", {})
    return {
        "model": manifest.get("model"),
        "companion": manifest.get("companion_model", ""),
        "files": len(files),
        "chunks": sum(record.get("chunks", 0) for record in files.values()) if isinstance(files, dict) else None,
    }


def summary(rows: list[dict], labels: list[str]) -> dict:
    out = {}
    for label in labels:
        mine = [row for row in rows if row["tree"] == label]
        out[label] = {key: round(statistics.median(row[key] for row in mine), 1) for key in ("wall_s", "cpu_s", "peak_rss_mib")}
        out[label]["runs"] = len(mine)
    first, last = labels[0], labels[-1]
    out[f"{last}_over_{first}"] = {key: round(out[last][key] / out[first][key], 3) for key in ("wall_s", "cpu_s", "peak_rss_mib")}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", action="append", required=True, metavar="LABEL=DIR",
                        help="A code tree to build with, twice or more; the first is the reference.")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="Work in this (new) folder and keep every build's library and index.")
    parser.add_argument("--together", action="store_true",
                        help="Start each round's builds at the same moment (on a busy shared machine both see the same load).")
    parser.add_argument("--json-out", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args()
    trees = dict(spec.split("=", 1) for spec in args.tree)
    trees = {label: Path(path).resolve() for label, path in trees.items()}
    if not (SHARED_DATA / "notes").is_dir() or not (SHARED_DATA / "pdfs").is_dir():
        print(f"SKIP: {SHARED_DATA} has no notes/ and pdfs/")
        return
    if args.keep:
        args.keep.mkdir(parents=True)
    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="cold-build-ab-"))
    commits = {label: subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=tree, capture_output=True,
                                     text=True).stdout.strip() for label, tree in trees.items()}
    rows: list[dict] = []
    command = ("nice -n 5 .venv/bin/python -m bench.speed.bench_cold_build_ab "
               + " ".join(f"--tree {label}={shown(tree)}" for label, tree in trees.items())
               + f" --rounds {args.rounds}" + (" --together" if args.together else ""))

    def report() -> dict:
        out = {
            "date": time.strftime("%Y-%m-%d %H:%M %Z"),
            "machine": machine(),
            "command": command,
            "together": args.together,
            "commits": commits,
            "data": shown(SHARED_DATA),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "runs": rows,
        }
        if {row["tree"] for row in rows} == set(trees):
            out["median"] = summary(rows, list(trees))
        write_json(args.json_out, out)  # after every build: a cut-short run keeps what it measured
        return out

    try:
        for round_no in range(1, args.rounds + 1):
            order = alternating(list(trees), round_no - 1)  # A B, then B A
            if args.together:  # all trees at once: each sees the same machine
                started = [start_build(trees[label], work, label, round_no) for label in order]
                finished = finish_builds(started)
            else:
                finished = [finish_builds([start_build(trees[label], work, label, round_no)])[0] for label in order]
            for row in finished:
                if not args.keep:
                    shutil.rmtree(work / row["run_dir"])
                rows.append(row)
                print(json.dumps(row), flush=True)
                out = report()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    write_json(args.json_out, out)
    print(json.dumps(out["median"], indent=1))
    print(f"wrote {args.json_out}")


if __name__ == "__main__":
    main()
