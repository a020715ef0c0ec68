"""A graded dev set through the real Searcher: nDCG@10 per mode, per language and per query type,
and every query's own result, so a change can be traced to the queries it moved.

    .venv/bin/python -m bench.quality.eval_dev_set --gold bench/quality/gold_dev_blind.jsonl --library LIB --index DIR \
        [--modes hybrid dense lexical] [--json-out bench/results/dev_blind.json]

The gold file's lines may carry "lang" (en / zh / mixed) and "type" (specific / topical); the
library is the shared notes and PDFs (LIB holds `notes` and `pdfs` links to ../shared/data).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from bench.common import REPO, stopwatch, write_json

import pytrec_eval

from evaluation.gold import load_gold
from evaluation.metrics import file_ranking, trec_metrics
from library import Library


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--modes", nargs="+", default=["hybrid", "dense", "lexical"])
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()

    searcher = Library(args.library, args.index).searcher()
    stored = searcher.index
    known = set(stored.manifest.files) | {item.path for item in stored.manifest.skipped}
    lines = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = load_gold(args.gold, known)
    groups: dict[str, list[str]] = defaultdict(list)
    for g in gold:
        meta = lines[g.line - 1]
        for group in ("all", f"lang={meta.get('lang', '?')}", f"type={meta.get('type', '?')}"):
            groups[group].append(str(g.line))
    qrels = {str(g.line): g.relevant for g in gold}
    results: dict = {"gold": str(args.gold.relative_to(REPO) if args.gold.is_absolute() else args.gold),
                     "index_built": stored.manifest.built_at, "model": stored.manifest.model, "modes": {}}
    per_query: dict[str, dict] = {str(g.line): {"query": g.query} for g in gold}
    for mode in args.modes:
        with stopwatch() as timing:
            run = {str(g.line): file_ranking(searcher, g.query, mode) or {"(no result)": 0.0} for g in gold}
        table = {group: trec_metrics({q: qrels[q] for q in ids}, run)["ndcg@10"] for group, ids in groups.items()}
        table["mrr@10"] = trec_metrics(qrels, run)["mrr@10"]
        results["modes"][mode] = {"ndcg@10": table, "seconds": round(timing["seconds"], 1)}
        scores = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10"}).evaluate(run)
        for query_id, values in scores.items():
            per_query[query_id][mode] = round(values["ndcg_cut_10"], 4)
        print(f"{mode:8s} " + " ".join(f"{group}={value:.4f}" for group, value in sorted(table.items())), flush=True)
    results["per_query"] = per_query
    if args.json_out:
        write_json(args.json_out, results)
        print(f"wrote {args.json_out}")


if __name__ == "__main__":
    main()
