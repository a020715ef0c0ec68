"""The Milvus store against the file store: the same retrieval quality, and its costs.

A file-store index is copied into Milvus Lite through MilvusStore.write (the code every build
uses), with its vectors and chunks as they are, so nothing is embedded twice; the copy is then an
up-to-date index of the same library (the same manifest), and both are measured with the same
evaluation code `cli.py eval` runs. Also timed: writing the collection, opening each store (from
nothing to a Searcher), warm hybrid query latency, and the error for an unreachable Milvus URI.

    .venv/bin/python -m bench.speed.bench_milvus_store scifact --beir ../shared/data/scifact --split test
    .venv/bin/python -m bench.speed.bench_milvus_store gold --gold bench/quality/gold_shared_bilingual.jsonl \
        --library /tmp/devlib --index /tmp/mbench/devlib-file
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from bench.common import RESULTS, write_json

from embed import registry
from evaluation import beir_library, beir_qrels_by_path, evaluate_searcher, load_beir, load_gold
from index import LexicalIndex, StoreUnavailableError, parse_store
from library import Library, model_for_build

RESULTS = RESULTS


def copy_into_milvus(source: Library, target: Library) -> float:
    """Write the source's current build into the target store, unless it already holds it."""
    manifest = source.manifest()
    if target.manifest() is not None and target.manifest().files == manifest.files:
        return 0.0
    stored = source.load()
    started = time.perf_counter()
    with target.store.build_lock():
        tokens = [list(t) for t in stored.chunks["lexical_tokens"]]
        target.store.write(manifest, stored.chunks, stored.all_vectors(), LexicalIndex.fit(tokens), stored.catalog,
                           stored.language_direction)
    return time.perf_counter() - started


def measure(lib: Library, queries: dict, qrels: dict, embedder) -> dict:
    started = time.perf_counter()
    searcher = lib.searcher(load=lambda _model: embedder)
    opened = time.perf_counter() - started
    scores = {mode: evaluate_searcher(searcher, queries, qrels, mode) for mode in ("hybrid", "dense", "lexical")}
    latencies = []
    for query in list(queries.values())[:100]:
        started = time.perf_counter()
        searcher.search(query, k=10, mode="hybrid")
        latencies.append((time.perf_counter() - started) * 1000)
    return {
        "open_seconds": round(opened, 3), "passages": searcher.index.vectors.ntotal,
        "hybrid_ms_p50": round(statistics.median(latencies), 1),
        "hybrid_ms_p95": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 1),
        **{f"{mode}_{metric}": round(value, 4) for mode, values in scores.items() for metric, value in values.items()},
    }


def _embedder(model: str):
    """The index's model; `fake-hash-64` (tests/support/fakes.py) measures store parity without a real model."""
    if model == "fake-hash-64":
        from tests.support.fakes import FakeEmbedder

        return FakeEmbedder()
    return registry.load_embedder(model)


def unreachable_seconds(library: Path) -> dict:
    uri = "milvus:http://127.0.0.1:9"
    started = time.perf_counter()
    try:
        Library(library, Path("/tmp/papersearch-unreachable-index"), uri).manifest()
        message = None
    except StoreUnavailableError as error:
        message = str(error)
    return {"uri": uri, "seconds": round(time.perf_counter() - started, 3), "message": message}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("which", choices=["scifact", "gold"])
    parser.add_argument("--beir", type=Path)
    parser.add_argument("--split", default="test")
    parser.add_argument("--gold", type=Path)
    parser.add_argument("--library", type=Path)
    parser.add_argument("--index", type=Path, help="the file-store index (required for gold; for scifact, instead of the cache's)")
    parser.add_argument("--milvus", default="milvus:/tmp/mbench/papersearch.db")
    parser.add_argument("--out", type=Path, help="the result file (default: bench/results/milvus_<which>[_fake_model].json)")
    args = parser.parse_args()

    if args.which == "scifact":
        data = load_beir(args.beir, args.split)
        cache = Path(os.environ.get("PAPERSEARCH_CACHE", Path.home() / ".cache" / "papersearch"))
        model = model_for_build(None, None)
        file_lib = beir_library(data, args.beir, cache, model, args.index)
        # The cached index as it is (`cli.py eval --beir` builds or updates it), never re-embedded here.
        milvus_index = Path(str(args.index) + "-milvus") if args.index else None
        milvus_lib = beir_library(data, args.beir, cache, model, milvus_index, parse_store(args.milvus))
        queries, qrels = data.queries, beir_qrels_by_path(data)
    else:
        file_lib = Library(args.library, args.index, "file")
        milvus_lib = Library(args.library, Path(str(args.index) + "-milvus"), parse_store(args.milvus))
        manifest = file_lib.manifest()
        gold = load_gold(args.gold, set(manifest.files) | {item.path for item in manifest.skipped})
        queries = {str(g.line): g.query for g in gold}
        qrels = {str(g.line): g.relevant for g in gold}
    write_seconds = copy_into_milvus(file_lib, milvus_lib)
    embedder = _embedder(file_lib.manifest().model)
    result = {
        "benchmark": args.which, "model": file_lib.manifest().model, "queries": len(queries), "milvus": args.milvus,
        "milvus_write_seconds": round(write_seconds, 2),
        "file": measure(file_lib, queries, qrels, embedder), "milvus_lite": measure(milvus_lib, queries, qrels, embedder),
        "unreachable_uri": unreachable_seconds(file_lib.root),
    }
    result["hybrid_ndcg10_difference"] = round(
        result["milvus_lite"]["hybrid_ndcg@10"] - result["file"]["hybrid_ndcg@10"], 4
    )
    RESULTS.mkdir(exist_ok=True)
    suffix = "_fake_model" if result["model"] == "fake-hash-64" else ""
    out = args.out or RESULTS / f"milvus_{args.which}{suffix}.json"
    write_json(out, result)
    print(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
