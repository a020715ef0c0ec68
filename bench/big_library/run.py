"""The big-library harness of issue #23: cold build, time to first search, kill -9 and resume,
no-op update, adding 10 PDFs, search latency during a rebuild, all through `cli.py` processes.

    .venv/bin/python -m bench.big_library.run --library /tmp/biglib_1000 --index /tmp/biglib_1000_idx \\
        [--only cold,first_search,kill,noop,add1,add10,latency,model_rss,same_as_reference]
        [--fake-model fake-hash-384] [--reference-index OTHER_INDEX]

--fake-model builds and searches with the hash fake embedder registered as a plugin
(tests/support/with_fake_model.py): what a build costs besides the model (memory, planning,
reading, BM25, writing), at sizes where the real model would embed for hours.

The library is one made by bench/big_library/generate.py (its queries.jsonl is read). Results go
to bench/results/big_library_<files>.json; a run of some measurements keeps the others' last
results there. Each entry records the machine's load average before and after it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.big_library import procs
from bench.big_library.measure import MEASUREMENTS, Context, NotSupported
from bench.common import RESULTS, machine, shown, write_json


def run(ctx: Context, names: list[str], out: Path) -> dict:
    results = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    results.update({"library": shown(ctx.library), "machine": machine(), "cli": " ".join(procs.command_shown() + procs.MODEL_ARGS)})
    for name in names:
        print(f"[{time.strftime('%H:%M:%S')}] {name} ...", file=sys.stderr, flush=True)
        before, started = procs.load_average(), time.strftime("%Y-%m-%d %H:%M")
        try:
            entry = MEASUREMENTS[name](ctx)
        except NotSupported as why:
            entry = {"status": "not supported", "why": str(why)}
        except Exception as error:  # noqa: BLE001 — one measurement failing must not lose the others
            entry = {"status": "error", "error": f"{type(error).__name__}: {error}"}
        results[name] = {**entry, "run_at": started, "load_before": before, "load_after": procs.load_average()}
        write_json(out, results)
        print(json.dumps({name: results[name]}, ensure_ascii=False)[:2000], file=sys.stderr, flush=True)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", type=Path, required=True, help="A generated library (with queries.jsonl).")
    parser.add_argument("--index", type=Path, required=True, help="The reference index folder (cold rebuilds it).")
    parser.add_argument("--only", default=",".join(MEASUREMENTS), help="Comma-separated: " + ",".join(MEASUREMENTS))
    parser.add_argument("--poll", type=float, default=5.0, help="Seconds between searches in first_search.")
    parser.add_argument("--fake-model", default=None, metavar="fake-NAME",
                        help="Build and search with the hash fake embedder (no model cost: memory, planning, reading).")
    parser.add_argument("--reference-index", type=Path, default=None,
                        help="For same_as_reference: an index of the same library to compare with.")
    parser.add_argument("--kill-at", default="0.25,0.5,0.9", help="Shares of the embedding at which kill stops a build.")
    parser.add_argument("--json-out", type=Path, default=None,
                        help="Default: bench/results/big_library_<files>.json (_fake.json with --fake-model)")
    args = parser.parse_args(argv)
    if args.fake_model is not None:
        if not args.fake_model.startswith("fake-"):
            parser.error("--fake-model takes a name starting with fake-, e.g. fake-hash-384")
        procs.use_fake_model(args.fake_model)
    names = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(names) - set(MEASUREMENTS)
    if unknown:
        parser.error(f"unknown measurement(s): {', '.join(sorted(unknown))}")
    queries_file = args.library / "queries.jsonl"
    if not queries_file.is_file():
        parser.error(f"{queries_file} not found: generate the library with bench.big_library.generate")
    queries = [json.loads(line) for line in queries_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    summary = json.loads((args.library / "library.json").read_text(encoding="utf-8"))
    out = args.json_out or RESULTS / f"big_library_{summary['files']}{'_fake' if args.fake_model else ''}.json"
    with tempfile.TemporaryDirectory(prefix="biglib-bench-") as work:
        ctx = Context(args.library, args.index, queries, Path(work), args.poll, summary.get("seed", 0),
                      args.reference_index, tuple(float(share) for share in args.kill_at.split(",")))
        run(ctx, names, out)
    print(f"Wrote {shown(out)}")


if __name__ == "__main__":
    main()
