"""Benchmark: index build (cold, no-op, incremental), raw-encode baseline, and warm query latency.

The library is a temporary folder holding two symlinks, `notes -> <notes>` and `pdfs -> <pdfs>`
(discovery follows symlinked folders); the index lives in another temporary folder. For the
incremental rebuild a second library is made whose `notes` is a real, writable copy, pointed at
the same index (relative paths and bytes are identical, so it starts up to date); one line is
appended to one note and the index is rebuilt.

    .venv/bin/python -m bench.speed.bench_build_query [--library-notes DIR] [--library-pdfs DIR]
                                                [--queries N] [--json-out FILE] [--sliced-encode]

Prints a results table and writes JSON (default bench/results/build_query.json). Exits 0 with a
"SKIP" message when the shared data folders are absent. Nothing outside temporary folders and the
JSON file is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import os
import subprocess
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, RESULTS, SHARED_DATA, shown, write_json

DEFAULT_JSON = RESULTS / "build_query.json"

QUERIES = [
    "unaligned feature fusion for video",
    "非对齐特征融合",
    "deformable attention",
    "视频超分辨率",
    "diffusion model noise schedule",
    "RVRT",
    "optical flow alignment for video restoration",
    "光流对齐",
    "self-attention complexity linear in sequence length",
    "线性注意力",
    "perceptual loss for super-resolution",
    "感知损失",
    "old film restoration scratches",
    "老电影修复",
    "image inpainting with gated convolution",
    "图像修复",
    "contrastive language-image pretraining",
    "知识蒸馏",
    "structural similarity index SSIM",
    "图像质量评价",
    "latent diffusion text-to-video generation",
    "文本生成视频",
    "mixture of experts state space model",
    "混合专家模型",
    "batch normalization vs group normalization small batch",
    "归一化方法",
    "generative adversarial network training instability",
    "生成对抗网络",
    "cycle consistency unpaired translation",
    "无监督图像翻译",
    "variational autoencoder reparameterization trick",
    "变分自编码器",
    "FID evaluation metric for image generation",
    "评价指标",
    "temporal consistency of video processing",
    "时序一致性",
    "Swin Transformer window attention",
    "real-time operating system RISC-V",
    "肾小球图像分割",
    "BasicVSR propagation",
]


def rss_mb() -> float:
    """Peak resident set size of this process so far, MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def machine_info() -> dict:
    import faiss
    import pypdf
    import sentence_transformers
    import torch

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "nproc": usable,
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu,
        "torch_threads": torch.get_num_threads(),
        "PAPERSEARCH_THREADS": os.environ.get("PAPERSEARCH_THREADS"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "torch": torch.__version__,
        "sentence_transformers": sentence_transformers.__version__,
        "faiss": faiss.__version__,
        "pypdf": pypdf.__version__,
        "git": git_state(),
    }


def git_state() -> str:
    """HEAD commit, plus '+dirty' when tracked files differ from it: the code here changes fast."""
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


class StageTimer:
    """Progress sink that times each build stage and each file of the 'Reading files' stage."""

    def __init__(self, plan):
        self.plan = plan
        self.to_read = plan.to_read
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.cpu_first: dict[str, float] = {}
        self.cpu_last: dict[str, float] = {}
        self.cpu_seconds = 0.0
        self.per_file: dict[str, float] = {}
        self._file_started: float | None = None
        self._file_index: int | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.first.setdefault(stage, now)
        self.last[stage] = now
        self.cpu_first.setdefault(stage, cpu)
        self.cpu_last[stage] = cpu
        if stage == "Reading files":
            if self._file_index is not None and self._file_started is not None:
                self.per_file[self.to_read[self._file_index]] = now - self._file_started
            self._file_index, self._file_started = (done, now) if done < total else (None, None)

    def stage_seconds(self, stage: str) -> float | None:
        if stage not in self.first:
            return None
        return self.last[stage] - self.first[stage]

    def stage_cpu_seconds(self, stage: str) -> float | None:
        if stage not in self.cpu_first:
            return None
        return self.cpu_last[stage] - self.cpu_first[stage]


def timed_plan_and_build(lib, embedder, with_stages: bool = False):
    started = time.perf_counter()
    plan = lib.plan(embedder.name)
    plan_seconds = time.perf_counter() - started
    timer = StageTimer(plan) if with_stages else None
    started, cpu_started = time.perf_counter(), time.process_time()
    report = lib.build(plan, embedder, progress=timer)
    build_seconds = time.perf_counter() - started
    if timer is not None:
        timer.cpu_seconds = time.process_time() - cpu_started
    return plan, plan_seconds, report, build_seconds, timer


def time_queries(searcher, count: int, options: dict) -> dict:
    """3 warm-up queries, then `count` timed searcher.search(query, k=10, **options) calls."""
    for query in QUERIES[:3]:
        searcher.search(query, k=10, **options)
    latencies = []
    for i in range(count):
        query = QUERIES[i % len(QUERIES)]
        started = time.perf_counter()
        searcher.search(query, k=10, **options)
        latencies.append((time.perf_counter() - started) * 1000)
    return {
        "queries": len(latencies),
        "k": 10,
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "mean_ms": round(statistics.fmean(latencies), 2),
        "max_ms": round(max(latencies), 2),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library-notes", type=Path, default=SHARED_DATA / "notes")
    parser.add_argument("--library-pdfs", type=Path, default=SHARED_DATA / "pdfs")
    parser.add_argument("--queries", type=int, default=40, help="timed queries (cycled from a built-in list)")
    parser.add_argument("--json-out", type=Path, default=DEFAULT_JSON)
    parser.add_argument(
        "--sliced-encode",
        action="store_true",
        help="also time raw encode in the builder's EMBED_BATCH slices, in stored order (one more embedding pass)",
    )
    args = parser.parse_args()

    missing = [str(p) for p in (args.library_notes, args.library_pdfs) if not p.is_dir()]
    if missing:
        print(f"SKIP: benchmark data not found: {', '.join(missing)} (expected under {SHARED_DATA})")
        return 0

    import numpy as np

    from embed import SentenceTransformerEmbedder
    from index import passage_vectors as builder_module  # the builder embeds in its batches
    import search as search_module
    from library import Library

    results: dict = {"machine": machine_info(), "library": {
        "notes": shown(args.library_notes), "pdfs": shown(args.library_pdfs),
    }}
    workdir = Path(tempfile.mkdtemp(prefix="papersearch-bench-"))
    try:
        # ---- model load + tiny warm-up so neither the build nor the baseline pays first-call costs
        started = time.perf_counter()
        embedder = SentenceTransformerEmbedder()
        load_seconds = time.perf_counter() - started
        embedder.embed_documents(["warm-up passage"] * 4)
        results["model"] = {
            "name": embedder.name, "dimension": embedder.dimension, "batch_size": embedder.batch_size,
            "builder_embed_slice": builder_module.EMBED_BATCH, "load_seconds": round(load_seconds, 2),
        }
        results["machine"]["torch_threads"] = __import__("torch").get_num_threads()

        library = workdir / "library"
        library.mkdir()
        (library / "notes").symlink_to(args.library_notes.resolve(), target_is_directory=True)
        (library / "pdfs").symlink_to(args.library_pdfs.resolve(), target_is_directory=True)
        index_dir = workdir / "index"
        lib = Library(library, index_dir)

        # ---- 1. cold full build
        print("cold full build ...", flush=True)
        plan, plan_s, report, build_s, timer = timed_plan_and_build(lib, embedder, with_stages=True)
        read_s = timer.stage_seconds("Reading files")
        write_s = timer.stage_seconds("Writing index")
        stored = lib.load()
        kinds = stored.chunks.groupby("kind").size().to_dict()
        slowest = sorted(timer.per_file.items(), key=lambda kv: kv[1], reverse=True)[:8]
        manifest = stored.manifest
        cold = {
            "plan_seconds": round(plan_s, 3),
            "build_seconds": round(build_s, 3),
            "report_seconds": round(report.seconds, 3),
            "total_seconds": round(plan_s + build_s, 3),
            "files_discovered": len(plan.files),
            "files_indexed": report.files_total,
            "chunks": report.chunks_total,
            "chunks_by_kind": {k: int(v) for k, v in kinds.items()},
            "chunks_per_second": round(report.chunks_total / build_s, 2),
            "build_cpu_seconds": round(timer.cpu_seconds, 3),
            "read_chunk_cpu_seconds": round(timer.stage_cpu_seconds("Reading files") or 0, 3),
            "embed_cpu_seconds": round(timer.stage_cpu_seconds("Embedding chunks") or 0, 3),
            "read_chunk_seconds": round(read_s, 3) if read_s is not None else None,
            "embed_seconds": round(report.embed_seconds, 3),
            "write_seconds": round(write_s, 3) if write_s is not None else None,
            "other_seconds": round(build_s - (read_s or 0) - report.embed_seconds - (write_s or 0), 3),
            "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
            "warnings": {path: list(w) for path, w in manifest.warnings.items()},
            "slowest_files": [
                {"path": path, "seconds": round(sec, 3),
                 "chunks": manifest.files[path].chunks if path in manifest.files else 0}
                for path, sec in slowest
            ],
            "pdf_read_seconds": round(sum(s for p, s in timer.per_file.items() if p.lower().endswith(".pdf")), 3),
            "notes_read_seconds": round(sum(s for p, s in timer.per_file.items() if not p.lower().endswith(".pdf")), 3),
            "peak_rss_mb_after": round(rss_mb(), 1),
        }
        results["cold_build"] = cold
        results["index_bytes_after_cold"] = dir_bytes(index_dir)
        print(f"  {report.summary()}", flush=True)

        # ---- 2. raw SentenceTransformer.encode on exactly the embedded texts
        texts = stored.chunks["embed_text"].tolist()
        model = embedder._model
        print(f"raw encode of {len(texts)} texts ...", flush=True)
        started, cpu_started = time.perf_counter(), time.process_time()
        raw = model.encode(texts, batch_size=embedder.batch_size, convert_to_numpy=True, normalize_embeddings=True)
        raw_s = time.perf_counter() - started
        raw_cpu_s = time.process_time() - cpu_started
        stored_vectors = stored.all_vectors()
        agreement = float(np.min(np.sum(raw.astype(np.float32) * stored_vectors, axis=1))) if len(texts) else None
        baseline = {
            "texts": len(texts),
            "batch_size": embedder.batch_size,
            "seconds": round(raw_s, 3),
            "texts_per_second": round(len(texts) / raw_s, 2),
            "cpu_seconds": round(raw_cpu_s, 3),
            "min_cosine_vs_stored": round(agreement, 6) if agreement is not None else None,
            "pipeline_overhead_ratio": round(build_s / raw_s, 3),
            "embed_stage_ratio": round(report.embed_seconds / raw_s, 3),
            # Same ratios in process CPU seconds: less sensitive to other processes on the machine.
            "pipeline_overhead_ratio_cpu": round(cold["build_cpu_seconds"] / raw_cpu_s, 3),
            "embed_stage_ratio_cpu": round(cold["embed_cpu_seconds"] / raw_cpu_s, 3),
        }
        if args.sliced_encode:
            # Same call, in the builder's slices of EMBED_BATCH texts taken in stored order: length
            # sorting (and so padding) then only happens within each slice.
            slice_n = builder_module.EMBED_BATCH
            print(f"raw encode in slices of {slice_n} ...", flush=True)
            started = time.perf_counter()
            cpu_started = time.process_time()
            for start in range(0, len(texts), slice_n):
                model.encode(texts[start:start + slice_n], batch_size=embedder.batch_size,
                             convert_to_numpy=True, normalize_embeddings=True)
            sliced_s = time.perf_counter() - started
            baseline["slice"] = slice_n
            baseline["sliced_seconds"] = round(sliced_s, 3)
            baseline["sliced_cpu_seconds"] = round(time.process_time() - cpu_started, 3)
            baseline["sliced_texts_per_second"] = round(len(texts) / sliced_s, 2)
            baseline["embed_stage_vs_sliced_ratio"] = round(report.embed_seconds / sliced_s, 3)
        tokens = embedder.count_tokens(texts)
        baseline["mean_tokens"] = round(statistics.fmean(tokens), 1) if tokens else 0
        baseline["max_tokens"] = max(tokens) if tokens else 0
        results["raw_encode"] = baseline
        del raw, stored_vectors

        # ---- 3a. no-op rebuild on the same library
        print("no-op rebuild ...", flush=True)
        plan, plan_s, report, build_s, _ = timed_plan_and_build(lib, embedder)
        results["noop_rebuild"] = {
            "plan": plan.summary(),
            "plan_seconds": round(plan_s, 3),
            "build_seconds": round(build_s, 3),
            "total_seconds": round(plan_s + build_s, 3),
            "wrote_index": report.wrote_index,
            "chunks_embedded": report.chunks_added,
        }

        # ---- 3b. incremental rebuild after touching one note (writable copy of notes, same index)
        writable = workdir / "library_rw"
        writable.mkdir()
        shutil.copytree(args.library_notes.resolve(), writable / "notes", copy_function=shutil.copyfile)
        for folder in (writable / "notes").rglob("*"):
            if folder.is_dir():
                folder.chmod(0o755)
        (writable / "pdfs").symlink_to(args.library_pdfs.resolve(), target_is_directory=True)
        lib_rw = Library(writable, index_dir)
        check = lib_rw.plan(embedder.name)
        notes = sorted(p for p in check.files if p.startswith("notes/") and p.count("/") == 1 and p.endswith(".md"))
        touched = notes[len(notes) // 2] if notes else None
        incremental: dict = {"plan_before_touch": check.summary(), "touched": touched}
        if touched:
            before_chunks = lib_rw.manifest().files[touched].chunks if touched in lib_rw.manifest().files else 0
            with open(writable / touched, "a", encoding="utf-8") as handle:
                handle.write("\nBenchmark edit: one appended line about unaligned feature fusion.\n")
            print(f"incremental rebuild after touching {touched} ...", flush=True)
            plan, plan_s, report, build_s, _ = timed_plan_and_build(lib_rw, embedder)
            incremental.update({
                "plan": plan.summary(),
                "file_chunks_before": before_chunks,
                "plan_seconds": round(plan_s, 3),
                "build_seconds": round(build_s, 3),
                "total_seconds": round(plan_s + build_s, 3),
                "embed_seconds": round(report.embed_seconds, 3),
                "chunks_embedded": report.chunks_added,
                "chunks_removed": report.chunks_removed,
                "chunks_total": report.chunks_total,
            })
        results["incremental_rebuild"] = incremental

        # ---- 4. warm query latency: the default call, then each ranking mode if the searcher has modes
        started = time.perf_counter()
        searcher = lib_rw.searcher(embedder)
        open_s = time.perf_counter() - started
        default_mode = inspect.signature(searcher.search).parameters.get("mode")
        modes = list(getattr(search_module, "MODES", ())) if default_mode is not None else []
        results["query"] = {
            "searcher_open_seconds": round(open_s, 3),
            "default_mode": default_mode.default if default_mode is not None else None,
            **time_queries(searcher, args.queries, {}),
        }
        if modes:
            results["query"]["by_mode"] = {mode: time_queries(searcher, args.queries, {"mode": mode}) for mode in modes}

        # ---- 5. size and memory
        current = lib_rw.store.current_build()
        results["index_bytes"] = dir_bytes(index_dir)
        results["index_bytes_current_build"] = dir_bytes(current) if current else 0
        results["index_files_current_build"] = {
            p.name: dir_bytes(p) if p.is_dir() else p.stat().st_size for p in sorted(current.iterdir())
        } if current else {}
        results["peak_rss_mb"] = round(rss_mb(), 1)
        results["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print_table(results)
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    write_json(args.json_out, results)
    print(f"\nwrote {args.json_out}")
    return 0


def print_table(r: dict) -> None:
    m, c, b, n, i, q = (r["machine"], r["cold_build"], r["raw_encode"], r["noop_rebuild"],
                        r["incremental_rebuild"], r["query"])
    rows = [
        ("code", m["git"]),
        ("machine", f"{m['nproc']} cores, torch threads {m['torch_threads']}, Python {m['python']}, {m['date']}"),
        ("load average start / end", f"{m['loadavg_start'][0]} / {m['loadavg_end'][0]} (1-min; other processes compete for CPU)"),
        ("model", f"{r['model']['name']} (load {r['model']['load_seconds']} s, batch {r['model']['batch_size']})"),
        ("files", f"{c['files_discovered']} discovered, {c['files_indexed']} indexed, {len(c['skipped'])} skipped"),
        ("chunks", f"{c['chunks']} ({', '.join(f'{k} {v}' for k, v in c['chunks_by_kind'].items())})"),
        ("cold build (plan + build)", f"{c['total_seconds']:.1f} s  (plan {c['plan_seconds']:.1f} s, build {c['build_seconds']:.1f} s)"),
        ("cold build throughput", f"{c['chunks_per_second']:.1f} chunks/s  (process CPU {c['build_cpu_seconds']:.0f} s)"),
        ("  read + chunk", f"{c['read_chunk_seconds']:.1f} s  (PDFs {c['pdf_read_seconds']:.1f} s, notes {c['notes_read_seconds']:.1f} s; CPU {c['read_chunk_cpu_seconds']:.0f} s)"),
        ("  embed", f"{c['embed_seconds']:.1f} s  (CPU {c['embed_cpu_seconds']:.0f} s)"),
        ("  write index + other", f"{c['write_seconds']:.2f} s + {c['other_seconds']:.2f} s"),
        ("raw encode, same texts", f"{b['seconds']:.1f} s  ({b['texts_per_second']:.1f} texts/s, CPU {b['cpu_seconds']:.0f} s, mean {b['mean_tokens']} tokens)"),
    ]
    if "sliced_seconds" in b:
        rows.append((f"raw encode, {b['slice']}-text slices", f"{b['sliced_seconds']:.1f} s  ({b['sliced_texts_per_second']:.1f} texts/s, CPU {b['sliced_cpu_seconds']:.0f} s)"))
    rows += [
        ("pipeline overhead ratio", f"{b['pipeline_overhead_ratio']:.2f} wall, {b['pipeline_overhead_ratio_cpu']:.2f} CPU  (build / raw encode)"),
        ("embed-stage ratio", f"{b['embed_stage_ratio']:.2f} wall, {b['embed_stage_ratio_cpu']:.2f} CPU  (embed stage / raw encode)"),
        ("no-op rebuild", f"{n['total_seconds']:.2f} s  (plan {n['plan_seconds']:.2f} s, build {n['build_seconds']:.3f} s, {n['chunks_embedded']} embedded)"),
    ]
    if i.get("touched"):
        rows.append(("incremental (1 note touched)", f"{i['total_seconds']:.2f} s  (plan {i['plan_seconds']:.2f} s, build {i['build_seconds']:.2f} s, {i['chunks_embedded']} chunks embedded)"))
    rows += [
        (f"query latency (warm, k=10{', default mode ' + q['default_mode'] if q['default_mode'] else ''})",
         f"p50 {q['p50_ms']:.1f} ms, p95 {q['p95_ms']:.1f} ms  (n={q['queries']}, max {q['max_ms']:.1f} ms)"),
        *[(f"  mode={mode}", f"p50 {t['p50_ms']:.1f} ms, p95 {t['p95_ms']:.1f} ms  (max {t['max_ms']:.1f} ms)")
          for mode, t in q.get("by_mode", {}).items()],
        ("index size on disk", f"{r['index_bytes'] / 2**20:.2f} MiB total, current build {r['index_bytes_current_build'] / 2**20:.2f} MiB"),
        ("peak RSS", f"{r['peak_rss_mb']:.0f} MiB"),
    ]
    width = max(len(k) for k, _ in rows)
    print()
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    if c["skipped"]:
        print("\nskipped files:")
        for item in c["skipped"]:
            print(f"  {item['path']}: {item['reason']}")
    print("\nslowest files to read + chunk:")
    for item in c["slowest_files"]:
        print(f"  {item['seconds']:7.2f} s  {item['chunks']:5d} chunks  {item['path']}")


if __name__ == "__main__":
    sys.exit(main())
