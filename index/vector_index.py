"""Which FAISS index holds a build's vectors: exact below a size, approximate above it.

Exact search (IndexFlatIP) reads every vector for every query: on this project's 2-core VM,
under load, 24 ms for 10k passages and 60-100 ms for 100k at 384 dimensions, so at a million
passages one query would cost more than the whole latency budget. From APPROXIMATE_FROM passages
a build writes an inverted-file index instead (IndexIVFFlat, inner product, the vectors kept
exactly): k-means groups the passages around `nlist` = 4·sqrt(n) centroids and a query reads the
`nprobe` = nlist/3 nearest groups. HNSW was measured too and not chosen: adding 30k vectors took
20 s here, so a million would take longer than the whole build budget. The choice and its
parameters are recorded in the manifest (`vector_index`); bench/bench_scale.py measures speed
and recall@10 against exact search per nprobe (bench/README.md, "Scale").
"""

from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

APPROXIMATE_FROM = 50_000  # passages; below it exact search is fast enough (bench/README.md, "Scale")
TRAIN_PER_LIST = 40  # k-means training sample: this many vectors per list (FAISS's own minimum is 39)
TRAIN_ITERATIONS = 10  # k-means iterations (FAISS default 25; 10 trains 2.5x faster, recall measured)
NPROBE_FRACTION = 1 / 3  # lists read per query, as a share of nlist: recall@10 >= 0.99 measured
MIN_NPROBE = 16
_SEED = 1234


def choose_vector_index(count: int, approximate_from: int | None = None) -> dict:
    """The manifest's `vector_index` for a build of `count` passages."""
    threshold = APPROXIMATE_FROM if approximate_from is None else approximate_from
    if count < max(threshold, 1):
        return {"kind": "flat", "metric": "inner_product"}
    nlist = max(1, min(int(4 * math.sqrt(count)), count // TRAIN_PER_LIST))
    return {
        "kind": "ivf_flat", "metric": "inner_product", "nlist": nlist,
        "nprobe": min(nlist, max(MIN_NPROBE, math.ceil(nlist * NPROBE_FRACTION))), "train_size": min(count, nlist * TRAIN_PER_LIST),
        "train_iterations": TRAIN_ITERATIONS,
    }


def build_vector_index(vectors: np.ndarray, spec: dict | None) -> faiss.Index:
    """A FAISS index of `vectors` (L2-normalised rows) as `spec` says; row i stays id i."""
    dimension = vectors.shape[1]
    spec = spec or {"kind": "flat"}
    if spec.get("kind", "flat") == "flat":
        index = faiss.IndexFlatIP(dimension)
        if len(vectors):
            index.add(vectors)
        return index
    if spec["kind"] != "ivf_flat":
        raise ValueError(f"unknown vector index kind {spec['kind']!r}")
    quantiser = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIVFFlat(quantiser, dimension, int(spec["nlist"]), faiss.METRIC_INNER_PRODUCT)
    index.cp.niter = int(spec.get("train_iterations", TRAIN_ITERATIONS))
    index.cp.seed = _SEED
    sample = np.random.default_rng(_SEED).choice(len(vectors), min(len(vectors), int(spec["train_size"])), replace=False)
    index.train(vectors[np.sort(sample)])
    index.add(vectors)
    index.nprobe = int(spec["nprobe"])
    return index


def read_vector_index(path: Path, spec: dict | None = None) -> faiss.Index:
    """Memory-mapped where FAISS can (the flat vectors): opening costs no copy of them."""
    index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    if spec and spec.get("kind") == "ivf_flat":
        faiss.extract_index_ivf(index).nprobe = int(spec["nprobe"])
    if isinstance(index, faiss.IndexIVF):
        index.make_direct_map()  # reconstruct() for "more like this" and rebuilds
    return index
