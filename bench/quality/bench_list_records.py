"""Precision and recall of paper records read from headings and bare checkbox titles
(``papers.heading_papers``, ``papers.bare_titles``) against hand-checked labels.

``bench/quality/list_records_truth.tsv`` labels, by line number only, every heading of the shared paper
lists and every checkbox item the strong entry forms leave: yes (a paper), no, ambiguous (a
reader cannot tell). A line the rules call a paper is a true positive only if labelled yes;
lines inside an accepted paper's section count as "no" predictions. Then the whole catalog is
built from the shared notes to count how many tentative (ambiguous) mentions linking confirmed.

    .venv/bin/python -m bench.quality.bench_list_records [--data ../shared/data] [--out bench/results/list_records.json]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from bench.common import QUALITY, REPO, RESULTS, SHARED_DATA, stopwatch, write_json

from papers import build_catalog
from papers.note_papers import read_note_papers

TRUTH = QUALITY / "list_records_truth.tsv"


def read_truth(path: Path = TRUTH) -> dict[tuple[str, int], tuple[str, str]]:
    """(list prefix, line) → (kind, label)."""
    truth = {}
    for row in path.read_text(encoding="utf-8").splitlines():
        if not row or row.startswith("#") or row.startswith("list\t"):
            continue
        name, line, kind, label = row.split("\t")
        truth[(name, int(line))] = (kind, label)
    return truth


def predictions(lists_dir: Path) -> dict[tuple[str, int], str]:
    """(list prefix, line) → "paper" | "ambiguous" | "no" for every judged line."""
    found = {}
    for path in sorted(lists_dir.glob("*.md")):
        prefix = path.name.split("_", 1)[0]
        for judged in read_note_papers(path.read_text(encoding="utf-8"), f"lists/{path.name}").judged:
            found[(prefix, judged.index + 1)] = judged.verdict
    return found


def score(truth: dict, predicted: dict, kind: str | None = None) -> dict:
    keys = [k for k in truth if kind is None or truth[k][0] == kind]
    labels = Counter(truth[k][1] for k in keys)
    said = Counter(predicted.get(k, "no") for k in keys)
    paper = [k for k in keys if predicted.get(k, "no") == "paper"]
    tp = sum(truth[k][1] == "yes" for k in paper)
    surfaced = sum(truth[k][1] == "yes" and predicted.get(k, "no") in ("paper", "ambiguous") for k in keys)
    return {
        "labelled": dict(labels),
        "predicted": dict(said),
        "true_positives": tp,
        "false_positives": [f"{k[0]}:{k[1]} ({truth[k][1]})" for k in paper if truth[k][1] != "yes"],
        "missed_yes": [f"{k[0]}:{k[1]} ({predicted.get(k, 'no')})" for k in keys
                       if truth[k][1] == "yes" and predicted.get(k, "no") != "paper"],
        "precision": round(tp / len(paper), 4) if paper else None,
        "recall": round(tp / labels["yes"], 4) if labels["yes"] else None,
        "recall_paper_or_reported": round(surfaced / labels["yes"], 4) if labels["yes"] else None,
    }


def catalog_counts(notes_dir: Path) -> dict:
    notes = {p.relative_to(notes_dir).as_posix(): p.read_text(encoding="utf-8") for p in sorted(notes_dir.rglob("*.md"))}
    with stopwatch() as timing:
        catalog = build_catalog(notes, {})
    loose = [e for p in catalog.papers for e in p.entries if e.path.startswith("lists/")]
    reported = [a for a in catalog.ambiguous if a.reason.startswith(("heading", "checkbox"))]
    return {"papers": len(catalog.papers), "list_entries": len(loose), "reported_not_recorded": len(reported),
            "link_counts": catalog.link_counts, "build_seconds": round(timing["seconds"], 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    parser.add_argument("--out", type=Path, default=RESULTS / "list_records.json")
    args = parser.parse_args()
    truth = read_truth()
    predicted = predictions(args.data / "notes" / "lists")
    unlabelled = sorted(f"{k[0]}:{k[1]}" for k in predicted if k not in truth)
    result = {
        "command": "python -m bench.quality.bench_list_records",
        "truth": str(TRUTH.relative_to(REPO)),
        "unlabelled_judged_lines": unlabelled,
        "all": score(truth, predicted),
        "headings": score(truth, predicted, "heading"),
        "checkboxes": score(truth, predicted, "checkbox"),
        "catalog_of_shared_notes": catalog_counts(args.data / "notes"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_json(args.out, result)
    for part in ("all", "headings", "checkboxes"):
        s = result[part]
        print(f"{part:<10} precision {s['precision']}  recall {s['recall']}  "
              f"recall incl. reported {s['recall_paper_or_reported']}  labels {s['labelled']}")
    print("catalog:", result["catalog_of_shared_notes"])
    if unlabelled:
        print("judged lines without a label:", unlabelled)


if __name__ == "__main__":
    main()
