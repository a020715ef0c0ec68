"""Which FAISS index holds a build's vectors: exact below a size, approximate above it.

Exact search (IndexFlatIP) reads every vector for every query: on this project's 2-core VM,
under load, 24 ms for 10k passages and 60-100 ms for 100k at 384 dimensions, so at a million
passages one query would cost more than the whole latency budget. From APPROXIMATE_FROM passages
a build writes an inverted-file index instead. k-means groups the passages around `nlist` =
4·sqrt(n) centroids and a query reads the `nprobe` nearest groups; within them it compares the
query with 8-bit codes of the vectors (IndexIVFScalarQuantizer, one byte per dimension: a quarter
of the memory traffic of float32, and the scan is memory-bound), and the `refine_factor`·k best of
those are re-scored exactly against the float32 vectors (IndexRefineFlat), which the index also
keeps, so the scores a search returns, reconstruct() ("more like this") and a rebuild's carried
vectors are exact. Kind "ivf_sq8_refine" in the manifest.

nprobe is a fixed number of lists (at most nlist), not a share of them: the lists a query must
read for recall@10 ≥ 0.99 grew far more slowly than nlist from 100k to 1M passages (bench/README.md,
"Scale", which also has the recall and time per nprobe). HNSW was measured and not chosen: adding
30k vectors took 20 s here, so a million would take longer than the whole build budget.

An update of a finished index keeps the previous build's trained IVF index (its centroids and
8-bit ranges) while the library stays within a factor of two of the size its lists were chosen
for (`keeps_training`), and only drops and adds rows (`updated_vector_index`): training again
took minutes at 376,700 passages (bench/README.md, "big_library"). The manifest's vector_index
then names the parameters the index was trained with, not those a fresh build would choose.

Indexes built before this ("ivf_flat": IndexIVFFlat with nprobe = nlist/3) are still read and
searched as their manifest says; `choose_vector_index` no longer writes them.
"""

from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

from index.vector_file import SLICE_ROWS, VectorFile, row_slices, take_rows

APPROXIMATE_FROM = 50_000  # passages; below it exact search is fast enough (bench/HISTORY.md, "Scale")
TRAIN_PER_LIST = 40  # k-means training sample: this many vectors per list (FAISS's own minimum is 39)
TRAIN_ITERATIONS = 10  # k-means iterations (FAISS default 25; 10 trains 2.5x faster, recall measured)
NPROBE = 512  # lists read per query (at most nlist): recall@10 >= 0.99 measured at 100k and 1M
MIN_NPROBE = 16
REFINE_FACTOR = 4  # the base index returns this many times k candidates, re-scored exactly
ADD_ROWS = SLICE_ROWS  # vectors handed to FAISS at a time
_SEED = 1234


def choose_vector_index(count: int, approximate_from: int | None = None) -> dict:
    """The manifest's `vector_index` for a build of `count` passages."""
    threshold = APPROXIMATE_FROM if approximate_from is None else approximate_from
    if count < max(threshold, 1):
        return {"kind": "flat", "metric": "inner_product"}
    nlist = max(1, min(int(4 * math.sqrt(count)), count // TRAIN_PER_LIST))
    return {
        "kind": "ivf_sq8_refine", "metric": "inner_product", "nlist": nlist,
        "nprobe": min(nlist, max(MIN_NPROBE, NPROBE)), "refine_factor": REFINE_FACTOR,
        "train_size": min(count, nlist * TRAIN_PER_LIST), "train_iterations": TRAIN_ITERATIONS,
    }


def build_vector_index(vectors: np.ndarray | VectorFile, spec: dict | None) -> faiss.Index:
    """A FAISS index of `vectors` (L2-normalised rows, in memory or in a VectorFile) as `spec`
    says; row i stays id i. The rows are added a slice at a time: besides the index's own copy,
    the build holds one slice (and the training sample), never a second copy of them all."""
    dimension = vectors.shape[1]
    spec = spec or {"kind": "flat"}
    kind = spec.get("kind", "flat")
    if kind == "flat":
        index = faiss.IndexFlatIP(dimension)
        _add(index, vectors)
        return index
    if kind not in ("ivf_flat", "ivf_sq8_refine"):
        raise ValueError(f"unknown vector index kind {kind!r}")
    quantiser = faiss.IndexFlatIP(dimension)
    if kind == "ivf_flat":
        ivf = faiss.IndexIVFFlat(quantiser, dimension, int(spec["nlist"]), faiss.METRIC_INNER_PRODUCT)
    else:
        ivf = faiss.IndexIVFScalarQuantizer(
            quantiser, dimension, int(spec["nlist"]), faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        )
    ivf.own_fields = True  # the IVF index frees its quantiser
    quantiser.this.disown()
    ivf.cp.niter = int(spec.get("train_iterations", TRAIN_ITERATIONS))
    ivf.cp.seed = _SEED
    sample = np.random.default_rng(_SEED).choice(len(vectors), min(len(vectors), int(spec["train_size"])), replace=False)
    ivf.train(take_rows(vectors, np.sort(sample)))
    ivf.nprobe = int(spec["nprobe"])
    if kind == "ivf_flat":
        _add(ivf, vectors)
        return ivf
    index = faiss.IndexRefineFlat(ivf)
    index.own_fields = True
    ivf.this.disown()
    index.k_factor = float(spec.get("refine_factor", REFINE_FACTOR))
    _add(index, vectors)
    return index


def _add(index: faiss.Index, vectors: np.ndarray | VectorFile) -> None:
    """Every row, in order, a slice at a time (ids run on from slice to slice: the same index as one add)."""
    flat = index.refine_index if isinstance(index, faiss.IndexRefine) else index
    _reserve(faiss.downcast_index(flat), len(vectors))
    for part in row_slices(vectors, ADD_ROWS):
        index.add(part)


def _reserve(index: faiss.Index, rows: int) -> None:
    """Room for `rows` more vectors in a flat index's storage before they are added a slice at a time:
    growing by slices would reallocate it over and over, each time holding the old storage and a
    new one of up to twice its size (measured: 1.56x the index's size at 200k vectors). A C++
    vector keeps its capacity when it is made smaller, so growing it once and shrinking it back
    is a reserve() that FAISS's Python binding lacks."""
    if isinstance(index, faiss.IndexFlatCodes) and rows:
        used = index.codes.size()
        index.codes.resize(used + rows * index.code_size)
        index.codes.resize(used)


def read_vector_index(path: Path, spec: dict | None = None) -> faiss.Index:
    """Memory-mapped: opening copies neither the vectors nor the inverted lists, and the exact
    vectors of a refined index are paged in only for the rows a search re-scores. (IO_FLAG_MMAP
    alone maps the inverted lists but copies an IndexFlat's vectors into memory; IO_FLAG_MMAP_IFC
    maps the whole file, and cannot be combined with it.)"""
    index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)
    kind = (spec or {}).get("kind")
    if kind in ("ivf_flat", "ivf_sq8_refine"):
        faiss.extract_index_ivf(index).nprobe = int(spec["nprobe"])
    if isinstance(index, faiss.IndexRefine):
        index.k_factor = float((spec or {}).get("refine_factor", index.k_factor))
    if isinstance(index, faiss.IndexIVF):
        index.make_direct_map()  # reconstruct() for "more like this" and rebuilds
    return index


def keeps_training(spec: dict | None, count: int) -> bool:
    """Whether an update to `count` passages may keep the previous build's trained IVF index
    (its centroids and 8-bit ranges), adding only the new vectors: while `count` is within a factor
    of two of the size its lists were chosen for (nlist grows with sqrt(count)), and the index is of
    the kind builds write now. A flat index never trains: it always may."""
    kind, fresh = (spec or {}).get("kind", "flat"), choose_vector_index(count)
    if kind == "flat":
        return fresh["kind"] == "flat"
    if kind != "ivf_sq8_refine" or fresh["kind"] != kind:
        return False
    return int(spec["nlist"]) / 2 ** 0.5 <= fresh["nlist"] <= int(spec["nlist"]) * 2 ** 0.5


def updated_vector_index(index: faiss.Index, keep: np.ndarray, added: np.ndarray) -> faiss.Index:
    """`index` (read whole, not memory-mapped) without the rows `keep` is False for and with
    `added` after the rest, row i still id i, its training kept: an IVF index's lists end as
    those of the same trained index given the kept vectors and then the new ones in row order,
    code for code (tests/index/test_update_in_place.py)."""
    keep = np.asarray(keep, dtype=bool)
    if len(keep) != index.ntotal:
        raise ValueError(f"{len(keep)} rows to keep or drop for an index of {index.ntotal}")
    removed = np.flatnonzero(~keep).astype(np.int64)
    if len(removed):
        if isinstance(index, faiss.IndexRefine):
            _remove_renumbering(faiss.extract_index_ivf(index.base_index), keep)
            index.refine_index.remove_ids(faiss.IDSelectorBatch(removed))  # a flat index closes the gaps itself
            index.ntotal = index.base_index.ntotal
        elif isinstance(index, faiss.IndexIVF):
            _remove_renumbering(index, keep)
        else:
            index.remove_ids(faiss.IDSelectorBatch(removed))
    if len(added):
        index.add(np.ascontiguousarray(added, dtype=np.float32))
    return index


def _remove_renumbering(ivf: faiss.IndexIVF, keep: np.ndarray) -> None:
    """An IVF index's entries of the rows `keep` is False for dropped, each list's others kept in
    their order, and every row's id lowered by the number of dropped rows before it, so that ids
    stay row numbers. (faiss's own remove_ids moves a list's last entry into each gap.)"""
    ivf.set_direct_map_type(faiss.DirectMap.NoMap)
    renumbered = np.cumsum(keep, dtype=np.int64) - 1
    lists = faiss.downcast_InvertedLists(ivf.invlists)
    for number in range(ivf.nlist):
        size = lists.list_size(number)
        if not size:
            continue
        ids = faiss.rev_swig_ptr(lists.get_ids(number), size)
        kept = keep[ids]
        if kept.all():
            ids[:] = renumbered[ids]  # the list's own memory: only the numbers move
            continue
        codes = faiss.rev_swig_ptr(lists.get_codes(number), size * lists.code_size).reshape(size, lists.code_size)
        new_ids, new_codes = np.ascontiguousarray(renumbered[ids[kept]]), np.ascontiguousarray(codes[kept])
        lists.resize(number, len(new_ids))
        if len(new_ids):
            lists.update_entries(number, 0, len(new_ids), faiss.swig_ptr(new_ids), faiss.swig_ptr(new_codes))
    ivf.ntotal = int(keep.sum())
