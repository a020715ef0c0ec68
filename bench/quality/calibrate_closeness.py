"""Calibrate the "nothing closely related" notice (search/closeness.py): the dense cosine of the
top passage for queries that have relevant papers in the shared library (the dev sets) against
queries about nothing in it (bench/quality/offtopic_queries.jsonl: medicine, astronomy, cooking,
law ... in English and Chinese, short and abstract-length).

    .venv/bin/python -m bench.quality.calibrate_closeness --library LIB --index DIR \
        [--json-out bench/results/closeness.json]

The threshold is chosen from the data, for the researcher's sake: the notice must almost never
appear over a query that has answers, so it is the largest cosine (in steps of 0.005) below
which at most ``MAX_RELEVANT_FLAGGED`` of the dev queries fall; the share of off-topic queries it
catches is reported beside it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from bench.common import QUALITY, machine, write_json
from library import Library

DEV_SETS = ("gold_dev_blind.jsonl", "gold_dev_zh.jsonl")
OFF_TOPIC = "offtopic_queries.jsonl"
MAX_RELEVANT_FLAGGED = 0.01


def top_cosines(searcher, queries: list[str]) -> np.ndarray:
    return np.array([(searcher.dense.rank_text(q, 1, []) or [(0, 0.0)])[0][1] for q in queries])


def choose_threshold(relevant: np.ndarray, off_topic: np.ndarray) -> float:
    """The largest step-0.005 cosine that flags at most MAX_RELEVANT_FLAGGED of the relevant queries."""
    best = 0.0
    for step in np.arange(0.0, 1.0, 0.005):
        if (relevant < step).mean() <= MAX_RELEVANT_FLAGGED:
            best = float(round(step, 3))
    return best


def _queries(name: str) -> list[dict]:
    return [json.loads(line) for line in (QUALITY / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _summary(values: np.ndarray) -> dict:
    return {"n": int(len(values)), "min": round(float(values.min()), 4),
            **{f"p{p}": round(float(np.percentile(values, p)), 4) for p in (1, 5, 50, 95)},
            "max": round(float(values.max()), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    searcher = Library(args.library, args.index).searcher()
    relevant = np.concatenate([top_cosines(searcher, [q["query"] for q in _queries(name)]) for name in DEV_SETS])
    off = _queries(OFF_TOPIC)
    off_topic = top_cosines(searcher, [q["query"] for q in off])
    threshold = choose_threshold(relevant, off_topic)
    long_off = np.array([q.get("long", False) for q in off])
    result = {
        "model": searcher.index.manifest.model, "machine": machine(), "threshold": threshold,
        "relevant": _summary(relevant), "off_topic": _summary(off_topic),
        "relevant_flagged": round(float((relevant < threshold).mean()), 4),
        "off_topic_flagged": round(float((off_topic < threshold).mean()), 4),
        "off_topic_long_flagged": round(float((off_topic[long_off] < threshold).mean()), 4) if long_off.any() else None,
        "off_topic_by_lang": {lang: round(float((off_topic[[q["lang"] == lang for q in off]] < threshold).mean()), 4)
                              for lang in sorted({q["lang"] for q in off})},
    }
    print(json.dumps(result, indent=1, ensure_ascii=False))
    if args.json_out:
        write_json(args.json_out, result)


if __name__ == "__main__":
    main()
