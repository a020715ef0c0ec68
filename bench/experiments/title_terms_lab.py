"""Lab (issue #20, fifth round, part 2): the library's own English terms for a Chinese query's words.

    .venv/bin/python -m bench.experiments.title_terms_lab --library LIB --index DIR \
        --gold bench/quality/gold_dev_zh.jsonl bench/quality/gold_dev_blind.jsonl bench/quality/gold_shared_bilingual.jsonl \
        [--json-out FILE]

CC-CEDICT knows everyday words, not the field's: 去模糊, 插帧, 超分辨率, 去噪 get nothing or
"vague". The field's English names are in the library itself, in its papers' titles. Every word
run of one to three words of a title (not starting or ending with a stop word) is embedded once by
the second encoder (multilingual USE); each span of a Chinese query's dictionary words (two to six
characters, starting and ending on word boundaries; since part 3, one to three words of two to
four characters: search/term_bridge.py, whose bridge this lab sweeps) is embedded too, and the title terms whose
cosine with a span is at least `tau` (the best one per span, spans taken best first without
overlapping) add their words to the query's dictionary English: BM25's expanded query and the
dictionary ranking read them as they read CC-CEDICT's. Scored through the real Searcher by file
nDCG@10 as bench/quality/eval_dev_set.py does, Chinese queries only (the others do not change);
`tau` chosen on three folds and scored on the fourth.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytrec_eval

from bench.common import write_json
from bench.experiments.zh_fusion_lab import FOLDS, folds_of, graded_queries, lab_arguments
from evaluation.metrics import file_ranking
from library import Library
from index.title_terms import title_terms
from search.script import query_language
from search.searcher import Searcher
from search.term_bridge import TermBridge

TAUS = (None, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)


def main() -> None:
    args = lab_arguments(__doc__.split("\n")[0]).parse_args()
    searcher = Library(args.library, args.index).searcher()
    stored = searcher.index
    titles = sorted({title for title in stored.passages.column("title").to_pylist() if title})
    encoder = searcher.companion_ranker().embedder
    terms = title_terms(titles, encoder)
    bridge = TermBridge(terms.terms, terms.vectors, encoder)
    print(f"{len(titles)} titles, {len(bridge.terms)} title terms")
    queries = [{"id": f"{gold.stem}:{g.line}", "set": gold.stem, "query": g.query, "relevant": g.relevant,
                "lang": meta.get("lang", "?"), "type": meta.get("type", "?")}
               for gold, g, meta in graded_queries(stored, args.gold) if query_language(g.query) == "cjk"]
    evaluator = pytrec_eval.RelevanceEvaluator({q["id"]: dict(q["relevant"]) for q in queries}, {"ndcg_cut.10"})
    plain = Searcher._dictionary
    grid: dict[str, dict[str, float]] = {}
    for tau in TAUS:
        def with_terms(self, query, tau=tau):
            english, times, glossing = plain(self, query)
            if tau is None or not (times or glossing):
                return english, times, glossing
            return " ".join([english, *bridge.english(query, float(tau))]).strip(), times, glossing
        Searcher._dictionary = with_terms
        run = {q["id"]: file_ranking(searcher, q["query"], "hybrid") or {"(none)": 0.0} for q in queries}
        grid[str(tau)] = {qid: v["ndcg_cut_10"] for qid, v in evaluator.evaluate(run).items()}
    Searcher._dictionary = plain

    def table(per_query):
        groups = defaultdict(list)
        for q in queries:
            for group in (f"{q['set']}|zh", f"{q['set']}|type={q['type']}"):
                groups[group].append(per_query[q["id"]])
        return {group: round(float(np.mean(v)), 4) for group, v in sorted(groups.items())}

    tables = {tau: table(per_query) for tau, per_query in grid.items()}
    fold_of = folds_of(queries, FOLDS)
    held, chosen = {}, []
    for fold in range(FOLDS):
        train = [q["id"] for q in queries if fold_of[q["id"]] != fold]
        best = max(grid, key=lambda tau: np.mean([grid[tau][i] for i in train]))
        chosen.append(best)
        held.update({q["id"]: grid[best][q["id"]] for q in queries if fold_of[q["id"]] == fold})
    tables["held_out"] = table(held)
    for group in tables["None"]:
        print(f"{group:40s} " + " ".join(f"{tables[tau][group]:.4f}" for tau in tables))
    print("columns:", list(tables), "chosen:", chosen)
    examples = {q["query"]: bridge.english(q["query"], float(chosen[0]) if chosen[0] != "None" else 0.6)
                for q in queries[:40]}
    print(examples)
    if args.json_out:
        write_json(args.json_out, {"tables": tables, "chosen": chosen, "per_query": grid, "examples": examples})


if __name__ == "__main__":
    main()
