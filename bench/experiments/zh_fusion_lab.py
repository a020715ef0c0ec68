"""Lab (issue #20, second round): what closes the gap left on Chinese topical and English→Chinese-note
queries once USE is fused beside e5?

    .venv/bin/python -m bench.experiments.zh_fusion_lab --library LIB --index DIR \
        --gold bench/quality/gold_dev_zh.jsonl bench/quality/gold_dev_blind.jsonl bench/quality/gold_shared_bilingual.jsonl \
        [--cache /tmp/zhlab_rankings.pkl] [--json-out bench/results/zh_fusion_lab.json]

Every query's e5, USE and BM25 rankings (depth 400) come once from the real Searcher of the
index and are cached; every variant is a function of them scored by file nDCG@10 exactly as
bench/quality/eval_dev_set.py scores the product (same gold loading, same file runs). Variants:

  today      the product: Searcher.fuse then Searcher.weigh
  adaptive   per query, one of a grid of (e5, USE, BM25) weights, chosen by a decision stump on
             what the rankings show (top-10 file agreement of each pair, BM25 token coverage,
             score gaps, query length); learned per query language on four folds, scored on the
             held-out fold only
  evidence   file aggregation (search/evidence.py file_gain/decay/near) for all queries, or only
             for queries that look topical from the query alone (long, no identifier) or from the
             fused ranking's flatness
  en-use     a USE weight for English queries (the library has Chinese notes)
  prf        cross-lingual pseudo-relevance feedback for BM25: English words of the passages the
             two encoders rank first, added to a Chinese query's BM25 query
"""

from __future__ import annotations

import argparse
import copy
import time
import itertools
import json
import pickle
import random
import re
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytrec_eval

from bench.common import file_run, write_json
from evaluation.gold import load_gold
from library import Library
from search.evidence import EvidenceSettings
from search.fusion import FusionSettings
from search.script import query_language

DEPTH = 400
FOLDS = 4


def graded_queries(stored, golds: list[Path]):
    """(gold file, GoldQuery, its line's fields) of every query of `golds` over the index's files."""
    known = set(stored.manifest.files) | {item.path for item in stored.manifest.skipped}
    for gold in golds:
        lines = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
        for g in load_gold(gold, known):
            yield gold, g, lines[g.line - 1]


def collect(library: Path, index: Path, golds: list[Path], cache: Path | None):
    searcher = Library(library, index).searcher()
    if cache and cache.exists():
        return searcher, pickle.loads(cache.read_bytes())
    stored = searcher.index
    companion = searcher.companion_ranker()
    tokens_of = stored.chunks["lexical_tokens"].tolist()
    queries = []
    for gold, g, meta in graded_queries(stored, golds):
        text = g.query
        lexical = searcher.lexical.rank(text, DEPTH)
        wanted = set(searcher.tokenizer.tokenize(text))
        coverage = max((len(wanted & set(tokens_of[row])) / len(wanted) for row, _ in lexical[:3]), default=0.0) if wanted else 0.0
        queries.append({
            "id": f"{gold.stem}:{g.line}", "set": gold.stem, "query": text, "relevant": g.relevant,
            "lang": meta.get("lang", "?"), "type": meta.get("type", "?"), "language": query_language(text),
            "e5": searcher.dense.rank_text(text, DEPTH, []), "use": companion.rank_text(text, DEPTH, []),
            "bm25": lexical, "coverage": coverage,
        })
    if cache:
        cache.write_bytes(pickle.dumps(queries))
    return searcher, queries


def groups(q) -> list[str]:
    return [f"{q['set']}|all", f"{q['set']}|lang={q['lang']}", f"{q['set']}|type={q['type']}"]


class Scorer:
    def __init__(self, searcher, queries):
        self.searcher = searcher
        self.queries = queries
        self.paths = searcher.index.passages.column("path").to_pylist()
        self.qrels = {q["id"]: dict(q["relevant"]) for q in queries}
        self.evaluator = pytrec_eval.RelevanceEvaluator(self.qrels, {"ndcg_cut.10"})

    def per_query(self, rank_fn, subset=None) -> dict[str, float]:
        subset = subset if subset is not None else self.queries
        run = {q["id"]: file_run(rank_fn(q), self.paths) for q in subset}
        scores = self.evaluator.evaluate(run)
        return {qid: scores[qid]["ndcg_cut_10"] for qid in run}

    def table(self, per_query: dict[str, float]) -> dict[str, float]:
        sums = defaultdict(list)
        for q in self.queries:
            if q["id"] in per_query:
                for g in groups(q):
                    sums[g].append(per_query[q["id"]])
        return {g: round(float(np.mean(v)), 4) for g, v in sorted(sums.items())}


def fuse3(searcher, q, weights, evidence: EvidenceSettings | None = None, bm25=None):
    """(e5, USE) convex weights, BM25 the rest, through the product's fuse and weigh."""
    e5w, usew = weights
    settings = replace(searcher.fusion, dense_weight=e5w, dense_weight_cjk=e5w, dense_weight_mixed=e5w,
                       companion_cjk=(e5w, usew), companion_mixed=(e5w, usew))
    use = q["use"] if usew > 0 else None
    from search.fusion import fuse
    from search.script import script_of
    settings = replace(settings, companion_weight=usew if use is not None else 0.0)
    fused = fuse(q["e5"], bm25 if bm25 is not None else q["bm25"], settings,
                 other_script=searcher.passages.cjk != (script_of(q["query"]) == "cjk"), companion=use)
    return searcher.weigh(fused, evidence)


def today_weights(fusion: FusionSettings, language: str) -> tuple[float, float]:
    if language == "cjk":
        return fusion.companion_cjk
    if language == "mixed":
        return fusion.companion_mixed
    return (fusion.dense_weight, 0.0)


# ---- features a query's own rankings show (no gold) ----

def top_files(ranked, paths, n=10) -> list[str]:
    seen = []
    for row, _ in ranked:
        if paths[row] not in seen:
            seen.append(paths[row])
            if len(seen) == n:
                break
    return seen


def features(q, paths) -> dict[str, float]:
    e5, use, bm25 = (set(top_files(q[name], paths)) for name in ("e5", "use", "bm25"))

    def agree(a, b):
        return len(a & b) / 10.0

    def gap(ranked, n=10):
        if len(ranked) <= n:
            return 0.0
        head = [s for _, s in ranked[:DEPTH]]
        span = head[0] - head[-1]
        return (head[0] - head[n]) / span if span > 0 else 0.0

    text = q["query"]
    return {
        "agree_e5_bm25": agree(e5, bm25), "agree_use_bm25": agree(use, bm25), "agree_e5_use": agree(e5, use),
        "coverage": q["coverage"], "gap_e5": gap(q["e5"]), "gap_use": gap(q["use"]), "gap_bm25": gap(q["bm25"]),
        "length": float(len(re.findall(r"[\u4e00-\u9fff]", text)) + 2 * len(re.findall(r"[A-Za-z]{2,}", text))),
    }


def stump_learn(matrix: np.ndarray, feats: np.ndarray, default: int, names: list[str], min_side: int = 5):
    """The best rule 'feature f < t -> config a else config b' (or one fixed config) on these queries."""
    best = (matrix[:, default].mean(), None, default, default)
    fixed = int(matrix.mean(axis=0).argmax())
    if matrix[:, fixed].mean() > best[0] + 1e-9:
        best = (matrix[:, fixed].mean(), None, fixed, fixed)
    for f in range(feats.shape[1]):
        values = np.unique(feats[:, f])
        for t in values[1:]:
            low = feats[:, f] < t
            if low.sum() < min_side or (~low).sum() < min_side:
                continue
            a = int(matrix[low].mean(axis=0).argmax())
            b = int(matrix[~low].mean(axis=0).argmax())
            score = (matrix[low, a].sum() + matrix[~low, b].sum()) / len(matrix)
            if score > best[0] + 1e-9:
                best = (score, (names[f], float(t)), a, b)
    return best


def stump_apply(rule, feats: np.ndarray, names: list[str]) -> np.ndarray:
    _, split, a, b = rule
    if split is None:
        return np.full(len(feats), a)
    f = names.index(split[0])
    return np.where(feats[:, f] < split[1], a, b)


def folds_of(queries, k=FOLDS, seed=20):
    ids = sorted(q["id"] for q in queries)
    random.Random(seed).shuffle(ids)
    return {qid: i % k for i, qid in enumerate(ids)}


# ---- cross-lingual pseudo-relevance feedback ----

_WORD = re.compile(r"[A-Za-z][A-Za-z-]{2,}")


def prf_terms(searcher, q, texts, document_frequency, total, top=5, terms=5) -> list[str]:
    counts = Counter()
    for ranked in (q["use"], q["e5"]):
        for row, _ in ranked[:top]:
            for word in set(w.lower() for w in _WORD.findall(texts[row])):
                counts[word] += 1
    scored = {w: c * np.log(total / (1 + document_frequency.get(w, 0))) for w, c in counts.items() if c >= 2}
    return [w for w, _ in sorted(scored.items(), key=lambda item: -item[1])[:terms]]


def lab_arguments(description: str | None = None) -> argparse.ArgumentParser:
    """What every dev-set lab is given: the library, its index, the gold files, a cache of the
    queries' rankings and where the results go."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--gold", type=Path, nargs="+", required=True)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--json-out", type=Path)
    return parser


def main() -> None:
    parser = lab_arguments()
    parser.add_argument("--only", nargs="*", default=["today", "adaptive", "evidence", "en-use", "prf", "latency"])
    args = parser.parse_args()
    searcher, queries = collect(args.library, args.index, args.gold, args.cache)
    scorer = Scorer(searcher, queries)
    paths = scorer.paths
    fusion = searcher.fusion
    out: dict = {"queries": len(queries)}

    def show(name, per_query):
        table = scorer.table(per_query)
        out.setdefault("tables", {})[name] = table
        print(f"{name}: " + " ".join(f"{g}={v:.4f}" for g, v in table.items() if g.endswith(("all", "zh", "en", "topical", "zh-note", "en-pdf", "mixed"))), flush=True)
        return table

    today = scorer.per_query(lambda q: fuse3(searcher, q, today_weights(fusion, q["language"])))
    show("today", today)
    out["today_per_query"] = today

    if "adaptive" in args.only:
        grid = [(a, b) for a, b in itertools.product([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]) if a + b <= 0.9]
        matrix = np.zeros((len(queries), len(grid)))
        for j, weights in enumerate(grid):
            scores = scorer.per_query(lambda q, w=weights: fuse3(searcher, q, w))
            matrix[:, j] = [scores[q["id"]] for q in queries]
        names = list(features(queries[0], paths))
        feats = np.array([[features(q, paths)[n] for n in names] for q in queries])
        folds = folds_of(queries)
        chosen = {}
        rules = {}
        for language in ("cjk", "mixed", "latin"):
            idx = [i for i, q in enumerate(queries) if q["language"] == language]
            default = grid.index(tuple(today_weights(fusion, language))) if tuple(today_weights(fusion, language)) in grid else 0
            for fold in range(FOLDS):
                train = [i for i in idx if folds[queries[i]["id"]] != fold]
                test = [i for i in idx if folds[queries[i]["id"]] == fold]
                rule = stump_learn(matrix[train], feats[train], default, names)
                for i, c in zip(test, stump_apply(rule, feats[test], names)):
                    chosen[queries[i]["id"]] = float(matrix[i, c])
            full = stump_learn(matrix[idx], feats[idx], default, names)
            rules[language] = {"in_sample": round(full[0], 4), "split": full[1], "low": grid[full[2]], "high": grid[full[3]],
                               "today": round(float(matrix[idx, default].mean()), 4)}
            print(language, "rule on all:", rules[language], flush=True)
        show("adaptive (held-out folds)", chosen)
        oracle = {q["id"]: float(matrix[i].max()) for i, q in enumerate(queries)}
        show("adaptive oracle (per-query best weights)", oracle)
        out["adaptive_rules"] = rules

    if "evidence" in args.only:
        def topical_by_query(q, chars=18, words=9):
            text = q["query"]
            if re.search(r"[A-Za-z]*\d|[A-Z]{2,}", text):  # an identifier, acronym or number: specific
                return False
            han = len(re.findall(r"[\u4e00-\u9fff]", text))
            return han >= chars if han else len(text.split()) >= words
        for gain, decay, near in itertools.product([0.2, 0.4, 0.6, 0.8], [0.5, 0.7], [0.3, 0.5]):
            evidence = replace(searcher.evidence, file_gain=gain, file_decay=decay, file_near=near)
            for scope in ("all", "cjk", "topical-query"):
                def rank(q, evidence=evidence, scope=scope):
                    use_it = scope == "all" or (scope == "cjk" and q["language"] != "latin") or (scope == "topical-query" and topical_by_query(q))
                    return fuse3(searcher, q, today_weights(fusion, q["language"]), evidence if use_it else None)
                if (gain, decay, near) == (0.2, 0.5, 0.5) and scope != "all":
                    continue
                show(f"evidence gain={gain} decay={decay} near={near} on {scope}", scorer.per_query(rank))

    if "en-use" in args.only:
        english = [q for q in queries if q["language"] == "latin"]
        grid = [(a, b) for a in (0.3, 0.35, 0.4, 0.45, 0.5) for b in (0.0, 0.05, 0.1, 0.15, 0.2)]
        matrix = np.zeros((len(english), len(grid)))
        for j, weights in enumerate(grid):
            scores = scorer.per_query(lambda q, w=weights: fuse3(searcher, q, w), english)
            matrix[:, j] = [scores[q["id"]] for q in english]
            show(f"en-use e5={weights[0]} use={weights[1]}", {**today, **scores})
        folds = folds_of(english)
        held_out = dict(today)
        picks = []
        for fold in range(FOLDS):
            train = [i for i, q in enumerate(english) if folds[q["id"]] != fold]
            pick = int(matrix[train].mean(axis=0).argmax())
            picks.append(grid[pick])
            for i, q in enumerate(english):
                if folds[q["id"]] == fold:
                    held_out[q["id"]] = float(matrix[i, pick])
        print("en-use weights picked per fold:", picks)
        out["en_use_fold_picks"] = picks
        show("en-use (held-out folds)", held_out)

    if "prf" in args.only:
        texts = searcher.index.chunks["embed_text"].tolist()
        document_frequency = Counter(w for t in texts for w in set(x.lower() for x in _WORD.findall(t)))
        for top, terms, scope in itertools.product([3, 5, 10], [3, 5, 8], ["cjk"]):
            def rank(q, top=top, terms=terms):
                if q["language"] != "cjk":
                    return fuse3(searcher, q, today_weights(fusion, q["language"]))
                extra = prf_terms(searcher, q, texts, document_frequency, len(texts), top, terms)
                bm25 = searcher.lexical.rank(q["query"] + " " + " ".join(extra), DEPTH)
                return fuse3(searcher, q, today_weights(fusion, q["language"]), bm25=bm25)
            show(f"prf top={top} terms={terms} on {scope}", scorer.per_query(rank))

    if "latency" in args.only:
        out["latency"] = latency(args.library, args.index, [q["query"] for q in queries if q["language"] == "latin"][:80])
        print("latency:", out["latency"], flush=True)

    if args.json_out:
        write_json(args.json_out, out)


def latency(library: Path, index: Path, texts: list[str], rounds: int = 3) -> dict:
    """Warm hybrid latency of English queries with the companion weighed (the product) and without
    (companion_latin off), interleaved query by query in one run so machine load hits both alike."""
    lib = Library(library, index)
    on = lib.searcher()
    off = replace_fusion(on, replace(on.fusion, companion_latin=(on.fusion.dense_weight, 0.0)))
    for searcher in (on, off):
        for text in texts[:3]:
            searcher.search(text, k=10)
    timings: dict[str, list[float]] = {"with companion": [], "without": []}
    for _ in range(rounds):
        for text in texts:
            for name, searcher in (("with companion", on), ("without", off)):
                started = time.perf_counter()
                searcher.search(text, k=10)
                timings[name].append(time.perf_counter() - started)
    result = {name: {"p50_ms": round(1000 * float(np.percentile(v, 50)), 1), "p95_ms": round(1000 * float(np.percentile(v, 95)), 1)}
              for name, v in timings.items()}
    result["p95_ratio"] = round(result["with companion"]["p95_ms"] / result["without"]["p95_ms"], 3)
    result["queries"] = len(texts) * rounds
    return result


def replace_fusion(searcher, fusion):
    clone = copy.copy(searcher)
    clone.fusion = fusion
    return clone


if __name__ == "__main__":
    main()
