"""Warm query latency per ranking mode on an already-built index (modes interleaved, one run).

    .venv/bin/python -m bench.speed.bench_query_latency --library DIR [--index DIR] [--rounds 3] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path


from bench.common import write_json
from embed.registry import load_embedder
from library import Library

QUERIES = [
    "unaligned feature fusion for video", "非对齐特征融合", "deformable attention", "视频超分辨率",
    "diffusion model noise schedule", "RVRT", "BasicVSR++ propagation", "optical flow warping",
    "knowledge distillation soft targets", "知识蒸馏", "self-attention quadratic complexity",
    "old film restoration scratches", "老电影修复", "E2FGVI video inpainting", "perceptual loss VGG features",
    "structural similarity index", "score-based generative models SDE", "transformer position encoding",
    "feature matching with graph neural networks", "图像修复 扩散模型",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json-out", type=Path, help="also write the result here")
    args = parser.parse_args()
    lib = Library(args.library, args.index)
    searcher = lib.searcher(load=lambda _model: load_embedder(lib.manifest().model))
    for query in QUERIES[:3]:
        searcher.search(query, k=10)
    timings: dict[str, list[float]] = {"dense": [], "lexical": [], "hybrid": []}
    for _ in range(args.rounds):
        for query in QUERIES:
            for mode, samples in timings.items():
                start = time.perf_counter()
                searcher.search(query, k=10, mode=mode)
                samples.append((time.perf_counter() - start) * 1000)
    result = {
        mode: {"p50_ms": round(statistics.median(s), 1), "p95_ms": round(statistics.quantiles(s, n=20)[-1], 1)}
        for mode, s in timings.items()
    }
    result["model"] = searcher.index.manifest.model
    result["date"] = time.strftime("%Y-%m-%d %H:%M")
    result["queries"] = len(QUERIES) * args.rounds
    result["chunks"] = len(searcher.index.chunks)
    result["hybrid_over_dense_p50"] = round(result["hybrid"]["p50_ms"] / result["dense"]["p50_ms"], 3)
    print(json.dumps(result, indent=1))
    if args.json_out:
        write_json(args.json_out, result)


if __name__ == "__main__":
    main()
