"""Scale: libraries of 10k, 100k and 1M passages written by the real store code, then opened and
searched like the page and the CLI do.

    .venv/bin/python -m bench.speed.bench_scale [--sizes 10000 100000 1000000] [--out bench/results/scale.json] [--merge] [--keep DIR]

No model runs for the passages: their text is real (SciFact abstracts and the shared notes'
paragraphs, sampled with replacement, so BM25 sees real token statistics) and their vectors are
the fake embedder's hashed bag of words of that text at 384 dimensions (tests/support/fakes.py), each
perturbed with Gaussian noise (cosine ~0.86 to the source), so copies of a source are neighbours
but not duplicates. Every size goes through FileStore.write with a Manifest, the chunk columns,
a LexicalIndex fitted on the real tokens and a paper catalog of one PDF per 20 passages. Opening
and querying run in a fresh process per size, so "open" is from nothing to a Searcher ready to
answer and RSS is that process's. Queries: SciFact queries, embedded by the fake embedder inside
each timed search (its cost is included; a real e5 query embedding is in bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import REPO, RESULTS, SHARED_DATA, write_json

from corpus import script_of
from index.file_store import FileStore
from index import LexicalIndex, Manifest
from corpus import LexicalTokenizer
from embed import language_direction, without_direction
from index.builder import lexical_settings
from index.manifest import FileRecord
from index.file_store import CHUNK_COLUMNS
from index.vector_index import build_vector_index, choose_vector_index
from papers import PdfPaperInfo, build_catalog
from tests.support.fakes import FakeEmbedder

DIMENSION = 384
MODEL = "fake-hash-384"
PASSAGES_PER_FILE = 20
NOISE = 0.6  # Gaussian noise norm relative to the unit source vector
QUERIES = 200
PROFILE_QUERIES = 200  # fresh queries for the per-step profile of hybrid search
WARMUP = 20


def embedder() -> FakeEmbedder:
    return FakeEmbedder(name=MODEL, dimension=DIMENSION, max_tokens=510)


def sources() -> list[str]:
    texts = []
    with open(SHARED_DATA / "scifact" / "corpus.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            texts.append(f"{row['title']}. {row['text']}".strip())
    for note in sorted((SHARED_DATA / "notes").glob("*.md")):
        for part in re.split(r"\n\s*\n", note.read_text(encoding="utf-8")):
            if len(part.strip()) >= 80:
                texts.append(part.strip())
    return texts


def source_roles(texts: list[str]) -> list[str]:
    """Each source passage's role (body or reference list) as a build would store it, each read as
    a paper of its own; worked out once per source, not per sampled copy."""
    try:
        from corpus import passage_roles
    except ImportError:  # code from before passages had roles
        return ["body"] * len(texts)
    return [passage_roles([text])[0] for text in texts]


def queries() -> list[str]:
    with open(SHARED_DATA / "scifact" / "queries.jsonl", encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle][:QUERIES + PROFILE_QUERIES]


def make_library(size: int, directory: Path, texts, tokens, base, scripts, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    picks = rng.integers(0, len(texts), size)
    vectors = np.empty((size, DIMENSION), dtype=np.float32)
    for start in range(0, size, 100_000):
        part = picks[start:start + 100_000]
        noise = rng.standard_normal((len(part), DIMENSION), dtype=np.float32) * (NOISE / np.sqrt(DIMENSION))
        block = base[part] + noise
        vectors[start:start + len(part)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    files = [f"pdfs/{i // PASSAGES_PER_FILE:06d}.pdf" for i in range(0, size, PASSAGES_PER_FILE)]
    paths = np.repeat(np.array(files, dtype=object), PASSAGES_PER_FILE)[:size]
    texts_array = np.array(texts, dtype=object)
    tokens_array = np.empty(len(tokens), dtype=object)
    tokens_array[:] = tokens
    frame = pd.DataFrame({
        "chunk_id": [f"{i:012x}" for i in range(size)],
        "path": paths,
        "kind": "pdf",
        "title": [f"Paper {p[5:11]}" for p in paths],
        "text": texts_array[picks],
        "embed_text": texts_array[picks],
        "page": pd.array(np.arange(size) % PASSAGES_PER_FILE // 4 + 1, dtype="Int64"),
        "heading": None,
        "start_line": pd.array([None] * size, dtype="Int64"),
        "links": [[] for _ in range(size)],
        "lexical_tokens": tokens_array[picks],
        "script": np.array(scripts, dtype=object)[picks],
        "role": np.array(source_roles(texts), dtype=object)[picks],
    })[CHUNK_COLUMNS]  # "role" is dropped again by code from before passages had roles
    made = time.perf_counter() - started

    started = time.perf_counter()
    lexical = LexicalIndex.fit(list(frame["lexical_tokens"]))
    bm25_seconds = time.perf_counter() - started

    started = time.perf_counter()
    notes = {f"notes/{p.name}": p.read_text(encoding="utf-8") for p in sorted((SHARED_DATA / "notes").glob("*.md"))}
    infos = {path: PdfPaperInfo(title=f"Paper {path[5:11]} on {texts_array[picks[i * PASSAGES_PER_FILE]][:60]}",
                                arxiv_id=None, year=2000 + i % 25, title_source="metadata")
             for i, path in enumerate(files)}
    catalog = build_catalog(notes, infos, other_files=list(files) + list(notes))
    catalog_seconds = time.perf_counter() - started

    counts = pd.Series(paths).value_counts()
    manifest = Manifest(
        model=MODEL, dimension=DIMENSION, chunk_settings={"chunk_tokens": 256, "overlap_tokens": 32},
        lexical_settings=lexical_settings(LexicalTokenizer()),
        files={path: FileRecord(f"{i:064x}", "pdf", f"Paper {path[5:11]}", int(counts[path])) for i, path in enumerate(files)},
        vector_index=choose_vector_index(size),
    )
    store = FileStore(directory)
    started = time.perf_counter()
    with store.build_lock():
        build = store.write(manifest, frame, vectors, lexical, catalog, language_direction(embedder()))
    write_seconds = time.perf_counter() - started
    return {
        "make_seconds": round(made, 2), "bm25_fit_seconds": round(bm25_seconds, 2),
        "catalog_seconds": round(catalog_seconds, 2), "catalog_papers": len(catalog.to_dict().get("papers", [])),
        "write_seconds": round(write_seconds, 2),
        "bytes_on_disk": sum(p.stat().st_size for p in build.rglob("*") if p.is_file()),
        "files_on_disk": {p.relative_to(build).as_posix(): p.stat().st_size for p in sorted(build.rglob("*")) if p.is_file()},
        "vector_index": manifest.vector_index, "vectors": vectors,
    }


def recall(directory: Path, vectors: np.ndarray, query_texts: list[str]) -> dict:
    """recall@10 of the stored (maybe approximate) index against exact search, same queries as
    the Searcher (language-neutral fake query vectors), plus single-query dense timings of both."""
    import faiss

    stored = FileStore(directory).load()
    model = embedder()
    direction = stored.language_direction
    q = np.stack([without_direction(model.embed_query(t), direction) for t in query_texts]).astype(np.float32)
    exact = build_vector_index(vectors, {"kind": "flat"})
    _, truth = exact.search(q, 10)

    def timed(index) -> float:
        """ms per single-query search of depth 100 on one thread, as the Searcher runs them."""
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        started = time.perf_counter()
        for row in q[:50]:
            index.search(row[None, :], 100)
        elapsed = time.perf_counter() - started
        faiss.omp_set_num_threads(threads)
        return round(elapsed / 50 * 1000, 2)

    result = {"kind": stored.manifest.vector_index.get("kind"), "exact_dense_ms": timed(exact)}
    index = stored.vectors
    if isinstance(index, (faiss.IndexIVF, faiss.IndexRefine)):
        ivf = faiss.extract_index_ivf(index)  # nprobe is set on the inverted-file part of a refined index
        by_nprobe = {}
        for nprobe in sorted({max(1, ivf.nlist // d) for d in (64, 16, 8, 4, 2)} | {128, 256, 384, 512, 768} | {ivf.nprobe}):
            if nprobe > ivf.nlist:
                continue
            saved, ivf.nprobe = ivf.nprobe, nprobe
            _, found = index.search(q, 10)
            by_nprobe[nprobe] = {"recall_at_10": _overlap(truth, found), "dense_ms": timed(index)}
            ivf.nprobe = saved
        _, found = index.search(q, 10)
        result.update(recall_at_10=_overlap(truth, found), approximate_dense_ms=timed(index), nprobe=ivf.nprobe,
                      by_nprobe=by_nprobe)
        if isinstance(index, faiss.IndexRefine):
            result["refine_factor"] = index.k_factor
    else:
        result["recall_at_10"] = 1.0
    return result


def _overlap(truth: np.ndarray, found: np.ndarray) -> float:
    return round(float(np.mean([len(set(a) & set(b)) / len(a) for a, b in zip(truth, found)])), 4)


CHILD = r"""
import json, sys, time
started = time.perf_counter()
sys.path.insert(0, sys.argv[1])
from index.file_store import FileStore
from search import Searcher
from tests.support.fakes import FakeEmbedder
imported = time.perf_counter()
store = FileStore(sys.argv[2])
searcher = Searcher(store.load(), FakeEmbedder(name=sys.argv[3], dimension=int(sys.argv[4]), max_tokens=510))
opened = time.perf_counter()

def rss():
    fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return {key: int(fields[key].split()[0]) * 1024 for key in ("VmRSS", "RssAnon", "RssFile")}

after_open = rss()
queries = json.loads(sys.stdin.read())
first = time.perf_counter(); searcher.search(queries[0], k=10, mode="hybrid"); first = time.perf_counter() - first
for query in queries[:20]:
    for mode in ("dense", "lexical", "hybrid"):
        searcher.search(query, k=10, mode=mode)
times = {"dense": [], "lexical": [], "hybrid": []}
modes = list(times)
timed_count = int(sys.argv[5])
for i, query in enumerate(queries[20:timed_count]):
    # Modes interleaved, so load on the machine hits each alike, and which goes first rotates: the
    # first search of a query pages in the parts of the mapped index it reads, the next ones of the
    # same query find them there.
    for mode in modes[i % 3:] + modes[:i % 3]:
        t = time.perf_counter(); searcher.search(query, k=10, mode=mode); times[mode].append(time.perf_counter() - t)
rss_after_queries = rss()

# Where a hybrid query's time goes: its steps timed one by one, on fresh queries (the SciFact
# queries after the timed ones, so no step finds the mapped index pages of an earlier search of the same query), then
# the whole search() of the same query; "other" is the rest of search() (ranking adjustments,
# filters, Python glue), the difference of the means.
import numpy as np
from search.searcher import _one_faiss_thread, without_direction
steps = {name: [] for name in ("embed", "dense_faiss", "tokenize", "bm25", "fuse", "hit_rows", "paper_lookup", "hits_built")}
whole = []
def step(name, run):
    t = time.perf_counter(); value = run(); steps[name].append(time.perf_counter() - t); return value
for query in queries[timed_count:]:
    vector = step("embed", lambda: without_direction(np.asarray(searcher.embedder.embed_query(query), dtype=np.float32),
                                                     searcher.language_direction))
    def dense_search():
        with _one_faiss_thread():
            return searcher.index.vectors.search(vector[None, :], 100)
    scores, rows = step("dense_faiss", dense_search)
    dense = [(int(row), float(score)) for score, row in zip(scores[0], rows[0]) if row >= 0]
    tokens = step("tokenize", lambda: searcher.tokenizer.tokenize(query))
    lexical_rows, lexical_scores = step("bm25", lambda: searcher.index.lexical.search(tokens, 100))
    lexical = [(int(row), float(score)) for row, score in zip(lexical_rows, lexical_scores)]
    top = [row for row, _ in step("fuse", lambda: searcher.fuse(query, dense, lexical))[:10]]
    step("hit_rows", lambda: [searcher._row(row) for row in top])
    step("paper_lookup", lambda: [searcher._paper(row) for row in top])
    step("hits_built", lambda: [searcher._hit(rank, 1.0, row, None, None) for rank, row in enumerate(top, 1)])
    t = time.perf_counter(); searcher.search(query, k=10, mode="hybrid"); whole.append(time.perf_counter() - t)
profile = {name: {"p50_ms": float(np.percentile(v, 50)) * 1000, "p95_ms": float(np.percentile(v, 95)) * 1000,
                  "mean_ms": float(np.mean(v)) * 1000} for name, v in {**steps, "search_hybrid": whole}.items()}
profile["other_mean_ms"] = profile["search_hybrid"]["mean_ms"] - sum(
    profile[name]["mean_ms"] for name in ("embed", "dense_faiss", "tokenize", "bm25", "fuse", "hits_built"))
print(json.dumps({"import_seconds": imported - started, "open_seconds": opened - imported,
                  "first_query_seconds": first, "rss_after_open": after_open, "rss_after_queries": rss_after_queries,
                  "times": times, "hybrid_profile": profile, "profile_queries": len(whole)}))
"""


def open_and_query(directory: Path, query_texts: list[str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(REPO), str(directory), MODEL, str(DIMENSION), str(QUERIES)],
        input=json.dumps(query_texts), capture_output=True, text=True, check=True,
        env={**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2")},
    )
    data = json.loads(done.stdout.strip().splitlines()[-1])
    times = data.pop("times")
    data["query_ms"] = {
        mode: {"p50": round(float(np.percentile(v, 50)) * 1000, 2), "p95": round(float(np.percentile(v, 95)) * 1000, 2)}
        for mode, v in times.items()
    }
    data["queries_timed"] = len(times["hybrid"])
    data["hybrid_profile"] = {name: {key: round(value, 3) for key, value in figures.items()} if isinstance(figures, dict)
                              else round(figures, 3) for name, figures in data["hybrid_profile"].items()}
    for key in ("import_seconds", "open_seconds", "first_query_seconds"):
        data[key] = round(data[key], 3)
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--out", type=Path, default=RESULTS / "scale.json")
    parser.add_argument("--work", type=Path, default=None, help="where the libraries are written (a temporary folder)")
    parser.add_argument("--merge", action="store_true", help="keep --out's runs of other sizes")
    parser.add_argument("--keep", type=Path, default=None,
                        help="move each library here (index-<size>) instead of deleting it, e.g. to profile it")
    args = parser.parse_args()
    started = time.perf_counter()
    texts = sources()
    tokens = LexicalTokenizer().tokenize_many(texts)
    base = embedder().embed_documents(texts)
    scripts = [script_of(text) for text in texts]
    query_texts = queries()
    prepared = time.perf_counter() - started
    print(f"{len(texts)} source passages, {len(query_texts)} queries ({prepared:.1f}s)", flush=True)
    results = {"machine": f"{os.cpu_count()} cores", "source_passages": len(texts), "dimension": DIMENSION,
               "noise": NOISE, "runs": []}
    work = Path(tempfile.mkdtemp(prefix="scale-", dir=args.work))
    try:
        for size in args.sizes:
            total = time.perf_counter()
            directory = work / f"index-{size}"
            made = make_library(size, directory, texts, tokens, base, scripts)
            vectors = made.pop("vectors")
            print(f"{size}: written {made['write_seconds']}s, {made['bytes_on_disk'] / 2**20:.0f} MiB", flush=True)
            run = {"passages": size, **made, "recall": recall(directory, vectors, query_texts[:QUERIES])}
            del vectors
            run.update(open_and_query(directory, query_texts))
            run["total_seconds"] = round(time.perf_counter() - total, 1)
            print(json.dumps({k: run[k] for k in ("passages", "open_seconds", "query_ms", "rss_after_open", "recall")}), flush=True)
            results["runs"].append(run)
            if args.merge and args.out.exists():
                sizes = {r["passages"] for r in results["runs"]}
                kept = [r for r in json.loads(args.out.read_text(encoding="utf-8"))["runs"] if r["passages"] not in sizes]
                results["runs"] = sorted(kept + results["runs"], key=lambda r: r["passages"])
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.rmtree(args.keep / directory.name, ignore_errors=True)
                shutil.move(str(directory), str(args.keep / directory.name))
            shutil.rmtree(directory, ignore_errors=True)
            write_json(args.out, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
