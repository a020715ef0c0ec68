"""Lab (issue #20): should a Chinese or mixed query lean on BM25 when its words are matched well?

    .venv/bin/python -m bench.experiments.adaptive_fusion_lab --library LIB --index DIR --gold G1.jsonl ...

For each query: the e5, USE and BM25 rankings from the real Searcher, and how much of the query's
BM25 tokens the best lexical passage holds (coverage). A rule picks (e5, USE) weights by coverage;
file nDCG@10 per language and type for each rule.
"""

from __future__ import annotations

import argparse
import itertools
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from bench.common import file_run, gold_queries
from evaluation.metrics import trec_metrics
from library import Library
from search.script import query_language

DEPTH = 400




def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--gold", type=Path, nargs="+", required=True)
    args = parser.parse_args()
    searcher = Library(args.library, args.index).searcher()
    paths = searcher.index.passages.column("path").to_pylist()
    tokens_of = searcher.index.chunks["lexical_tokens"].tolist()
    queries = gold_queries(*args.gold)
    queries = [q for q in queries if query_language(q["query"]) != "latin"]
    data = {}
    for q in queries:
        text = q["query"]
        e5 = searcher.dense.rank_text(text, DEPTH, [])
        lexical = searcher.lexical.rank(text, DEPTH)
        use = searcher.companion_ranker().rank_text(text, DEPTH, [])
        wanted = set(searcher.tokenizer.tokenize(text))
        coverage = max((len(wanted & set(tokens_of[row])) / len(wanted) for row, _ in lexical[:3]), default=0.0) if wanted else 0.0
        data[q["id"]] = (text, e5, lexical, use, coverage)
    qrels = {q["id"]: q["relevant"] for q in queries}

    def evaluate(weights_for) -> dict[str, float]:
        run = {}
        for q in queries:
            text, e5, lexical, use, coverage = data[q["id"]]
            language = query_language(text)
            settings = replace(searcher.fusion, **{f"companion_{'cjk' if language == 'cjk' else 'mixed'}": weights_for(language, coverage)})
            run[q["id"]] = file_run(searcher.weigh(searcher.fuse(text, e5, lexical, settings, companion=use)), paths)
        table = defaultdict(dict)
        for q in queries:
            for group in ("all", f"lang={q.get('lang')}", f"type={q.get('type')}", f"set={q['set']}"):
                table[group][q["id"]] = qrels[q["id"]]
        return {g: trec_metrics(r, run)["ndcg@10"] for g, r in sorted(table.items())}

    fixed = evaluate(lambda language, c: searcher.fusion.companion_cjk if language == "cjk" else searcher.fusion.companion_mixed)
    print("fixed:", " ".join(f"{g}={v:.4f}" for g, v in fixed.items()))
    coverages = sorted(d[4] for d in data.values())
    print("coverage quartiles:", [round(coverages[int(len(coverages) * f)], 2) for f in (0.25, 0.5, 0.75)])
    results = []
    for threshold, (a, b) in itertools.product([0.5, 0.6, 0.7, 0.8, 0.9, 1.0], [(0.2, 0.2), (0.2, 0.3), (0.3, 0.2), (0.1, 0.3), (0.3, 0.3), (0.2, 0.1)]):
        def rule(language, c, threshold=threshold, a=a, b=b):
            base = searcher.fusion.companion_cjk if language == "cjk" else searcher.fusion.companion_mixed
            return (a, b) if c >= threshold and language == "cjk" else base
        results.append(((threshold, a, b), evaluate(rule)))
    for (threshold, a, b), table in sorted(results, key=lambda item: -item[1]["all"])[:10]:
        print(f"coverage>={threshold} -> e5 {a} use {b}:", " ".join(f"{g}={v:.4f}" for g, v in table.items()))


if __name__ == "__main__":
    main()
