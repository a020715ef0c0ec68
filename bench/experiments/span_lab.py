"""Lab (issue #20, fifth round, part 3): which spans of a Chinese question the term bridge embeds.

    .venv/bin/python -m bench.experiments.span_lab --library LIB --index DIR \
        --gold bench/quality/gold_dev_zh.jsonl bench/quality/gold_dev_blind.jsonl bench/quality/gold_shared_bilingual.jsonl \
        [--json-out FILE]

Embedding the spans with USE is the bridge's whole cost (search/term_bridge.py), about 56 µs a
token. Each variant below is a rule for the spans; the lab counts them (median and p95 per
question) and scores the real Searcher by file nDCG@10 on the Chinese questions, as
bench/quality/eval_dev_set.py does, with the rule in place of the product's `chinese_spans`.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

import numpy as np
import pytrec_eval

import search.term_bridge as term_bridge
from bench.common import write_json
from bench.experiments.zh_fusion_lab import graded_queries, lab_arguments
from corpus.syntax import HAN_RUN
from evaluation.metrics import file_ranking
from library import Library
from search.glossary import cedict
from search.script import query_language

# name: (most words, most characters, a run of several words needs a single-character word, within punctuation)
VARIANTS = {
    "ninth session (before)": (99, 6, False, False),
    "within punctuation": (99, 6, False, True),
    "3 words": (3, 6, False, True),
    "3 words, 5 characters": (3, 5, False, True),
    "3 words, 4 characters": (3, 4, False, True),
    "2 words, 4 characters": (2, 4, False, True),
    "3 words, 3 characters": (3, 3, False, True),
    "3 words, 4 characters, split terms only": (3, 4, True, True),
}


def spans_of(words_most: int, characters_most: int, split_only: bool, within: bool):
    def spans(query: str) -> list[tuple[int, int, str]]:
        runs = [(m.start(), m.group()) for m in HAN_RUN.finditer(query)] if within else [(0, query)]
        out = []
        for offset, run in runs:
            words = cedict().words(run)
            ends = np.cumsum([0] + [len(word) for word in words]) + offset
            for first in range(len(words)):
                for last in range(first + 1, min(len(words), first + words_most) + 1):
                    length = int(ends[last] - ends[first])
                    if length > characters_most:
                        break
                    several = last - first > 1
                    if length >= 2 and not (split_only and several and all(len(w) > 1 for w in words[first:last])):
                        out.append((int(ends[first]), int(ends[last]), "".join(words[first:last])))
        return out
    return spans


def main() -> None:
    args = lab_arguments(__doc__.split("\n")[0]).parse_args()
    searcher = Library(args.library, args.index).searcher()
    queries = [{"id": f"{gold.stem}:{g.line}", "set": gold.stem, "query": g.query, "relevant": g.relevant,
                "type": meta.get("type", "?")}
               for gold, g, meta in graded_queries(searcher.index, args.gold) if query_language(g.query) == "cjk"]
    evaluator = pytrec_eval.RelevanceEvaluator({q["id"]: dict(q["relevant"]) for q in queries}, {"ndcg_cut.10"})
    product = term_bridge.chinese_spans
    results = {}
    try:
        for name, rule in VARIANTS.items():
            term_bridge.chinese_spans = spans_of(*rule)
            searcher._bridge = None  # a fresh bridge: no spans remembered from another rule
            counts = sorted(len(term_bridge.chinese_spans(q["query"])) for q in queries)
            run = {q["id"]: file_ranking(searcher, q["query"], "hybrid") or {"(none)": 0.0} for q in queries}
            scores = {qid: v["ndcg_cut_10"] for qid, v in evaluator.evaluate(run).items()}
            groups = defaultdict(list)
            for q in queries:
                for group in (f"{q['set']}|zh", f"{q['set']}|type={q['type']}"):
                    groups[group].append(scores[q["id"]])
            results[name] = {"spans_median": statistics.median(counts), "spans_p95": counts[int(0.95 * len(counts)) - 1],
                             **{group: round(float(np.mean(v)), 4) for group, v in sorted(groups.items())}}
            print(name, results[name], flush=True)
    finally:
        term_bridge.chinese_spans = product
    if args.json_out:
        write_json(args.json_out, {"variants": results, "questions": len(queries)})


if __name__ == "__main__":
    main()
