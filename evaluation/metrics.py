"""Rank files for each query and score the ranking with trec_eval (pytrec-eval-terrier):
nDCG@10, Recall@100 and MRR@10.

Ranking is at file level: a file's first (best) passage places it, later passages are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytrec_eval

from search import Mode, Searcher

METRICS = ("ndcg@10", "recall@100", "mrr@10")
FILES_PER_QUERY = 100


def file_ranking(searcher: Searcher, query: str, mode: Mode, depth: int = 400) -> dict[str, float]:
    """{path: score} for the first FILES_PER_QUERY distinct files, score falling with rank."""
    files: dict[str, float] = {}
    for hit in searcher.search(query, k=depth, mode=mode).hits:
        if hit.path not in files:
            files[hit.path] = float(FILES_PER_QUERY - len(files))
            if len(files) == FILES_PER_QUERY:
                break
    return files


def evaluate_searcher(
    searcher: Searcher,
    queries: Mapping[str, str],
    qrels: Mapping[str, Mapping[str, int]],
    mode: Mode,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, float]:
    """Metric name -> mean over queries. `qrels` are keyed by the same ids as `queries`, by path."""
    run: dict[str, dict[str, float]] = {}
    for done, (query_id, text) in enumerate(queries.items()):
        if progress:
            progress(done, len(queries))
        ranking = file_ranking(searcher, text, mode)
        run[query_id] = ranking or {"(no result)": 0.0}
    return trec_metrics(qrels, run)


def trec_metrics(qrels: Mapping[str, Mapping[str, int]], run: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Mean nDCG@10, Recall@100 and MRR@10 over the queries of `qrels`."""
    judged = {query: dict(docs) for query, docs in qrels.items()}
    full = pytrec_eval.RelevanceEvaluator(judged, {"ndcg_cut.10", "recall.100"}).evaluate(
        {query: dict(run.get(query) or {"(no result)": 0.0}) for query in judged}
    )
    top10 = {query: dict(sorted((run.get(query) or {"(no result)": 0.0}).items(), key=lambda item: -item[1])[:10])
             for query in judged}
    reciprocal = pytrec_eval.RelevanceEvaluator(judged, {"recip_rank"}).evaluate(top10)

    def mean(values: list[float]) -> float:
        return round(sum(values) / len(values), 4)

    return {
        "ndcg@10": mean([full[q]["ndcg_cut_10"] for q in judged]),
        "recall@100": mean([full[q]["recall_100"] for q in judged]),
        "mrr@10": mean([reciprocal[q]["recip_rank"] for q in judged]),
    }
