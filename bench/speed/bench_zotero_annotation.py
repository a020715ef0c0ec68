"""One new Zotero annotation (#25): the time to bring the index of the fixture's Zotero library up
to date after it, against the time to index that one annotation alone. Target: incremental <=
alone + 1 s.

    .venv/bin/python -m bench.speed.bench_zotero_annotation [--model M] [--rounds 3] [--json-out bench/results/zotero_annotation.json]

The Zotero 10 data folder of tests/support/zotero_fixture.py (4 shared PDFs, notes, annotations,
WAL open) is built and indexed once. Each round writes one more highlight into it as Zotero does
(a transaction left in the WAL), then times:
  incremental  Library(zotero=...).update() on the whole library: snapshot of the database,
               plan (hashes of what changed), read and embed the new annotation, write the index
  alone        the same update into an empty index whose library is that one annotation (the
               snapshot and plan as above, everything else of the data folder left out)
The model (and its second encoder) is loaded once before timing, as in `watch` or the page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import library.library as library_module
from bench.common import machine, write_json
from embed import registry
from library import Library
from library.zotero_source import ENV_HOME
from tests.support.zotero_fixture import add_annotation, build_zotero_data_dir, shared_pdfs

_real_extra = library_module.zotero_extra


def only(name: str):
    """zotero_extra narrowed to one document (the annotation indexed alone)."""
    def extra(data_dir, previous):
        found = _real_extra(data_dir, previous)
        return replace(found, files={}, documents={name: found.documents[name]}, hashes={name: found.hashes[name]},
                       problems={}, papers=found.papers)
    return extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    loaded = {}

    def load(name: str):
        if name not in loaded:
            loaded[name] = registry.load_embedder(name)
        return loaded[name]

    with tempfile.TemporaryDirectory(prefix="bench-zotero-") as work:
        work = Path(work)
        os.environ[ENV_HOME] = str(work / "home")  # a Zotero-only library's folder: here, not in ~/.local
        fixture = build_zotero_data_dir(work / "Zotero", shared_pdfs(), "zotero-10")
        whole = Library(None, work / "index", zotero=fixture.data_dir)
        started = time.perf_counter()
        report = whole.update(args.model, load_embedder=load)
        print(f"first build: {report.summary()} ({time.perf_counter() - started:.1f} s)", flush=True)
        rounds = []
        for number in range(args.rounds):
            key = f"ANNOBEN{number + 2}"
            add_annotation(fixture, "ATTBBBBB", key, shared_pdfs()[1], page=3 + number % 3,
                           comment=f"benchmark idea {number}")
            started = time.perf_counter()
            report = whole.update(args.model, load_embedder=load)
            incremental = time.perf_counter() - started
            assert report.chunks_added == 1, report.summary()
            name = next(path for path in whole.manifest().files if path.endswith(f"annotation-{key}"))
            library_module.zotero_extra = only(name)
            try:
                alone_lib = Library(None, work / f"alone-{number}", zotero=fixture.data_dir)
                started = time.perf_counter()
                alone_report = alone_lib.update(whole.manifest().model, load_embedder=load)
                alone = time.perf_counter() - started
            finally:
                library_module.zotero_extra = _real_extra
            assert alone_report.chunks_total == 1, alone_report.summary()
            model = whole.manifest().model
            rounds.append({"incremental_s": round(incremental, 3), "alone_s": round(alone, 3)})
            print(f"round {number + 1}: incremental {incremental:.2f} s, alone {alone:.2f} s", flush=True)
    medians = {key: round(statistics.median(r[key] for r in rounds), 3) for key in ("incremental_s", "alone_s")}
    result = {"machine": machine(), "model": model,
              "passages_in_index": report.chunks_total, "rounds": rounds, "median": medians,
              "target_met": medians["incremental_s"] <= medians["alone_s"] + 1.0}
    print(f"median: incremental {medians['incremental_s']:.2f} s, alone {medians['alone_s']:.2f} s, "
          f"target (<= alone + 1 s) {'met' if result['target_met'] else 'missed'}", flush=True)
    if args.json_out:
        write_json(args.json_out, result)


if __name__ == "__main__":
    main()
