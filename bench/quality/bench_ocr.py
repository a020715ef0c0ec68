"""Benchmark: OCR of scanned pages (corpus/ocr.py) — accuracy on known text, and time per page.

Measures, in one run:

- character error rate (Levenshtein edits per reference character, tests/support/ocr_samples.py) of
  paragraphs written for this (English, Chinese), typeset with fpdf2, rendered to images with
  pypdfium2 and put back into an image-only PDF (what a scanner makes), then read by the real
  pipeline (``corpus.read_document``: scan detection, rendering at ``corpus.ocr.DPI``, Tesseract,
  ``clean_pages``); scans embedded at 300 and at 150 dpi;
- the shared scanned PDF: pages, seconds per page read through the worker with an empty OCR
  cache (cold) and again with the cache filled (warm);
- Tesseract alone on that page with ``OMP_THREAD_LIMIT=1`` (what corpus/ocr.py sets) and without
  it (Tesseract's default OpenMP threads).

    nice .venv/bin/python -m bench.quality.bench_ocr [--data DIR] [--out bench/results/ocr.json]

DIR defaults to ../shared/data. The OCR cache used is a temporary folder, never yours.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import RESULTS, SHARED_DATA, write_json

from corpus import ocr, pdf_worker, read_document
from tests.support.ocr_samples import (
    CHINESE, ENGLISH, character_error_rate, render_pages, write_scanned_pdf, write_text_pdf,
)

SCANNED = "Legewie-Fagan_Aggressive-Policing_p231_scanned.pdf"
_caches: list[Path] = []  # removed at the end


def fresh_cache() -> Path:
    """A new empty OCR cache, seen by a new worker."""
    folder = Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    _caches.append(folder)
    os.environ["PAPERSEARCH_CACHE"] = str(folder)
    pdf_worker.stop_worker()
    return folder


def timed_read(path: Path) -> tuple[object, float]:
    with pdf_worker._lock:  # start the worker first: its start-up is not OCR time
        pdf_worker._get_worker()
    started = time.perf_counter()
    document = read_document(path, path.name)
    return document, time.perf_counter() - started


def accuracy(folder: Path) -> list[dict]:
    rows = []
    for language, text, chinese in (("English", ENGLISH, False), ("Chinese", CHINESE, True)):
        source = write_text_pdf(folder / f"{language}.pdf", [text], chinese=chinese)
        for dpi in (300, 150):
            scan = write_scanned_pdf(folder / f"{language}-{dpi}.pdf", source, dpi=dpi)
            fresh_cache()
            document, seconds = timed_read(scan)
            recognised = " ".join(section.text for section in document.sections)
            rows.append({
                "language": language, "scan_dpi": dpi, "reference_chars": len(text),
                "cer": round(character_error_rate(text, recognised, chinese), 4), "seconds": round(seconds, 2),
            })
            print(f"{language:8} scan {dpi} dpi: CER {rows[-1]['cer']:.2%}  ({seconds:.1f} s)", flush=True)
    return rows


def shared_scan(data: Path) -> dict | None:
    path = data / "pdfs" / SCANNED
    if not path.exists():
        print(f"SKIP shared scan: {path} not found")
        return None
    fresh_cache()
    document, cold = timed_read(path)
    _, warm = timed_read(path)
    pages = len(render_pages(path, dpi=72))
    chars = sum(len(section.text) for section in document.sections)
    result = {
        "file": SCANNED, "pages": pages, "ocr_pages": len(document.sections), "characters": chars,
        "cold_seconds": round(cold, 2), "cold_seconds_per_page": round(cold / pages, 2),
        "warm_seconds": round(warm, 3), "warnings": list(document.warnings),
    }
    print(f"shared scan: {pages} page(s), cold {cold:.2f} s, warm (cached) {warm:.3f} s, {chars} characters", flush=True)
    return result


def thread_comparison(data: Path, repeats: int = 3) -> dict | None:
    """Tesseract alone on the shared page, default threads against one."""
    path = data / "pdfs" / SCANNED
    if not path.exists():
        return None
    engine = ocr.find_tesseract()
    image = ocr._pgm(render_pages(path, dpi=ocr.DPI)[0])
    command = [engine.path, "stdin", "stdout", "-l", engine.languages]
    result = {}
    for label, extra in (("OMP_THREAD_LIMIT=1", {"OMP_THREAD_LIMIT": "1"}), ("default threads", {})):
        env = {key: value for key, value in os.environ.items() if key != "OMP_THREAD_LIMIT"} | extra
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            subprocess.run(command, input=image, capture_output=True, env=env, check=True)
            times.append(time.perf_counter() - started)
        result[label] = [round(t, 2) for t in times]
        print(f"tesseract {label}: {', '.join(f'{t:.1f}' for t in times)} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    parser.add_argument("--out", type=Path, default=RESULTS / "ocr.json")
    args = parser.parse_args()
    engine = ocr.find_tesseract()
    if engine is None:
        sys.exit("tesseract-ocr is not installed (scripts/setup.sh installs it)")
    try:
        with tempfile.TemporaryDirectory() as folder:
            rows = accuracy(Path(folder))
        result = {
            "date": dt.date.today().isoformat(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}",
            "tesseract": engine.version, "languages": engine.languages, "render_dpi": ocr.DPI,
            "cer": rows, "shared_scan": shared_scan(args.data), "threads": thread_comparison(args.data),
        }
    finally:
        pdf_worker.stop_worker()
        for folder in _caches:
            shutil.rmtree(folder, ignore_errors=True)
    write_json(args.out, result)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
