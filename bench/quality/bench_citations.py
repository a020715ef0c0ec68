"""Precision and recall of citations inside the library (papers/citations.py) on hand-labelled
reference entries of the shared PDFs (bench/quality/citations_gold.jsonl).

    .venv/bin/python -m bench.quality.bench_citations --library LIB --index DIR [--json-out FILE]
    .venv/bin/python -m bench.quality.bench_citations --library LIB --index DIR --sample N   # entries to label

The entries come from the index exactly as a build sees them: each PDF's passages marked as
reference list, joined and split (papers/references.py), matched against the index's catalog.
A label names an entry by its PDF, its position in the list and a 12-hex key of its text (so
no reference text is copied here), and says which catalog paper it cites, or null for none
in the library. A label whose key no longer matches its position (the split changed) is looked
up by key in the same PDF, and counted as lost if it is gone.

Precision: of the labelled entries the matcher links, the share linked to the labelled paper.
Recall: of the labelled entries that cite a library paper, the share linked to it. The sample
holds every entry the matcher links (so precision covers all of them), the entries that come
closest without being linked (where misses hide) and random others.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from rapidfuzz import fuzz, process

from bench.common import QUALITY, write_json
from index.catalog_build import reference_texts
from library import Library
from papers import CitationMatcher, join_passages, normalise_title, split_entries

GOLD = QUALITY / "citations_gold.jsonl"


def library_entries(lib: Library):
    """(pdf path, entry, match or None, citing paper id) for every reference entry of the index."""
    loaded = lib.load()
    catalog = loaded.catalog
    matcher = CitationMatcher(catalog.papers)
    for path, passages in sorted(reference_texts(loaded.chunks).items()):
        citing = catalog.paper_for_file(path)
        for entry in split_entries(join_passages(passages)):
            match = matcher.match(entry.text)
            if match is not None and citing is not None and match.paper_id == citing.paper_id:
                match = None  # a paper does not cite itself (papers/citation_links.py)
            yield path, entry, match, citing.paper_id if citing else None


def evaluate(rows, gold: list[dict]) -> dict:
    by_position = {(path, entry.position): (entry, match) for path, entry, match, _ in rows}
    by_key = {(path, entry.key): (entry, match) for path, entry, match, _ in rows}
    linked = correct = positives = found = lost = 0
    errors = []
    for label in gold:
        entry, match = by_position.get((label["pdf"], label["position"]), (None, None))
        if entry is None or entry.key != label["key"]:
            entry, match = by_key.get((label["pdf"], label["key"]), (None, None))
        if entry is None:
            lost += 1
            continue
        predicted = match.paper_id if match else None
        if predicted is not None:
            linked += 1
            correct += predicted == label["paper_id"]
        if label["paper_id"] is not None:
            positives += 1
            found += predicted == label["paper_id"]
        if predicted != label["paper_id"]:
            errors.append({**label, "predicted": predicted, "method": match.method if match else None})
    return {
        "labelled": len(gold), "lost": lost, "linked": linked, "positives": positives,
        "precision": round(correct / linked, 4) if linked else None,
        "recall": round(found / positives, 4) if positives else None,
        "errors": errors,
    }


def sample(rows, catalog, size: int, seed: int = 0) -> list[dict]:
    """Entries to label: every linked one, the closest unlinked ones, random others."""
    titles = {p.paper_id: normalise_title(p.title) for p in catalog.papers if len(p.title) >= 8}
    linked, unlinked = [], []
    for path, entry, match, _ in rows:
        item = {"pdf": path, "position": entry.position, "key": entry.key, "predicted": match.paper_id if match else None,
                "text": entry.text}
        (linked if match else unlinked).append(item)
    for item in unlinked:
        best = process.extractOne(normalise_title(item["text"]), titles, scorer=fuzz.partial_ratio)
        item["closest"], item["closest_score"] = (best[2], best[1]) if best else (None, 0.0)
    unlinked.sort(key=lambda item: -item["closest_score"])
    near, rest = unlinked[: size // 2], unlinked[size // 2 :]
    random.Random(seed).shuffle(rest)
    return linked + near + rest[: max(0, size - len(near))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--sample", type=int, help="print N unlinked entries beside every linked one, to label")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    lib = Library(args.library, args.index)
    rows = list(library_entries(lib))
    if args.sample:
        catalog = lib.catalog()
        for item in sample(rows, catalog, args.sample):
            item["closest_title"] = catalog.paper(item.get("closest") or item["predicted"] or "")
            item["closest_title"] = item["closest_title"].title if item["closest_title"] else None
            print(json.dumps(item, ensure_ascii=False))
        return
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    result = {"entries": len(rows), "linked": sum(1 for row in rows if row[2]), **evaluate(rows, gold)}
    print(json.dumps({k: v for k, v in result.items() if k != "errors"}, indent=1))
    for error in result["errors"]:
        print("error:", json.dumps(error, ensure_ascii=False))
    if args.json_out:
        write_json(args.json_out, result)


if __name__ == "__main__":
    main()
