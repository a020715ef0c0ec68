"""Lab (issue #20, third round): do the researcher's own topic headings help topical questions?

    .venv/bin/python -m bench.experiments.topic_heading_lab --library LIB --index DIR \
        --gold bench/quality/gold_dev_zh.jsonl bench/quality/gold_dev_blind.jsonl bench/quality/gold_shared_bilingual.jsonl \
        [--validate bench/quality/gold_dev_topical.jsonl] [--cache FILE] [--json-out bench/results/topic_heading_lab.json]

The catalog knows which papers sit under which heading of the researcher's lists and notes
(`PaperRecord.topics`, heading paths). Each distinct heading path ("List > Section") is embedded
once, as a passage, by the index's own e5 and by its USE companion, and indexed by BM25 with the
index's tokenizer. A query is scored against every heading (z-score over the headings, so one
threshold serves every query); the files of the papers under the best heading(s) above the
threshold (their notes and PDFs, and the list or note that names them) get a bonus on their file
score, and the files are re-ranked. The base ranking is the real Searcher's hybrid answer (the
first 100 files of 400 passages, as bench/quality/eval_dev_set.py ranks them); the base score is
the file's best fused score, min-max scaled over its first `FILES` files (or its rank). Every
variant is scored by file nDCG@10 with the same gold loading and trec_eval as eval_dev_set.

Tuning: four folds over the tuning sets' queries; each fold's setting is the grid point with the
best mean nDCG@10 over the other three folds; figures are the held-out folds'. The setting chosen
on all tuning queries is then scored once on `--validate` (never tuned on).
"""

from __future__ import annotations

import itertools
import json
import pickle
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytrec_eval

from bench.common import REPO, write_json
from bench.experiments.zh_fusion_lab import lab_arguments

DEPTH = 400  # passages asked for, as eval_dev_set's file_ranking
FILES = 50  # files the bonus may re-rank
FOLDS = 4
SIGNALS = ("e5", "use", "e5+use", "bm25", "e5+bm25", "e5|use-zh")


@dataclass(frozen=True)
class Setting:
    signal: str  # which heading score: see SIGNALS
    top: int  # how many best headings may give their bonus
    threshold: float  # z-score a heading must reach
    bonus: float  # added to a file's scaled score (0..1)
    scope: str  # "all" or "topical-query" (the query alone looks topical)
    base: str  # "score" (min-max fused score) or "rank" (1 - rank / FILES)
    inject: bool  # files under the heading but not in the first FILES files enter with base 0
    source: str = "all"  # "all" headings, or "lists": only headings of notes/lists/ (a paper list's sections)


def heading_files(records: Iterable) -> dict[str, set[str]]:
    """Heading path text ("A > B") -> the files of the papers under it: each paper's own notes and
    PDFs, and the notes (lists) whose entries name it."""
    out: dict[str, set[str]] = defaultdict(set)
    for record in records:
        files = set(record.files) | {entry.path for entry in record.entries}
        for topic in record.topics:
            text = " > ".join(part.strip() for part in topic if part.strip())
            if text and files:
                out[text] |= files
    return dict(out)


def zscores(scores: np.ndarray) -> np.ndarray:
    """Scores standardised over the headings (all zeros when they do not vary)."""
    spread = float(scores.std())
    return (scores - scores.mean()) / spread if spread > 1e-9 else np.zeros_like(scores)


def looks_topical(query: str, chars: int = 8, words: int = 5) -> bool:
    """From the query alone: no identifier, acronym or number, and long enough to describe a theme."""
    if re.search(r"[A-Za-z]*\d|[A-Z]{2,}|[a-z][A-Z]", query):
        return False
    han = len(re.findall(r"[\u4e00-\u9fff]", query))
    return han >= chars if han else len(query.split()) >= words


def rerank(files: list[tuple[str, float]], heading_z: Mapping[str, float], under: Mapping[str, set[str]],
           setting: Setting) -> dict[str, float]:
    """The file run after the heading bonus: `files` is the base ranking (path, fused score) best first;
    `heading_z` the query's z-score per heading. Returns {path: score}, higher first, distinct scores."""
    base = files[:FILES]
    if not base:
        return {}
    if setting.base == "rank":
        scaled = {path: 1.0 - rank / FILES for rank, (path, _) in enumerate(base)}
    else:
        top, low = base[0][1], base[-1][1]
        span = top - low if top > low else 1.0
        scaled = {path: (score - low) / span for path, score in base}
    best = sorted(((z, h) for h, z in heading_z.items() if z >= setting.threshold), reverse=True)[:setting.top]
    lifted: set[str] = set()
    for _, heading in best:
        lifted |= under.get(heading, set())
    out = dict(scaled)
    for path in lifted:
        if path in out:
            out[path] += setting.bonus
        elif setting.inject:
            out[path] = setting.bonus
    place = {path: rank for rank, (path, _) in enumerate(base)}
    order = sorted(out.items(), key=lambda item: (-item[1], place.get(item[0], FILES), item[0]))
    return {path: float(len(order) - i) for i, (path, _) in enumerate(order)}


def heading_scores(q: dict, signal: str) -> np.ndarray:
    """One z-score per heading for query `q` (its cached e5, USE and BM25 z-scores)."""
    if signal == "e5|use-zh":
        signal = "e5" if q["language"] == "latin" else "use"
    parts = signal.split("+")
    return sum(q["z"][part] for part in parts) / len(parts)


# ---------------------------------------------------------------------------------------------
# Collection: the real Searcher's rankings and the heading scores, once per query.

def collect(library: Path, index: Path, golds: list[Path], cache: Path | None) -> dict:
    if cache and cache.exists():
        return pickle.loads(cache.read_bytes())
    import bm25s

    from embed.language_direction import without_direction
    from evaluation.gold import load_gold
    from library import Library
    from search.script import query_language

    searcher = Library(library, index).searcher()
    stored = searcher.index
    known = set(stored.manifest.files) | {item.path for item in stored.manifest.skipped}
    under = heading_files(searcher.base_catalog.papers)
    headings = sorted(under)
    companion = searcher.companion_ranker()

    def unit(vectors: np.ndarray, direction) -> np.ndarray:
        vectors = np.stack([without_direction(np.asarray(v, dtype=np.float32), direction) for v in vectors])
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    e5_heads = unit(searcher.embedder.embed_documents(headings), searcher.dense.direction)
    use_heads = unit(companion.embedder.embed_documents(headings), companion.direction)
    tokenizer = searcher.tokenizer
    bm25 = bm25s.BM25()
    bm25.index([tokenizer.tokenize(h) or ["(empty)"] for h in headings], show_progress=False)

    queries = []
    for gold_path in golds:
        lines = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for g in load_gold(gold_path, known):
            meta = lines[g.line - 1]
            files: dict[str, float] = {}
            for hit in searcher.search(g.query, k=DEPTH, mode="hybrid").hits:
                if hit.path not in files:
                    files[hit.path] = float(hit.score)
                    if len(files) == 100:
                        break
            e5 = e5_heads @ unit(searcher.embedder.embed_query(g.query)[None, :], searcher.dense.direction)[0]
            use = use_heads @ unit(companion.embedder.embed_query(g.query)[None, :], companion.direction)[0]
            tokens = tokenizer.tokenize(g.query)
            lexical = np.asarray(bm25.get_scores(tokens), dtype=np.float64) if tokens else np.zeros(len(headings))
            queries.append({
                "id": f"{gold_path.stem}:{g.line}", "set": gold_path.stem, "query": g.query,
                "lang": meta.get("lang", "?"), "type": meta.get("type", "?"), "language": query_language(g.query),
                "relevant": dict(g.relevant), "files": list(files.items()),
                "z": {"e5": zscores(e5), "use": zscores(use), "bm25": zscores(lexical)},
            })
            print(f"\r{len(queries)} queries", end="", flush=True)
    print()
    data = {"headings": headings, "under": under, "queries": queries,
            "index_built": stored.manifest.built_at, "model": stored.manifest.model}
    if cache:
        cache.write_bytes(pickle.dumps(data))
    return data


# ---------------------------------------------------------------------------------------------
# Scoring.

def per_query_ndcg(queries: list[dict], runs: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    qrels = {q["id"]: q["relevant"] for q in queries}
    scores = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10"}).evaluate(
        {q["id"]: dict(runs.get(q["id"]) or {"(no result)": 0.0}) for q in queries})
    return {qid: values["ndcg_cut_10"] for qid, values in scores.items()}


def baseline_run(q: dict) -> dict[str, float]:
    return {path: float(100 - i) for i, (path, _) in enumerate(q["files"])}


def variant_run(q: dict, setting: Setting, headings: list[str], under: Mapping[str, set[str]]) -> dict[str, float]:
    if setting.scope == "topical-query" and not looks_topical(q["query"]):
        return baseline_run(q)
    z = heading_scores(q, setting.signal)
    if setting.source == "lists":
        z = np.where(list_mask(headings, under), z, -np.inf)
    order = np.argsort(-z)[:setting.top]
    chosen = {headings[i]: float(z[i]) for i in order}
    return rerank(q["files"], chosen, under, setting) or baseline_run(q)


_LIST_MASKS: dict[int, np.ndarray] = {}


def list_mask(headings: list[str], under: Mapping[str, set[str]]) -> np.ndarray:
    """Which headings are a paper list's sections (a file under them is in notes/lists/)."""
    key = id(headings)
    if key not in _LIST_MASKS:
        _LIST_MASKS[key] = np.array([any(f.startswith("notes/lists/") for f in under[h]) for h in headings])
    return _LIST_MASKS[key]


def groups_of(q: dict) -> list[str]:
    return ["all", f"type={q['type']}", f"lang={q['lang']}"]


def table(queries: list[dict], ndcg: Mapping[str, float]) -> dict[str, dict[str, float]]:
    """Per set, mean nDCG@10 per group (and the query count)."""
    sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for q in queries:
        for group in groups_of(q):
            sums[q["set"]][group].append(ndcg[q["id"]])
            sums["(tuning sets together)"][group].append(ndcg[q["id"]])
    return {name: {group: round(sum(v) / len(v), 4) for group, v in sorted(groups.items())}
            for name, groups in sums.items()}


def grid() -> list[Setting]:
    return [Setting(*values) for values in itertools.product(
        SIGNALS, (1, 2), (2.0, 2.5, 3.0, 3.5), (0.05, 0.1, 0.2, 0.35), ("all", "topical-query"),
        ("score", "rank"), (False, True), ("all", "lists"))]


def main() -> None:
    parser = lab_arguments(__doc__.split("\n")[0])
    parser.add_argument("--validate", type=Path)
    args = parser.parse_args()

    golds = list(args.gold) + ([args.validate] if args.validate else [])
    data = collect(args.library, args.index, golds, args.cache)
    headings, under = data["headings"], data["under"]
    validate_set = args.validate.stem if args.validate else None
    tuning = [q for q in data["queries"] if q["set"] != validate_set]
    fresh = [q for q in data["queries"] if q["set"] == validate_set]
    print(f"{len(headings)} headings; {len(tuning)} tuning queries; {len(fresh)} validation queries")

    settings = grid()
    base = per_query_ndcg(tuning, {q["id"]: baseline_run(q) for q in tuning})
    matrix = np.zeros((len(settings), len(tuning)))
    for s, setting in enumerate(settings):
        runs = {q["id"]: variant_run(q, setting, headings, under) for q in tuning}
        scores = per_query_ndcg(tuning, runs)
        matrix[s] = [scores[q["id"]] for q in tuning]
    base_vector = np.array([base[q["id"]] for q in tuning])

    rng = random.Random(20)
    folds = list(range(len(tuning)))
    rng.shuffle(folds)
    fold_of = {index: position % FOLDS for position, index in enumerate(folds)}
    held: dict[str, float] = {}
    picks = []
    for fold in range(FOLDS):
        train = np.array([fold_of[i] != fold for i in range(len(tuning))])
        best = int(np.argmax(matrix[:, train].mean(axis=1)))
        best = best if matrix[best, train].mean() > base_vector[train].mean() else -1
        picks.append(settings[best].__dict__ if best >= 0 else "today")
        for i, q in enumerate(tuning):
            if not train[i]:
                held[q["id"]] = matrix[best, i] if best >= 0 else base_vector[i]

    chosen_index = int(np.argmax(matrix.mean(axis=1)))
    chosen = settings[chosen_index]
    topical = np.array([q["type"] == "topical" for q in tuning])
    best_topical = int(np.argmax(matrix[:, topical].mean(axis=1)))
    out = {
        "index_built": data["index_built"], "model": data["model"], "headings": len(headings),
        "grid_size": len(settings), "fold_picks": picks,
        "today": table(tuning, base), "held_out_folds": table(tuning, held),
        "chosen_on_all_tuning": {"setting": chosen.__dict__, "in_sample": table(tuning, dict(zip([q["id"] for q in tuning], matrix[chosen_index])))},
        "best_for_topical_in_sample": {"setting": settings[best_topical].__dict__,
                                       "in_sample": table(tuning, dict(zip([q["id"] for q in tuning], matrix[best_topical])))},
    }
    per_signal = {}
    for signal in SIGNALS:
        rows = [s for s, setting in enumerate(settings) if setting.signal == signal]
        top = max(rows, key=lambda s: matrix[s].mean())
        per_signal[signal] = {"setting": settings[top].__dict__, "all": round(float(matrix[top].mean()), 4),
                              "topical": round(float(matrix[top, topical].mean()), 4),
                              "specific": round(float(matrix[top, ~topical].mean()), 4)}
    out["best_per_signal_in_sample"] = per_signal
    out["lists_only_headings"] = int(list_mask(headings, under).sum())
    lists_rows = [s for s, setting in enumerate(settings) if setting.source == "lists"]
    best_lists = max(lists_rows, key=lambda s: matrix[s].mean())
    out["best_lists_only_in_sample"] = {"setting": settings[best_lists].__dict__, "in_sample": table(
        tuning, dict(zip([q["id"] for q in tuning], matrix[best_lists])))}
    # the ceiling of the signal: per topical query, the best grid point (an oracle, not a method)
    out["oracle_topical_in_sample"] = {
        name: round(float(np.mean([max(matrix[:, i].max(), base_vector[i]) for i, q in enumerate(tuning)
                                   if q["type"] == "topical" and q["set"] == name])), 4)
        for name in ("gold_dev_zh", "gold_dev_blind")}
    out["today_together"] = {"all": round(float(base_vector.mean()), 4), "topical": round(float(base_vector[topical].mean()), 4),
                             "specific": round(float(base_vector[~topical].mean()), 4)}
    if fresh:
        fresh_base = per_query_ndcg(fresh, {q["id"]: baseline_run(q) for q in fresh})
        fresh_after = per_query_ndcg(fresh, {q["id"]: variant_run(q, chosen, headings, under) for q in fresh})
        out["validation"] = {"set": validate_set, "setting": chosen.__dict__, "today": table(fresh, fresh_base)[validate_set],
                             "after": table(fresh, fresh_after)[validate_set],
                             "up": sum(fresh_after[q["id"]] > fresh_base[q["id"]] + 1e-9 for q in fresh),
                             "down": sum(fresh_after[q["id"]] < fresh_base[q["id"]] - 1e-9 for q in fresh)}
    print(json.dumps({k: v for k, v in out.items()}, indent=1, ensure_ascii=False, default=str))
    if args.json_out:
        write_json(args.json_out, out)
        print(f"wrote {args.json_out.relative_to(REPO) if args.json_out.is_absolute() else args.json_out}")


if __name__ == "__main__":
    main()
