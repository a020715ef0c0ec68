"""Marks as evidence (#25): does a page the researcher highlighted or commented on about the query
rank above the rest, and do marks elsewhere leave other queries alone? Same index, the mark
gains of search/evidence.py on and off (and a few other values, for the record).

    .venv/bin/python -m bench.quality.eval_marks [--work DIR] [--json-out bench/results/marks_dev.json]

The library is the 15 shared PDFs of bench/quality/marks_dev.json, with its marks written into
copies by pypdf's annotation writer (tests/support/pdf_marks.py). Measures, hybrid ranking, k=100:
  page MRR@10   marked queries: the gold (PDF, page) among the PDF pages in the order their
                passages first appear (the page text itself, marks not counted)
  paper MRR@10  the gold PDF among files in the order of their first passage (marks included: a
                mark inside a PDF is that file's passage), marked and control queries
  control moved control queries whose first ten PDF pages differ from those without the gains
                (marks elsewhere in the library must leave them alone)
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from bench.common import QUALITY, SHARED_DATA, write_json
from library import Library
from search import EvidenceSettings, Searcher
from tests.support.pdf_marks import MarkSpec, annotate_pdf, long_line

DEV = QUALITY / "marks_dev.json"
SETTINGS = {  # name -> (mark_page_gain, mark_file_gain); "default" is EvidenceSettings' own
    "off": (0.0, 0.0), "0.15/0.05": (0.15, 0.05), "0.3/0.1": (0.3, 0.1),
    "default": (EvidenceSettings.mark_page_gain, EvidenceSettings.mark_file_gain), "0.9/0.3": (0.9, 0.3),
}


def build_library(work: Path, dev: dict) -> Path:
    """The shared PDFs in `work`/library/pdfs, the marked ones annotated (made once)."""
    library = work / "library"
    if (library / "done").exists():
        return library
    shutil.rmtree(library, ignore_errors=True)
    (library / "pdfs").mkdir(parents=True)
    marks: dict[str, list[MarkSpec]] = {}
    for mark in dev["marks"]:
        source = SHARED_DATA / "pdfs" / mark["pdf"]
        phrase = long_line(source, mark["page"], mark["line"]) if "line" in mark else ""
        marks.setdefault(mark["pdf"], []).append(
            MarkSpec(mark["page"], mark["kind"], phrase, mark["comment"], mark["colour"]))
    for name in dev["pdfs"]:
        source, target = SHARED_DATA / "pdfs" / name, library / "pdfs" / name
        annotate_pdf(source, target, marks[name]) if name in marks else shutil.copyfile(source, target)
    (library / "done").write_text("")
    return library


def first_rank(order: list, gold) -> int | None:
    return order.index(gold) + 1 if gold in order else None


def measure(searcher: Searcher, queries: list[dict], baseline: dict | None = None) -> dict:
    """The means and each query's ranks; `baseline`: the "off" measure, for "control moved"."""
    per_query, sums = [], {"page_mrr": [], "page_top1": [], "paper_mrr_marked": [], "paper_mrr_control": [],
                           "control_moved": []}
    for item in queries:
        hits = searcher.search(item["query"], k=100).hits
        pages = list(dict.fromkeys((h.path, h.page) for h in hits if h.kind == "pdf"))
        papers = list(dict.fromkeys(h.path for h in hits))
        gold_path = f"pdfs/{item['pdf']}"
        paper_rank = first_rank(papers, gold_path)
        row = {"query": item["query"], "type": item["type"], "paper_rank": paper_rank,
               "top_pages": [f"{path}#{page}" for path, page in pages[:10]]}
        if item["type"] == "marked":
            page_rank = first_rank(pages, (gold_path, item["page"]))
            row["page_rank"] = page_rank
            sums["page_mrr"].append(1 / page_rank if page_rank and page_rank <= 10 else 0.0)
            sums["page_top1"].append(1.0 if page_rank == 1 else 0.0)
        else:
            before = baseline["queries"][len(per_query)]["top_pages"] if baseline else row["top_pages"]
            sums["control_moved"].append(0.0 if before == row["top_pages"] else 1.0)
        key = "paper_mrr_marked" if item["type"] == "marked" else "paper_mrr_control"
        sums[key].append(1 / paper_rank if paper_rank and paper_rank <= 10 else 0.0)
        per_query.append(row)
    return {"means": {name: round(sum(values) / len(values), 4) for name, values in sums.items()}, "queries": per_query}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path.home() / ".cache" / "papersearch" / "bench-marks")
    parser.add_argument("--model", default=None)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    dev = json.loads(DEV.read_text(encoding="utf-8"))
    library = build_library(args.work, dev)
    lib = Library(library, args.work / "index")
    print(lib.update(args.model).summary(), flush=True)
    base = lib.searcher(args.model)
    results = {"dev": "bench/quality/marks_dev.json", "model": base.index.manifest.model, "settings": {}}
    baseline = None
    for name, (page_gain, file_gain) in SETTINGS.items():
        base.evidence = EvidenceSettings(mark_page_gain=page_gain, mark_file_gain=file_gain)  # one index, one model
        measured = measure(base, dev["queries"], baseline)
        baseline = baseline or measured
        results["settings"][name] = {"mark_page_gain": page_gain, "mark_file_gain": file_gain, **measured}
        print(f"{name:9s} " + " ".join(f"{k}={v:.4f}" for k, v in measured["means"].items()), flush=True)
    if args.json_out:
        write_json(args.json_out, results)


if __name__ == "__main__":
    main()
