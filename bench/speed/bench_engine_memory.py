"""Where the e5 engine's memory goes while it embeds a build's passages (issue #23).

    .venv/bin/python -m bench.speed.bench_engine_memory --index DIR [--passages 3000] \
        [--memory-pattern] [--mapped-table] [--shrink-arena] [--json-out FILE]

Embeds the first N passages of an index's current build (their embedded text, in the build's own
batches: index/passage_vectors.py `batch_plan`) with the default model in this process, and reads
/proc/self/status after loading and after embedding: RssAnon (the model's weights and ONNX
Runtime's arena) apart from RssFile (pages of mapped files, here the word-embedding table the
table when it is mapped: clean pages the kernel may take back). The switches bring back what the
engine did before (ONNX Runtime's memory-pattern planning; the table mapped with np.load instead
of read by rows, embed/word_table.py) or try a setting against the arena (shrunk after every run).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import onnxruntime
import pyarrow.parquet as pq

from bench.common import machine, write_json
from embed.registry import DEFAULT_MODEL, load_embedder
from index.passage_vectors import batch_plan

SHRINK = "memory.enable_memory_arena_shrinkage"


def resident() -> dict[str, int]:
    """RssAnon and RssFile of this process, in MiB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile"):
            fields[name] = int(value.split()[0]) // 1024
    return fields


def with_settings(memory_pattern: bool, shrink_arena: bool) -> None:
    """ONNX Runtime's sessions made from here on use the settings (the engine builds its own)."""
    made = onnxruntime.InferenceSession

    class Session(made):
        def __init__(self, path, options=None, *args, **kwargs):
            if options is not None and memory_pattern:
                options.enable_mem_pattern = True
            super().__init__(path, options, *args, **kwargs)
            self._shrink = None
            if shrink_arena:
                self._shrink = onnxruntime.RunOptions()
                self._shrink.add_run_config_entry(SHRINK, "cpu:0")

        def run(self, output_names, input_feed, run_options=None):
            return super().run(output_names, input_feed, run_options or self._shrink)

    onnxruntime.InferenceSession = Session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--passages", type=int, default=3000)
    parser.add_argument("--memory-pattern", action="store_true", help="plan memory patterns (the engine's old setting)")
    parser.add_argument("--mapped-table", action="store_true", help="map the word-embedding table (the old way)")
    parser.add_argument("--shrink-arena", action="store_true")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    with_settings(args.memory_pattern, args.shrink_arena)
    build = args.index / "builds" / (args.index / "CURRENT").read_text().strip()
    texts = pq.read_table(build / "chunks.parquet", columns=["embed_text"]).column("embed_text").to_pylist()
    texts = texts[: args.passages]
    before = resident()
    embedder = load_embedder(DEFAULT_MODEL)
    if args.mapped_table:
        embedder._word_embeddings = np.load(embedder._word_embeddings.path, mmap_mode="r")
    embedder.embed_documents(["loaded"])
    loaded = resident()
    peak = dict(loaded)
    start = time.perf_counter()
    for rows in batch_plan(texts, embedder):
        embedder.embed_documents([texts[i] for i in rows])
        peak = {name: max(peak[name], value) for name, value in resident().items()}
    seconds = time.perf_counter() - start
    result = {"machine": machine(), "passages": len(texts), "memory_pattern": args.memory_pattern,
              "mapped_table": args.mapped_table,
              "shrink_arena": args.shrink_arena, "mib_before_model": before, "mib_model_loaded": loaded,
              "mib_peak_while_embedding": peak, "mib_after": resident(),
              "passages_per_second": round(len(texts) / seconds, 1)}
    print(result)
    if args.json_out:
        write_json(args.json_out, result)


if __name__ == "__main__":
    main()
