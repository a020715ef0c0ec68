"""Warm hybrid query latency of two code trees, interleaved query by query in one run.

Each tree answers in its own process (bench/speed/latency_worker.py, working directory the tree)
from its own already-built index of the same library, e.g. the indexes bench_cold_build_ab --keep
leaves. Queries: the Chinese ones of gold_dev_zh.jsonl, the English ones of gold_dev_blind.jsonl
and the mixed ones of gold_dev_zh.jsonl, shuffled once (seeded) and sent to the trees in
alternating order; every tree first answers a warm-up of each language (a Chinese query may load a
second encoder). The time is Searcher.search's, measured inside the worker (no pipe overhead).

    nice -n 5 .venv/bin/python -m bench.speed.bench_query_latency_ab \\
        --tree before=../baseline:LIB_A:INDEX_A --tree after=.:LIB_B:INDEX_B [--rounds 2] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import QUALITY, RESULTS, alternating, machine, shown, write_json

DEFAULT_JSON = RESULTS / "query_latency_ab.json"
WORKER = Path(__file__).resolve().parent / "latency_worker.py"
GROUPS = {"zh": ("gold_dev_zh.jsonl", "zh"), "en": ("gold_dev_blind.jsonl", "en"), "mixed": ("gold_dev_zh.jsonl", "mixed")}


class Worker:
    def __init__(self, tree: Path, library: Path, index: Path):
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        self.process = subprocess.Popen([sys.executable, str(WORKER), str(library), str(index)], cwd=tree, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")
        if json.loads(self.process.stdout.readline() or "{}").get("ready") is not True:
            raise SystemExit(f"the worker of {tree} did not start")

    def ask(self, query: str) -> dict:
        self.process.stdin.write(json.dumps({"query": query, "mode": "hybrid"}, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("a worker died")
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def queries() -> list[tuple[str, str]]:
    out = []
    for group, (name, lang) in GROUPS.items():
        for line in (QUALITY / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and json.loads(line).get("lang") == lang:
                out.append((group, json.loads(line)["query"]))
    random.Random(20).shuffle(out)
    return out


def percentiles(samples: list[float]) -> dict:
    return {"n": len(samples), "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(statistics.quantiles(samples, n=20, method="inclusive")[-1], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", action="append", required=True, metavar="LABEL=TREE:LIBRARY:INDEX")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json-out", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args()
    specs = {}
    for spec in args.tree:
        label, paths = spec.split("=", 1)
        specs[label] = [Path(part).resolve() for part in paths.split(":")]
    asked = queries()
    load_start = os.getloadavg()
    workers = {label: Worker(*paths) for label, paths in specs.items()}
    try:
        for worker in workers.values():  # warm: both languages, the first queries of each group
            for group in GROUPS:
                for query in [q for g, q in asked if g == group][:3]:
                    worker.ask(query)
        times = {label: {group: [] for group in GROUPS} for label in workers}
        agree = {group: [0, 0] for group in GROUPS}
        labels = list(workers)
        for round_no in range(args.rounds):
            for n, (group, query) in enumerate(asked):
                order = alternating(labels, n + round_no)
                answers = {label: workers[label].ask(query) for label in order}
                for label, answer in answers.items():
                    times[label][group].append(answer["ms"])
                if round_no == 0:
                    agree[group][0] += len({a["top"] for a in answers.values()}) == 1
                    agree[group][1] += 1
    finally:
        for worker in workers.values():
            worker.close()
    first, last = labels[0], labels[-1]
    result = {label: {group: percentiles(samples) for group, samples in per.items()} for label, per in times.items()}
    ratios = {group: {key: round(result[last][group][key] / result[first][group][key], 3) for key in ("p50_ms", "p95_ms")}
              for group in GROUPS}
    out = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "command": "nice -n 5 .venv/bin/python -m bench.speed.bench_query_latency_ab "
                   + " ".join(f"--tree {label}={shown(paths[0])}:LIB:INDEX" for label, paths in specs.items())
                   + f" --rounds {args.rounds}",
        "commits": {label: subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=paths[0], capture_output=True,
                                          text=True).stdout.strip() for label, paths in specs.items()},
        "mode": "hybrid, k=10, Searcher.search, warm",
        "rounds": args.rounds,
        "load_average_at_start": [round(x, 2) for x in load_start],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "latency": result,
        f"{last}_over_{first}": ratios,
        "same_top_hit_share": {group: round(a / max(n, 1), 3) for group, (a, n) in agree.items()},
    }
    write_json(args.json_out, out)
    print(json.dumps({k: out[k] for k in ("latency", f"{last}_over_{first}", "same_top_hit_share")}, indent=1))
    print(f"wrote {args.json_out}")


if __name__ == "__main__":
    main()
