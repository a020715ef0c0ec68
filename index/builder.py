"""Run a BuildPlan: read and chunk what changed, embed only that, and write a new index.

Unchanged files keep their vectors from the previous build; a file that cannot be read is
skipped and reported, and if an older version of it was indexed, that version is kept.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from corpus import Chunk, Document, LexicalTokenizer, PdfHead, UnreadableFileError, chunk_document, read_source
from embed import Embedder, language_direction
from index.errors import CorruptIndexError, PapersearchError
from index.lexical import B, K1, LexicalIndex
from index.manifest import FileRecord, Manifest, SkippedFile
from index.companion import companion_model, companion_vectors
from index.catalog_build import catalog_for, entry_starts, infos_as_json, pdf_infos
from index.planner import BuildPlan
from index.file_store import chunks_to_frame
from index.store import LoadedIndex, Store
from index.vector_index import choose_vector_index

Progress = Callable[[str, int, int], None]  # (stage, done, total)
EMBED_BATCH = 128
_log = logging.getLogger(__name__)


class EmptyLibraryError(PapersearchError):
    pass


@dataclass(frozen=True)
class BuildReport:
    plan: BuildPlan
    wrote_index: bool
    chunks_added: int
    chunks_removed: int
    chunks_total: int
    files_total: int
    skipped: tuple[SkippedFile, ...]
    seconds: float
    embed_seconds: float
    set_aside: Path | None = None  # a damaged store file kept aside before this build replaced it

    def summary(self) -> str:
        kept = (f" The damaged {self.set_aside.name.split('.damaged-')[0]} was kept as {self.set_aside}; "
                "the index was rebuilt from your files.") if self.set_aside else ""
        if not self.wrote_index:
            return f"Index is up to date: {self.files_total} files, {self.chunks_total} chunks." + kept
        return (
            f"Indexed {self.files_total} files, {self.chunks_total} chunks "
            f"(+{self.chunks_added} embedded, -{self.chunks_removed} removed) in {self.seconds:.1f}s; "
            f"{len(self.skipped)} skipped." + kept
        )


def _no_progress(stage: str, done: int, total: int) -> None:
    """Default progress sink: builds called from code need not report."""


def lexical_settings(tokenizer: LexicalTokenizer) -> dict[str, str]:
    """What the BM25 half of an index depends on; a change re-tokenises every passage."""
    return {**tokenizer.settings(), "bm25": f"lucene k1={K1} b={B}"}


def is_up_to_date(
    plan: BuildPlan, previous: LoadedIndex | None, tokenizer: LexicalTokenizer | None = None, companion: str | None = None
) -> bool:
    """The one no-op rule: a readable index, no file changes, same model, companion, chunking and
    BM25 settings, and every passage's role recorded. `companion`: what this store keeps for the
    plan's model (index/companion.py); None does not ask."""
    return (
        previous is not None
        and previous.roles_known  # an index from before passage roles gets them
        and (companion is None or previous.manifest.companion_model == companion)  # ... or its companion
        and plan.is_noop
        and not plan.full_rebuild_reason
        and previous.manifest.lexical_settings == lexical_settings(tokenizer or LexicalTokenizer())
    )


def load_previous(store: Store) -> tuple[LoadedIndex | None, str | None]:
    """The index being updated, verified by loading all of it; if it cannot be read (old format,
    damage) it is not trusted: (None, why), and the build starts again from the files."""
    if not store.exists():
        return None, None
    try:
        previous = store.load()  # says first if the index is of another format
        store.verify()  # a file damaged in place can keep its size and still parse
        return previous, None
    except CorruptIndexError as error:
        return None, f"the current index cannot be used ({error}); rebuilding it from the files"


def trusted_plan(plan: BuildPlan, previous: LoadedIndex | None, problem: str | None) -> BuildPlan:
    """A plan that does not count on an index it could not read."""
    if previous is None and problem:
        return plan.as_full_rebuild(problem)
    return plan


def run_build(
    plan: BuildPlan,
    store: Store,
    load_embedder: Callable[[str], Embedder],
    progress: Progress | None = None,
    tokenizer: LexicalTokenizer | None = None,
    checked: LoadedIndex | None = None,
) -> BuildReport:
    """Build from `plan` on top of the store's current index, under the store's build lock. The
    model is loaded once the lock is held: an index folder that cannot be written, or that another
    build holds, is said before seconds of model loading, not after. `checked`: the index as the
    caller already loaded and verified it, used as it is if no build has replaced it since."""
    started = time.perf_counter()
    tokenizer = tokenizer or LexicalTokenizer()
    progress = progress or _no_progress
    with store.build_lock():
        if checked is not None and checked.location == store.current_build():
            previous, problem = checked, None  # not read and hashed a second time
        else:
            previous, problem = load_previous(store)
        plan = trusted_plan(plan, previous, problem)
        if not plan.files and previous is None:
            raise EmptyLibraryError(
                f"No PDF, Markdown or text files found in {plan.library}. Add papers or notes and build again."
            )
        companion = companion_model(plan.model, store.keeps_companion)
        if is_up_to_date(plan, previous, tokenizer, companion):
            return report_unchanged(plan, previous.manifest)
        embedder = load_embedder(plan.model)
        if embedder.name != plan.model:
            raise ValueError(f"plan is for model {plan.model}, embedder is {embedder.name}")
        settings = lexical_settings(tokenizer)
        retokenise = previous is not None and previous.manifest.lexical_settings != settings

        chunks, records, skipped, warnings, documents, heads = _read_and_chunk(plan, embedder, progress)
        embed_started = time.perf_counter()
        vectors = _embed(chunks, embedder, progress)
        embed_seconds = time.perf_counter() - embed_started

        kept_paths = _kept_paths(plan, previous, skipped)
        kept_rows, kept_vectors, removed, mask = _carry_over(previous, kept_paths)
        if retokenise:
            kept_rows["lexical_tokens"] = tokenizer.tokenize_many(kept_rows["embed_text"].tolist())
        new_rows = chunks_to_frame(chunks, tokenizer.tokenize_many([c.embed_text for c in chunks]))
        frame = pd.concat([kept_rows, new_rows], ignore_index=True)
        all_vectors = np.concatenate([kept_vectors, vectors]) if len(kept_vectors) else vectors

        manifest = _manifest(plan, embedder, previous, kept_paths, records, skipped, warnings, started)
        progress("Linking papers", 0, 1)
        infos = pdf_infos(plan, documents, heads, previous.manifest.pdf_papers if previous else {})
        catalog = catalog_for(plan, infos)
        progress("Linking papers", 1, 1)
        second = None
        if companion:
            second = companion_vectors(companion, frame["embed_text"].tolist(), _carried_companion(previous, companion, mask),
                                       load_embedder, progress)
        manifest = replace(
            manifest, lexical_settings=settings, pdf_papers=infos_as_json(infos), vector_index=choose_vector_index(len(frame)),
            companion_model=second.model if second else "", companion_dimension=second.dimension if second else 0,
        )
        progress("Writing index", 0, 1)
        lexical = LexicalIndex.fit([list(tokens) for tokens in frame["lexical_tokens"]])
        store.write(manifest, frame, all_vectors, lexical, catalog, _direction(previous, embedder), second)
        progress("Writing index", 1, 1)
        return _report(plan, manifest, True, len(chunks), removed, started, embed_seconds)


def _direction(previous: LoadedIndex | None, embedder: Embedder) -> np.ndarray | None:
    """Stored with the index so a search need not embed the calibration pairs again."""
    if previous is not None and previous.manifest.model == embedder.name and previous.language_direction is not None:
        return previous.language_direction
    return language_direction(embedder)


def _read_and_chunk(
    plan: BuildPlan, embedder: Embedder, progress: Progress
) -> tuple[
    list[Chunk], dict[str, FileRecord], list[SkippedFile], dict[str, list[str]], dict[str, Document], dict[str, PdfHead]
]:
    """Read, then chunk, every new or changed file; `heads` keeps page 1 of PDFs that had no text,
    so their paper record needs no second opening."""
    documents: dict[str, Document] = {}
    heads: dict[str, PdfHead] = {}
    chunks: list[Chunk] = []
    records: dict[str, FileRecord] = {}
    skipped: list[SkippedFile] = []
    warnings: dict[str, list[str]] = {}
    total = len(plan.to_read)
    for done, relative in enumerate(plan.to_read):
        progress("Reading files", done, total)
        try:
            document = read_source(plan.files[relative], relative, plan.extra)
            breaks = entry_starts(document, plan.files[relative], relative)
            document_chunks = _unique(chunk_document(document, embedder, plan.chunk_settings, breaks))
        except UnreadableFileError as error:
            skipped.append(SkippedFile(relative, error.reason, plan.hashes[relative]))
            if error.pdf_head is not None:
                heads[relative] = error.pdf_head
            continue
        except Exception as error:  # noqa: BLE001 — an input no reader foresaw stops this file, not the build
            _log.warning("unexpected error reading %r", relative, exc_info=True)
            reason = f"unexpected error while reading ({type(error).__name__}: {error}); please report it"
            skipped.append(SkippedFile(relative, reason, plan.hashes[relative]))
            continue
        documents[relative] = document
        if not document_chunks:
            skipped.append(SkippedFile(relative, "no searchable text after cleaning", plan.hashes[relative]))
            continue
        chunks.extend(document_chunks)
        records[relative] = FileRecord(plan.hashes[relative], document.kind, document.title, len(document_chunks))
        if document.warnings:
            warnings[relative] = list(document.warnings)
    progress("Reading files", total, total)
    return chunks, records, skipped, warnings, documents, heads


def _unique(chunks: list[Chunk]) -> list[Chunk]:
    """Drop repeated chunk ids (identical text at the same place), keeping the first."""
    unique: dict[str, Chunk] = {}
    for chunk in chunks:
        unique.setdefault(chunk.chunk_id, chunk)
    return list(unique.values())


def _embed(chunks: list[Chunk], embedder: Embedder, progress: Progress) -> np.ndarray:
    """Embed in slices for progress; longest texts first, so each batch pads to similar lengths."""
    order = sorted(range(len(chunks)), key=lambda i: -len(chunks[i].embed_text))
    vectors = np.zeros((len(chunks), embedder.dimension), dtype=np.float32)
    total = len(chunks)
    for start in range(0, total, EMBED_BATCH):
        progress("Embedding chunks", start, total)
        rows = order[start : start + EMBED_BATCH]
        vectors[rows] = embedder.embed_documents([chunks[i].embed_text for i in rows])
    progress("Embedding chunks", total, total)
    return vectors


def _kept_paths(plan: BuildPlan, previous: LoadedIndex | None, skipped: list[SkippedFile]) -> set[str]:
    """Files whose previous chunks stay: unchanged ones, and older versions of now-unreadable ones."""
    if previous is None or plan.full_rebuild_reason:
        return set()
    indexed = set(previous.manifest.files)
    failed_now = {item.path for item in skipped} | set(plan.still_unreadable) | set(plan.unreachable)
    return set(plan.unchanged) | (failed_now & indexed)


def _carry_over(previous: LoadedIndex | None, kept: set[str]) -> tuple[pd.DataFrame, np.ndarray, int, np.ndarray]:
    """The previous build's rows of the kept files, their vectors, how many rows go, and the mask."""
    if previous is None:
        return chunks_to_frame([], []), np.zeros((0, 0), dtype=np.float32), 0, np.zeros(0, dtype=bool)
    mask = previous.chunks["path"].isin(kept).to_numpy()
    vectors = previous.all_vectors()[mask] if mask.any() else np.zeros((0, previous.manifest.dimension), np.float32)
    return previous.chunks[mask].reset_index(drop=True), vectors, int((~mask).sum()), mask


def _carried_companion(previous: LoadedIndex | None, companion: str, mask: np.ndarray):
    """The previous companion vectors of the kept rows, when the previous build kept the same companion."""
    if previous is None or previous.companion is None or previous.manifest.companion_model != companion:
        return None
    return previous.all_companion_vectors()[mask], previous.companion_direction


def _manifest(
    plan: BuildPlan,
    embedder: Embedder,
    previous: LoadedIndex | None,
    kept: set[str],
    records: dict[str, FileRecord],
    skipped: list[SkippedFile],
    warnings: dict[str, list[str]],
    started: float,
) -> Manifest:
    old = previous.manifest if previous is not None else None
    files = {path: old.files[path] for path in kept} if old else {}
    files.update(records)
    old_skips = {item.path: item for item in old.skipped} if old else {}
    all_skipped = [old_skips[path] for path in plan.still_unreadable if path in old_skips]
    all_skipped += [
        SkippedFile(item.path, item.reason, item.sha256, kept_previous=item.path in files) for item in skipped
    ]
    all_skipped += [  # no hash: when the file can be read again it is compared by content as usual
        SkippedFile(path, reason, "", kept_previous=path in files) for path, reason in plan.unreachable.items()
    ]
    all_warnings = {path: w for path, w in (old.warnings if old else {}).items() if path in kept}
    all_warnings.update(warnings)
    return Manifest(
        model=embedder.name,
        dimension=embedder.dimension,
        chunk_settings=plan.chunk_settings.as_dict(),
        files=dict(sorted(files.items())),
        skipped=tuple(sorted(all_skipped, key=lambda item: item.path)),
        warnings=all_warnings,
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        build_seconds=round(time.perf_counter() - started, 3),
    )


def report_unchanged(plan: BuildPlan, manifest: Manifest) -> BuildReport:
    """The report of an update that found nothing to do."""
    return _report(plan, manifest, False, 0, 0, time.perf_counter(), 0.0)


def _report(
    plan: BuildPlan, manifest: Manifest, wrote: bool, added: int, removed: int, started: float, embed_seconds: float
) -> BuildReport:
    return BuildReport(
        plan=plan,
        wrote_index=wrote,
        chunks_added=added,
        chunks_removed=removed,
        chunks_total=manifest.chunk_count,
        files_total=len(manifest.files),
        skipped=manifest.skipped,
        seconds=time.perf_counter() - started,
        embed_seconds=embed_seconds,
    )
