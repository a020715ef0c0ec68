"""Lab (issue #20): should passages with almost no body (a note template's title and headings, a
"> learn what" under Summary) count less, as reference lists do?

    .venv/bin/python -m bench.experiments.stub_passages_lab --library LIB --index DIR --gold G1.jsonl ...

A passage is a stub when its embedded text holds fewer than N model tokens after the title and
heading prefix. For N and a weight, file nDCG@10 per set, language and type.
"""

from __future__ import annotations

import argparse
import itertools
from collections import defaultdict
from pathlib import Path

import numpy as np
import pyarrow.compute as pc

from corpus import REFERENCES
from bench.common import file_run, gold_queries
from evaluation.metrics import trec_metrics
from library import Library
from search.evidence import weigh

DEPTH = 400




def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--gold", type=Path, nargs="+", required=True)
    args = parser.parse_args()
    searcher = Library(args.library, args.index).searcher()
    stored = searcher.index
    paths = stored.passages.column("path").to_pylist()
    kinds = stored.passages.column("kind").to_pylist()
    bodies = [text.split("\n", 1)[1] if "\n" in text else "" for text in stored.chunks["embed_text"]]
    body_tokens = np.asarray(searcher.embedder.count_tokens(bodies))
    references = pc.fill_null(pc.equal(stored.passages.column("role"), REFERENCES), False).to_numpy(zero_copy_only=False)
    queries = gold_queries(*args.gold)
    fused = {}
    for q in queries:
        text = q["query"]
        dense = searcher.dense.rank_text(text, DEPTH, [])
        lexical = searcher.lexical.rank(text, DEPTH)
        companion = searcher.companion_ranker().rank_text(text, DEPTH, []) if searcher._weighs_companion(text) else None
        fused[q["id"]] = searcher.fuse(text, dense, lexical, companion=companion)
    qrels = {q["id"]: q["relevant"] for q in queries}
    print("notes' passages with fewer than N body tokens:",
          {n: int(((body_tokens < n) & (np.asarray(kinds) == "note")).sum()) for n in (4, 8, 12, 16, 24)})

    in_lists = np.asarray([path.startswith("notes/lists/") for path in paths])

    def evaluate(stub_tokens: int, stub_weight: float, where: str = "all") -> dict[str, float]:
        stub = (body_tokens < stub_tokens) & (np.asarray(kinds) == "note")
        stub &= {"all": True, "lists": in_lists, "not lists": ~in_lists}[where]
        run = {}
        for qid, ranked in fused.items():
            rows = [row for row, _ in ranked]
            weights = np.where(stub[rows], stub_weight, 1.0)
            scaled = [(row, score * w) for (row, score), w in zip(ranked, weights)]
            run[qid] = file_run(weigh(scaled, [paths[r] for r in rows], references[rows], searcher.evidence), paths)
        table = defaultdict(dict)
        for q in queries:
            for group in ("all", f"set={q['set']}", f"lang={q.get('lang')}", f"type={q.get('type')}"):
                table[group][q["id"]] = qrels[q["id"]]
        return {g: trec_metrics(r, run)["ndcg@10"] for g, r in sorted(table.items())}

    base = evaluate(0, 1.0)
    print("today:", " ".join(f"{g}={v:.4f}" for g, v in base.items()))
    results = [((n, w), evaluate(n, w)) for n, w in itertools.product((4, 8, 12, 16, 24), (0.3, 0.5, 0.7, 0.85))]
    for (n, w), table in sorted(results, key=lambda item: -item[1]["all"])[:3]:
        print(f"stub < {n} tokens x {w}:", " ".join(f"{g}={v:.4f}" for g, v in table.items()))
    for where in ("lists", "not lists"):
        table = evaluate(24, 0.85, where)
        print(f"stub < 24 x 0.85, {where} only:", " ".join(f"{g}={v:.4f}" for g, v in table.items()))


if __name__ == "__main__":
    main()
