"""The vector side of a staged first build alone, at the size of a 10,000-file library, with a
second encoder: what the build's vectors and FAISS indexes cost in memory, phase by phase.

    .venv/bin/python -m bench.big_library.vector_memory [--passages 376700] [--dimension 384] \\
        [--companion-dimension 512] [--json-out FILE]

A real build of 10,000 files embeds for hours; this runs the builder's own vector code
(index/passage_vectors.py, index/companion.py, the file store's vector writing) on made-up
vectors: a stand-in model gives every batch seeded random unit vectors at once, so the
process holds nothing but what that code holds. Each phase resets the peak (Linux
/proc/self/clear_refs) and records the process's peak RSS during it and its RSS after it. It
runs against whatever code is on the path: run it in a copy of the code before a change and in
one after it to compare. The index kind is the one the build would choose for that many passages.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import tempfile
import time
import zlib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from bench.common import RESULTS, machine, write_json
from index import file_store
from index.companion import companion_vectors
from index.passage_vectors import PassageVectors
from index.vector_index import choose_vector_index
from tests.support.fakes import FakeEmbedder


class RandomModel(FakeEmbedder):
    """Seeded random unit vectors per batch: a model that costs no time and holds nothing."""

    def count_tokens(self, texts):
        return [1] * len(texts)

    def _vectors(self, texts):
        seed = zlib.crc32(f"{self.name} {texts[0]}".encode())
        rows = np.random.default_rng(seed).standard_normal((len(texts), self.dimension))
        rows = rows.astype(np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    def embed_documents(self, texts):
        return self._vectors(texts)


def _kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class Phases:
    def __init__(self):
        self.rows: list[dict] = []

    def run(self, name: str, step):
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")  # resets VmHWM to the current RSS
        started = time.perf_counter()
        result = step()
        self.rows.append({"phase": name, "peak_rss_mib": round(_kib("VmHWM") / 1024, 1),
                          "rss_after_mib": round(_kib("VmRSS") / 1024, 1),
                          "seconds": round(time.perf_counter() - started, 1)})
        print(json.dumps(self.rows[-1]), file=sys.stderr, flush=True)
        return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=376_700)
    parser.add_argument("--dimension", type=int, default=384)
    parser.add_argument("--companion-dimension", type=int, default=512)
    parser.add_argument("--json-out", type=Path, default=RESULTS / "vector_memory.json")
    parser.add_argument("--label", default="", help="What code this is (recorded with the figures).")
    args = parser.parse_args(argv)
    main_model = RandomModel(name="random-main", dimension=args.dimension)
    second = RandomModel(name="random-second", dimension=args.companion_dimension)
    texts = [f"passage {i}" for i in range(args.passages)]
    frame = pd.DataFrame({"embed_text": texts})
    spills = "spill" in inspect.signature(PassageVectors.filled_first).parameters
    phases = Phases()
    with tempfile.TemporaryDirectory(prefix="vector-memory-", dir=args.json_out.parent) as folder:
        folder = Path(folder)
        phases.run("baseline", lambda: None)
        empty = (np.zeros((0, args.dimension), dtype=np.float32), np.zeros(0, dtype=bool))
        vectors = PassageVectors.start(frame, empty, {}, main_model, None)
        extra = {"spill": folder} if spills else {}
        frame, vectors = vectors.filled_first(frame, **extra)
        phases.run("embedding (vectors filled)", lambda: vectors.embed_missing(main_model, lambda *a: None))
        staging = folder / "stage"
        staging.mkdir()
        stage = SimpleNamespace(dimension=args.dimension, vector_index=choose_vector_index(0), to_json=lambda: "{}")
        phases.run("a staged commit of every row (flat)",
                   lambda: file_store._fill_vectors(staging, stage, vectors.vectors[: args.passages], None))
        companion = phases.run("second encoder's embedding", lambda: companion_vectors(
            second.name, vectors.texts, None, lambda name: second, lambda *a: None, None, **extra))
        final = SimpleNamespace(dimension=args.dimension, vector_index=choose_vector_index(args.passages),
                                to_json=lambda: "{}")
        phases.run(f"final commit ({final.vector_index['kind']}, both encoders)",
                   lambda: file_store._fill_vectors(staging, final, vectors.vectors[: args.passages], companion))
        sizes = {name: os.path.getsize(staging / name) for name in ("vectors.faiss", "companion.faiss")}
    result = {"label": args.label, "machine": machine(), "passages": args.passages, "dimension": args.dimension,
              "companion_dimension": args.companion_dimension, "vectors_on_disk": spills,
              "vectors_mib": round(args.passages * args.dimension * 4 / 2**20, 1),
              "companion_vectors_mib": round(args.passages * args.companion_dimension * 4 / 2**20, 1),
              "faiss_file_mib": {name: round(size / 2**20, 1) for name, size in sizes.items()},
              "phases": phases.rows, "peak_rss_mib": max(row["peak_rss_mib"] for row in phases.rows)}
    write_json(args.json_out, result)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
