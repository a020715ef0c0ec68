"""Generates a big library from the shared data: N files, 70% PDFs and 30% Markdown notes.

    .venv/bin/python -m bench.big_library.generate --files 1000 --out /tmp/biglib_1000 [--seed 0]

Issue #23 measures builds of 1,000 and 10,000 files, and the shared library has 102. Every file is
recombined from SciFact abstracts, sections of the real notes and passages of the real PDFs'
pages (bench/big_library/sources.py), so each differs from every other; PDFs are real multi-page
PDFs written with fpdf2 in Noto Sans CJK (Chinese included). The same seed gives the same bytes.

Beside the files, in the library folder (a build reads only .pdf, .md, .markdown and .txt):
queries.jsonl (20 queries and the file answering each), files.jsonl (each file's kind, pages,
size) and library.json (what was generated and how long it took). Files are written by worker
processes (2 by default), each holding only the pool and the file it writes.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from bench.big_library.identity import PDF_SHARE, SURNAMES, Identity, plan_library
from bench.big_library.queries import pick_queries
from bench.big_library.sources import Pool, load_pool
from bench.big_library.typeface import Typeface, cut_font
from bench.big_library.writer import Written, write
from bench.common import SHARED_DATA, machine, shown

SIDE_FILES = ("queries.jsonl", "files.jsonl", "library.json")
_job: tuple[Pool, Typeface, int, Path, list[str], list[Identity]] | None = None  # each worker's, set before forking


def generate(files: int, out: Path, seed: int = 0, data: Path = SHARED_DATA, workers: int = 2,
             pdf_share: float = PDF_SHARE, log=None) -> dict:
    """Writes the library and its side files into `out` (new or empty); returns library.json's data."""
    global _job
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    pool = load_pool(data)
    loaded = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="biglib-font-") as font_folder:
        face = cut_font(pool.characters() | set("".join(SURNAMES)), Path(font_folder))
        identities = plan_library(pool, files, seed, pdf_share)
        queries = pick_queries(identities, pool, face, seed)
        sources = [" ".join(query["source"].split()) for query in queries]
        _job = (pool, face, seed, out, sources, identities)
        written = _write_all(files, workers, log)
        _job = None
    by_index = sorted(written, key=lambda item: item.index)
    for number, query in enumerate(queries):
        query["also_in"] = [item.path for item in by_index if number in item.answers and item.path != query["file"]]
    _write_lines(out / "queries.jsonl", queries)
    _write_lines(out / "files.jsonl", [item.to_dict() for item in by_index])
    summary = _summary(by_index, files, seed, data, workers, loaded - started, time.perf_counter() - started)
    (out / "library.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return summary


def _write_all(files: int, workers: int, log) -> list[Written]:
    done: list[Written] = []
    if workers <= 1 or files < 50:
        results = map(_write_one, range(files))
        return _collected(results, files, log, done)
    with multiprocessing.get_context("fork").Pool(workers) as processes:  # fork: the pool is inherited, not sent
        return _collected(processes.imap_unordered(_write_one, range(files), chunksize=8), files, log, done)


def _collected(results, files: int, log, done: list[Written]) -> list[Written]:
    for item in results:
        done.append(item)
        if log and (len(done) % 500 == 0 or len(done) == files):
            log(f"{len(done)}/{files} files")
    return done


def _write_one(index: int) -> Written:
    pool, face, seed, out, sources, identities = _job
    return write(identities[index], pool, face, seed, out, sources)


def _summary(written: list[Written], files: int, seed: int, data: Path, workers: int, load_seconds: float,
             seconds: float) -> dict:
    pdfs = [item for item in written if item.kind == "pdf"]
    return {
        "files": files, "seed": seed, "data": shown(data), "pdfs": len(pdfs), "notes": files - len(pdfs),
        "pdf_pages": sum(item.pages for item in pdfs), "pdfs_with_chinese": sum(item.chinese for item in pdfs),
        "notes_with_chinese": sum(item.chinese for item in written if item.kind == "note"),
        "words": sum(item.words for item in written), "bytes": sum(item.bytes for item in written),
        "distinct_texts": len({item.digest for item in written}), "seconds": round(seconds, 1),
        "pool_seconds": round(load_seconds, 1), "workers": workers, "fpdf2": version("fpdf2"), "machine": machine(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


def _write_lines(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def _prepare(out: Path, force: bool) -> None:
    """An existing folder is used only if empty, or (with --force) if it holds a generated library."""
    if not out.exists() or not any(out.iterdir()):
        return
    if not force:
        sys.exit(f"{out} is not empty; give a new folder, or --force to replace a library generated there.")
    if not (out / "library.json").is_file():
        sys.exit(f"{out} holds no library.json: not a generated library, so --force will not delete it.")
    shutil.rmtree(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, required=True, help="How many files (70%% PDFs, 30%% notes).")
    parser.add_argument("--out", type=Path, required=True, help="The library folder to write (new or empty).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="Shared data (scifact/, notes/, pdfs/).")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--pdf-share", type=float, default=PDF_SHARE, help="Share of PDFs (default 0.7).")
    parser.add_argument("--force", action="store_true", help="Replace a library generated in --out before.")
    args = parser.parse_args(argv)
    if not (args.data / "scifact" / "corpus.jsonl").is_file():
        print(f"SKIP: no shared data at {args.data}")
        return
    _prepare(args.out, args.force)
    summary = generate(args.files, args.out, args.seed, args.data, args.workers, args.pdf_share,
                       log=lambda message: print(message, file=sys.stderr, flush=True))
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
