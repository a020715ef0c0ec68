"""Lab (issue #20, fifth round): does what a whole file is about help topical questions?

    .venv/bin/python -m bench.experiments.file_topic_lab --library LIB --index DIR \
        --gold bench/quality/gold_dev_zh.jsonl bench/quality/gold_dev_blind.jsonl bench/quality/gold_shared_bilingual.jsonl \
        --cache FILE [--json-out FILE]

A topical question ("how do video restoration methods propagate features?") is answered by the
files whose subject it is, while passage search places each file by its single best passage. Here
each file also has a topic vector: the mean of its passages' vectors (reference lists left out),
for e5 and for USE. A file's topic score is the query's cosine with it, through the query
language's own e5/USE weights. Each query's product ranking (Searcher.search, hybrid, depth 400)
and its query vectors come once from the real Searcher and are cached; a variant re-orders the
product's files by (1 - w) * product score + w * topic score (each min-max scaled over the
library's files; a file the product did not return counts 0 for its part), with w chosen per query
language on four folds and scored on the held-out fold by file nDCG@10 exactly as
bench/quality/eval_dev_set.py scores the product (w = 0 is the product).
"""

from __future__ import annotations

import pickle
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytrec_eval

from bench.common import write_json
from bench.experiments.zh_fusion_lab import FOLDS, folds_of, graded_queries, lab_arguments
from embed import without_direction
from library import Library
from search.script import query_language

DEPTH = 400
WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)


def collect(library: Path, index: Path, golds: list[Path], cache: Path | None):
    searcher = Library(library, index).searcher()
    if cache and cache.exists():
        return searcher, pickle.loads(cache.read_bytes())
    companion = searcher.companion_ranker()
    queries = []
    for gold, g, meta in graded_queries(searcher.index, golds):
        hits = searcher.search(g.query, k=DEPTH, mode="hybrid").hits
        files: dict[str, float] = {}
        for hit in hits:
            files.setdefault(hit.path, hit.score)
        queries.append({
            "id": f"{gold.stem}:{g.line}", "set": gold.stem, "query": g.query, "relevant": g.relevant,
            "lang": meta.get("lang", "?"), "type": meta.get("type", "?"), "language": query_language(g.query),
            "files": files, "e5_vec": searcher.embedder.embed_query(g.query),
            "use_vec": companion.embedder.embed_query(g.query),
        })
    if cache:
        cache.write_bytes(pickle.dumps(queries))
    return searcher, queries


def topic_vectors(stored) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(files, e5 topic vectors, USE topic vectors): each file's mean passage vector, unit length."""
    paths = np.array(stored.passages.column("path").to_pylist(), dtype=object)
    roles = np.array(stored.passages.column("role").to_pylist(), dtype=object)
    e5, use = stored.all_vectors(), stored.all_companion_vectors()
    files = sorted(set(paths))
    out_e5, out_use = [], []
    for path in files:
        rows = np.flatnonzero((paths == path) & (roles != "references"))
        if not len(rows):
            rows = np.flatnonzero(paths == path)
        for matrix, out in ((e5, out_e5), (use, out_use)):
            mean = matrix[rows].mean(axis=0)
            out.append(mean / (np.linalg.norm(mean) or 1.0))
    return files, np.array(out_e5, dtype=np.float32), np.array(out_use, dtype=np.float32)


def scaled(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.zeros_like(values)


def title_vectors(searcher, files: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(e5, USE) vectors of each file's title as passages are titled (a note's paper, a PDF's title)."""
    stored = searcher.index
    titles = dict(zip(stored.passages.column("path").to_pylist(), stored.passages.column("title").to_pylist()))
    texts = [titles[path] or path for path in files]
    return (searcher.embedder.embed_documents(texts).astype(np.float32),
            searcher.companion_ranker().embedder.embed_documents(texts).astype(np.float32))


class Lab:
    def __init__(self, searcher, queries, source: str = "centroid"):
        stored = searcher.index
        self.searcher, self.queries = searcher, queries
        self.files, self.e5_topics, self.use_topics = topic_vectors(stored)
        if source != "centroid":
            e5_titles, use_titles = title_vectors(searcher, self.files)
            if source == "title":
                self.e5_topics, self.use_topics = e5_titles, use_titles
            else:  # both: the mean of the two, unit length
                e5 = self.e5_topics + e5_titles
                use = self.use_topics + use_titles
                self.e5_topics = e5 / np.linalg.norm(e5, axis=1, keepdims=True)
                self.use_topics = use / np.linalg.norm(use, axis=1, keepdims=True)
        self.position = {path: i for i, path in enumerate(self.files)}
        self.e5_direction, self.use_direction = stored.language_direction, stored.companion_direction
        self.evaluator = pytrec_eval.RelevanceEvaluator({q["id"]: dict(q["relevant"]) for q in queries},
                                                       {"ndcg_cut.10"})
        for q in queries:
            q["topic"] = self.topic_scores(q)

    def topic_scores(self, q) -> np.ndarray:
        settings = self.searcher.fusion.for_language(q["language"], companion=True)
        e5w, usew = settings.dense_weight, settings.companion_weight
        e5 = self.e5_topics @ without_direction(np.asarray(q["e5_vec"], dtype=np.float32), self.e5_direction)
        use = self.use_topics @ without_direction(np.asarray(q["use_vec"], dtype=np.float32), self.use_direction)
        return (e5w * e5 + usew * use) / ((e5w + usew) or 1.0)

    def run(self, q, weight: float) -> dict[str, float]:
        product = np.zeros(len(self.files), dtype=np.float64)
        returned = np.zeros(len(self.files), dtype=bool)
        for path, score in q["files"].items():
            product[self.position[path]], returned[self.position[path]] = score, True
        if returned.any():
            product[returned] = scaled(product[returned])
        total = (1 - weight) * product + weight * scaled(q["topic"])
        if weight == 0:
            total[~returned] = -1.0
        order = np.argsort(-total, kind="stable")[:100]
        return {self.files[i]: float(100 - n) for n, i in enumerate(order) if total[i] >= 0}

    def scores(self, subset, weight: float) -> dict[str, float]:
        run = {q["id"]: self.run(q, weight) or {"(none)": 0.0} for q in subset}
        return {qid: values["ndcg_cut_10"] for qid, values in self.evaluator.evaluate(run).items()}


def table(queries, per_query: dict[str, float]) -> dict[str, float]:
    sums = defaultdict(list)
    for q in queries:
        for group in (f"{q['set']}|all", f"{q['set']}|lang={q['lang']}", f"{q['set']}|type={q['type']}"):
            sums[group].append(per_query[q["id"]])
    return {group: round(float(np.mean(values)), 4) for group, values in sorted(sums.items())}


def held_out(lab: Lab, queries) -> tuple[dict[str, float], list[dict]]:
    """Per query language, the weight the other folds score best, applied to the held-out fold."""
    per_query, chosen = {}, []
    grid = {w: lab.scores(queries, w) for w in WEIGHTS}
    fold_of = folds_of(queries, FOLDS)
    for fold in range(FOLDS):
        for language in ("latin", "cjk", "mixed"):
            tr = [q["id"] for q in queries if q["language"] == language and fold_of[q["id"]] != fold]
            te = [q["id"] for q in queries if q["language"] == language and fold_of[q["id"]] == fold]
            best = max(WEIGHTS, key=lambda w: (np.mean([grid[w][i] for i in tr]) if tr else 0.0, -w))
            chosen.append({"fold": fold, "language": language, "weight": best})
            per_query.update({i: grid[best][i] for i in te})
    return per_query, chosen


def main() -> None:
    parser = lab_arguments(__doc__.split("\n")[0])
    parser.add_argument("--source", choices=("centroid", "title", "both"), default="centroid")
    args = parser.parse_args()
    searcher, queries = collect(args.library, args.index, args.gold, args.cache)
    lab = Lab(searcher, queries, args.source)
    results = {"grid": {}, "held_out": {}}
    for weight in WEIGHTS:
        results["grid"][weight] = table(queries, lab.scores(queries, weight))
    today = results["grid"][0.0]
    per_query, chosen = held_out(lab, queries)
    results["held_out"] = {"table": table(queries, per_query), "chosen": chosen}
    for group in today:
        row = " ".join(f"{results['grid'][w][group]:.4f}" for w in WEIGHTS)
        print(f"{group:45s} {row}   held-out {results['held_out']['table'][group]:.4f}")
    print("chosen:", chosen)
    if args.json_out:
        write_json(args.json_out, results)


if __name__ == "__main__":
    main()
