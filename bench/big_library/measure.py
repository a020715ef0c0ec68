"""The measurements of issue #23, one function each, every one runnable alone.

Each takes a Context and returns a dict for the results file. A feature the engine does not have
yet (a build that is searchable only at its end, a killed build that starts over) is measured as
it is and said so; a measurement that cannot be taken at all raises NotSupported, which the
harness records as "not supported" instead of a number.
"""

from __future__ import annotations

import shutil
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.big_library import procs
from bench.common import shown

MARKER = ".made-by-big-library-bench"  # beside an index folder the harness may delete (the builder refuses foreign files in it)


class NotSupported(Exception):
    """The engine cannot do what this measurement needs (yet)."""


@dataclass(frozen=True)
class Context:
    library: Path
    index: Path  # the reference index: cold builds it; noop, add10, latency and kill compare with it
    queries: list[dict]
    work: Path  # scratch: other indexes, the 10 added PDFs
    poll_seconds: float = 5.0
    seed: int = 0
    reference: Path | None = None  # another index of the same library (built by other code) to compare with
    kill_at: tuple[float, ...] = (0.25, 0.5, 0.9)  # shares of the embedding at which `kill` stops a build


def fresh_index(path: Path) -> Path:
    """No index folder at `path` (the build makes it); an existing one is deleted only if it is an
    index, empty, or one this harness made (a killed build leaves no manifest)."""
    marker = path.with_name(path.name + MARKER)
    if path.exists():
        if not ((path / "manifest.json").exists() or marker.exists() or not any(path.iterdir())):
            raise SystemExit(f"{path} exists and is not an index: not deleting it.")
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("bench/big_library may delete the index folder beside this file" + chr(10), encoding="utf-8")
    return path


def _require_index(ctx: Context) -> None:
    if not (ctx.index / "CURRENT").exists():  # the file store names its live build there
        raise NotSupported(f"no built index at {ctx.index}: run --only cold first")


def cold(ctx: Context) -> dict:
    """A full cold build: wall time, passages and passages/s, peak RSS, when each stage began."""
    result = procs.build(ctx.library, fresh_index(ctx.index))
    if result.returncode:
        return {"status": "failed", **result.to_dict()}
    embed = _embed_stage_seconds(result)
    return {
        **result.to_dict(),
        "passages_per_s": round(result.chunks / result.seconds, 2) if result.chunks else None,
        "embed_stage_seconds": embed,
        "embed_passages_per_s": round(result.embedded / embed, 2) if embed and result.embedded else None,
    }


def _embed_stage_seconds(result: procs.BuildResult) -> float | None:
    """From the first embedding progress line to the next stage's first line (or the end)."""
    starts = sorted(result.stage_starts.items(), key=lambda item: item[1])
    for position, (stage, began) in enumerate(starts):
        if stage in procs.EMBED_STAGES:
            ended = starts[position + 1][1] if position + 1 < len(starts) else result.seconds
            return round(ended - began, 2)
    return None


def first_search(ctx: Context) -> dict:
    """From the start of a cold build, a search in a second process every few seconds until one
    answers with any hit for a query whose answer is in the library."""
    index = fresh_index(ctx.work / "first_search_index")
    query = ctx.queries[0]
    build = procs.Build(ctx.library, index)
    attempts, first, errors = 0, None, []
    while build.running() and first is None:
        time.sleep(ctx.poll_seconds)
        asked = build.elapsed()
        answer = procs.search(query["query"], ctx.library, index)
        attempts += 1
        if answer.hits:
            first = {"asked_at_s": round(asked, 1), "answered_at_s": round(build.elapsed(), 1),
                     "answer_in_top10": any(hit["path"] == query["file"] for hit in answer.hits)}
        elif answer.error and answer.error not in errors:
            errors.append(answer.error)
    during = first is not None
    result = build.wait()
    if first is None:  # nothing answered while it built: the first search is one after the build
        answer = procs.search(query["query"], ctx.library, index)
        first = {"asked_at_s": round(result.seconds, 1), "answered_at_s": round(result.seconds + answer.seconds, 1),
                 "answer_in_top10": any(hit["path"] == query["file"] for hit in answer.hits)}
    shutil.rmtree(index)
    return {
        "query": query["query"], "searchable_while_building": during, **first, "build_seconds": result.seconds,
        "ratio_to_build": round(first["answered_at_s"] / result.seconds, 3), "search_attempts": attempts,
        "poll_seconds": ctx.poll_seconds, "search_errors_while_building": errors[:3],
    }


def kill(ctx: Context) -> dict:
    """kill -9 at each share of the embedding in `ctx.kill_at`, then build again: how much the
    second run embedded, and whether its top 10 on the queries equals the uninterrupted build's
    (the reference index, which must be a cold build of the same code: an updated index keeps
    its older vector index's training, so its approximate top 10 may differ)."""
    _require_index(ctx)
    reference = top10(ctx, ctx.index)
    runs = {}
    for fraction in ctx.kill_at:
        index = fresh_index(ctx.work / f"kill_{int(fraction * 100)}_index")
        build = procs.Build(ctx.library, index)
        killed_at = None
        while build.running():
            embedding = build.progress.embedding()
            if embedding and embedding[1] and embedding[0] / embedding[1] >= fraction:
                killed_at = embedding
                build.kill9()
                break
            time.sleep(0.2)
        build.wait()
        if killed_at is None:
            runs[str(fraction)] = {"status": "not supported", "why": "no embedding progress seen before the build ended"}
            continue
        resumed = procs.build(ctx.library, index)
        done, total = killed_at
        missing = 1 - done / total
        share = resumed.embedded / resumed.chunks if resumed.chunks and resumed.embedded is not None else None
        same = _same(reference, top10(ctx, index))
        runs[str(fraction)] = {
            "killed_at": {"embedded": done, "of": total, "seconds": round(build.seconds, 1)},
            "resumed": resumed.to_dict(), "resumed_embedded_share": round(share, 4) if share is not None else None,
            "missing_share": round(missing, 4),
            "within_missing_plus_2pct": share is not None and share <= missing + 0.02,
            "same_top10": f"{same} of {len(reference)}",
        }
        shutil.rmtree(index)
    return {"runs": runs, "vectors_compared": "not by this harness (the CLI does not print vectors)"}


def top10(ctx: Context, index: Path) -> list[list[str]]:
    return [[hit["chunk_id"] for hit in procs.search(query["query"], ctx.library, index).hits] for query in ctx.queries]


def _same(first: list[list[str]], second: list[list[str]]) -> int:
    return sum(a == b for a, b in zip(first, second))


def noop(ctx: Context, rounds: int = 3) -> dict:
    """`build` with nothing changed: the process's wall time, `rounds` times."""
    _require_index(ctx)
    results = [procs.build(ctx.library, ctx.index) for _ in range(rounds)]
    if not all(result.up_to_date for result in results):
        return {"status": "not a no-op", "summaries": [result.summary for result in results]}
    seconds = [result.seconds for result in results]
    cpu = [result.cpu_seconds for result in results]
    return {"seconds": seconds, "median_s": statistics.median(seconds), "cpu_seconds": cpu,
            "median_cpu_s": statistics.median(cpu), "files": results[0].files}


def add10(ctx: Context) -> dict:
    """10 new PDFs copied into the library and built, against those 10 built alone in a fresh
    index; the 10 are removed again and the library rebuilt, so the reference index is as before."""
    return _add_pdfs(ctx, 10)


def add1(ctx: Context) -> dict:
    """One new PDF, as add10: the time a one-file update takes in a library of this size."""
    return _add_pdfs(ctx, 1)


def _add_pdfs(ctx: Context, count: int) -> dict:
    from bench.big_library.generate import generate

    _require_index(ctx)
    alone = ctx.work / f"{count}_pdfs"
    if alone.exists():
        shutil.rmtree(alone)
    generate(count, alone, seed=ctx.seed + 1000, pdf_share=1.0, workers=1)
    added = ctx.library / "added-by-bench"
    if added.exists():
        raise SystemExit(f"{added} exists: a previous add10 did not finish; remove it and build again.")
    added.mkdir()
    try:
        for number, pdf in enumerate(sorted(alone.rglob("*.pdf"))):
            shutil.copy2(pdf, added / f"{number:02d} {pdf.name}")
        with_library = procs.build(ctx.library, ctx.index)
    finally:
        shutil.rmtree(added)
    restored = procs.build(ctx.library, ctx.index)
    only = procs.build(alone, fresh_index(ctx.work / f"{count}_pdfs_index"))
    shutil.rmtree(ctx.work / f"{count}_pdfs_index")
    return {
        f"add_{count}_to_library": with_library.to_dict(), f"{count}_alone_fresh_index": only.to_dict(),
        "difference_s": round(with_library.seconds - only.seconds, 2),
        "within_alone_plus_5s": with_library.seconds <= only.seconds + 5,
        "restore_build": {"seconds": restored.seconds, "summary": restored.summary,
                          "peak_rss_mib": restored.peak_rss_mib},
    }


def same_as_reference(ctx: Context) -> dict:
    """The index against --reference-index (the same library built by other code, e.g. before a
    change): the same passages, the same vectors by passage, the same top 10 on the queries."""
    _require_index(ctx)
    if ctx.reference is None:
        raise NotSupported("give --reference-index")
    from index.file_store import FileStore

    ours, theirs = FileStore(ctx.index).load(), FileStore(ctx.reference).load()
    mine = dict(zip(ours.chunks["chunk_id"], ours.all_vectors(), strict=True))
    other = dict(zip(theirs.chunks["chunk_id"], theirs.all_vectors(), strict=True))
    columns = ["chunk_id", "path", "text", "embed_text", "page", "heading", "role"]
    rows = {tuple(row) for row in ours.chunks[columns].astype(str).itertuples(index=False)}
    other_rows = {tuple(row) for row in theirs.chunks[columns].astype(str).itertuples(index=False)}
    tokens = dict(zip(ours.chunks["chunk_id"], map(tuple, ours.chunks["lexical_tokens"]), strict=True))
    other_tokens = dict(zip(theirs.chunks["chunk_id"], map(tuple, theirs.chunks["lexical_tokens"]), strict=True))
    same_vectors = mine.keys() == other.keys() and all(np.array_equal(mine[c], other[c]) for c in mine)
    same_second = (ours.manifest.companion_model == theirs.manifest.companion_model
                   and _by_chunk(ours, ours.all_companion_vectors()) == _by_chunk(theirs, theirs.all_companion_vectors()))
    same = _same(top10(ctx, ctx.index), top10(ctx, ctx.reference))
    return {"reference": shown(ctx.reference), "passages": len(mine), "same_passages": rows == other_rows,
            "same_tokens": tokens == other_tokens, "same_vectors": bool(same_vectors),
            "companion": ours.manifest.companion_model, "same_companion_vectors": bool(same_second),
            "same_faiss_files": _same_faiss_files(ours.location, theirs.location),
            "same_top10": f"{same} of {len(ctx.queries)}"}


def _by_chunk(index, vectors: np.ndarray) -> dict[str, bytes]:
    """Each passage's vector by chunk id (none when the index keeps no such vectors)."""
    if not len(vectors):
        return {}
    return {chunk: row.tobytes() for chunk, row in zip(index.chunks["chunk_id"], vectors, strict=True)}


def _same_faiss_files(ours: Path, theirs: Path) -> dict[str, bool]:
    """Byte for byte (their SHA-256 in each build's checksums.json), for each FAISS file either has."""
    import json

    mine, other = (json.loads((build / "checksums.json").read_text(encoding="utf-8")) for build in (ours, theirs))
    return {name: mine.get(name) == other.get(name) for name in sorted(set(mine) | set(other)) if name.endswith(".faiss")}


def model_rss(ctx: Context) -> dict:
    """What the real models hold in memory, whatever the library: the default model and its
    companion loaded in a fresh process and one batch embedded with each, the process's peak RSS
    against its RSS before loading them. A build with the hash fake plus this is a real build's memory."""
    return procs.model_memory()


def latency(ctx: Context) -> dict:
    """The 20 queries as one-shot `search` processes, idle and while a copy of the index is being
    rebuilt (other chunk settings force a full rebuild; the copy is thrown away afterwards)."""
    _require_index(ctx)
    idle = [procs.search(query["query"], ctx.library, ctx.index) for query in ctx.queries]
    copy = ctx.work / "latency_index"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(ctx.index, copy)
    rebuild = procs.Build(ctx.library, copy, ["--chunk-tokens", "160"])
    while build_not_embedding(rebuild):
        time.sleep(0.5)
    during = [procs.search(query["query"], ctx.library, copy) for query in ctx.queries] if rebuild.running() else []
    still_running = rebuild.running()
    rebuild.kill9()
    shutil.rmtree(copy)
    if not during or not still_running:
        raise NotSupported("the rebuild ended before the searches did; use a bigger library")
    return {"idle": _percentiles(idle), "during_rebuild": _percentiles(during),
            "p50_ratio": round(_percentiles(during)["p50_s"] / _percentiles(idle)["p50_s"], 2),
            "how": "one-shot CLI processes (imports and model load included), 20 queries each"}


def build_not_embedding(build: procs.Build) -> bool:
    """Waiting for the rebuild to reach its embedding: searches then compete with the real work."""
    return build.running() and build.progress.embedding() is None


def _percentiles(answers: list[procs.Answer]) -> dict:
    seconds = sorted(answer.seconds for answer in answers)
    failed = sum(answer.returncode != 0 for answer in answers)
    return {"p50_s": round(statistics.median(seconds), 3),
            "p95_s": round(seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))], 3),
            "queries": len(seconds), "failed": failed}


MEASUREMENTS = {"cold": cold, "first_search": first_search, "kill": kill, "noop": noop, "add1": add1, "add10": add10,
                "latency": latency, "model_rss": model_rss, "same_as_reference": same_as_reference}
