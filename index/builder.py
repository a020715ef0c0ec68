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
import pyarrow as pa
import pyarrow.compute as pc

from corpus import Chunk, LexicalTokenizer, UnreadableFileError, chunk_document, read_source
from embed import Embedder, language_direction
from index.errors import CorruptIndexError, PapersearchError
from index.heap import release_freed_memory
from index.lexical import B, K1, LexicalIndex, TokenIds
from index.manifest import FileRecord, Manifest, SkippedFile
from index.companion import companion_model, companion_vectors
from index.passage_vectors import PassageVectors, vectors_by_text
from index.build_progress import ProgressFile
from index.migrations import lacks_title_terms
from index.staged_build import StagedCommits
from index.vector_journal import VectorJournal
from papers import CITATIONS_VERSION
from index.catalog_build import (FreshFacts, catalog_for, entry_starts, fresh_note_facts, fresh_pdf_info,
                                 infos_as_json, pdf_infos, reference_candidates)
from index.planner import BuildPlan
from index.file_store import ROW_COLUMNS, PassageRows
from index.store import LoadedIndex, Store
from index.vector_index import choose_vector_index, keeps_training

Progress = Callable[[str, int, int], None]  # (stage, done, total)
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
    reused: int = 0  # new passages whose text an earlier (perhaps interrupted) build had embedded

    @property
    def _reused(self) -> str:
        return f", {self.reused} already embedded by an earlier build" if self.reused else ""

    def summary(self) -> str:
        kept = (f" The damaged {self.set_aside.name.split('.damaged-')[0]} was kept as {self.set_aside}; "
                "the index was rebuilt from your files.") if self.set_aside else ""
        if not self.wrote_index:
            return f"Index is up to date: {self.files_total} files, {self.chunks_total} chunks." + kept
        return (
            f"Indexed {self.files_total} files, {self.chunks_total} chunks "
            f"({self.chunks_added} embedded{self._reused}, {self.chunks_removed} removed) in {self.seconds:.1f}s; "
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
        and previous.catalog.citations_version == CITATIONS_VERSION  # ... and one whose citations are older
        and previous.manifest.pending_rows == 0  # a staged build that was interrupted goes on
        and (companion is None or previous.manifest.companion_model == companion)  # ... or its companion
        and not lacks_title_terms(previous, companion)  # ... or one from before the title terms
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
        store.verify(remember=True)  # a file damaged in place can keep its size and still parse
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
        tracker = ProgressFile(store.directory, progress)
        try:
            return _build_locked(plan, store, load_embedder, tracker, tokenizer, checked, started)
        finally:
            tracker.close()


def _build_locked(plan, store, load_embedder, progress, tokenizer, checked, started) -> BuildReport:
    """The build itself, under the store's lock; `progress` also keeps progress.json up to date."""
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

    new_rows, records, skipped, warnings, fresh = _read_and_chunk(plan, embedder, tokenizer, progress)
    kept_paths = _kept_paths(plan, previous, skipped)
    if _updates_in_place(store, previous, plan, retokenise, embedder, companion, kept_paths, len(new_rows)):
        return _update_in_place(plan, store, load_embedder, progress, previous, embedder, companion, new_rows,
                                kept_paths, (records, skipped, warnings, fresh), settings, started)
    stored = previous.all_vectors() if previous is not None else None  # read once: both below need them
    rows = previous.rows if previous is not None else None  # read once too, and let go once carried over
    kept_rows, kept, removed, mask = _carry_over(rows, stored, kept_paths)
    by_text = _dropped_by_text(previous, rows, stored, mask, embedder)
    del rows, stored  # what stays of them is in kept_rows, kept and by_text
    tokens = _kept_tokens(previous, mask, kept_rows, tokenizer, retokenise)
    for row_tokens in new_rows["lexical_tokens"]:
        tokens.append(row_tokens)
    new_rows = new_rows.drop(columns="lexical_tokens")  # the tokens are BM25's ids from here on
    frame = pd.concat([kept_rows, new_rows], ignore_index=True) if len(kept_rows) else new_rows
    del new_rows, kept_rows  # the frame is all of them: a staged build lets it go before embedding

    manifest = _manifest(plan, embedder, previous, kept_paths, records, skipped, warnings, started)
    progress("Linking papers", 0, 1)
    infos = pdf_infos(plan, fresh.pdfs, previous.manifest.pdf_papers if previous else {})
    catalog = catalog_for(plan, infos, frame, store.directory, fresh.notes)
    del fresh  # the notes' facts are in the catalog and the note cache: not held while embedding
    progress("Linking papers", 1, 1)
    manifest = replace(manifest, lexical_settings=settings, pdf_papers=infos_as_json(infos))
    journal = VectorJournal(store.directory)
    vectors = PassageVectors.start(frame, kept, by_text, embedder, journal,
                                   kept_settled=previous is None or previous.manifest.pending_rows == 0)
    del kept, by_text  # copied into the vectors: not held while the model embeds
    staged = StagedCommits.for_build(store, previous, vectors.missing_count)
    if staged is not None:  # first build of a large library: searchable by keyword now, by meaning as it goes
        tokens = tokens.take(vectors.filling_order())
        frame, vectors = vectors.filled_first(frame, spill=store.directory)  # vectors on disk, not in memory
    lexical = LexicalIndex.fit_ids(tokens)
    del tokens  # BM25 holds them
    titles = list(dict.fromkeys(frame["title"].tolist())) if companion else None  # their terms, for the companion
    direction = _direction(previous, embedder)

    def commit(filled: int, second=None, final: bool = False) -> Path:
        pending = len(frame) - filled
        kind = choose_vector_index(len(frame)) if final else choose_vector_index(0)  # a stage is short-lived: exact
        stage_manifest = _committed(manifest, kind, pending, second, started)
        if final:  # a stage's commit is a moment between batches: the progress stays the embedding's
            progress("Writing index", 0, 1)
        written = store.write(stage_manifest, frame, vectors.vectors[:filled], lexical, catalog, direction, second,
                              reuse=staged.last if staged is not None else None)
        if final:
            progress("Writing index", 1, 1)
        return written

    embed_started = time.perf_counter()
    if staged is not None:
        staged.begin(commit, vectors.filled_prefix)
        # the passages, BM25 and catalog are on disk in that commit, and the next ones link them:
        # only the number of rows is needed now (the texts to embed are the vectors' own list)
        frame, lexical = frame.iloc[:, :0], LexicalIndex(None)
        release_freed_memory()
    vectors.embed_missing(embedder, progress, staged.after_batch if staged is not None else None)
    embed_seconds = time.perf_counter() - embed_started
    second = None
    if companion:
        if staged is not None:
            staged.commit_now(len(frame))  # every passage searchable by meaning while the second encoder runs
        second = companion_vectors(companion, vectors.texts,
                                   None if staged is not None else _carried_companion(previous, companion, mask),
                                   load_embedder, progress, journal, spill=vectors.spill, titles=titles,
                                   previous_terms=_previous_terms(previous, companion))
    commit(len(frame), second, final=True)
    journal.discard()  # its vectors are in the index now
    manifest = replace(manifest, pending_rows=0)
    return _report(plan, manifest, True, vectors.embedded, removed, started, embed_seconds,
                   reused=vectors.reused)


def _updates_in_place(store, previous, plan, retokenise, embedder, companion, kept_paths, added) -> bool:
    """Whether this build is an update of a finished index that the store can make from the
    previous build's files (FileStore.write_update), keeping its trained vector index: the same
    model, companion, tokens and kind of vector index, for about as many passages."""
    if not getattr(store, "updates_in_place", False) or previous is None or plan.full_rebuild_reason or retokenise:
        return False
    old = previous.manifest
    if (old.pending_rows or not previous.roles_known or old.model != embedder.name or old.dimension != embedder.dimension
            or old.companion_model != (companion or "") or previous.vectors.ntotal != previous.passages.num_rows):
        return False
    kept = int(previous.rows_of_files(kept_paths).sum())
    return keeps_training(old.vector_index, kept + added)


def _update_in_place(plan, store, load_embedder, progress, previous, embedder, companion, new_rows, kept_paths,
                     read, settings, started) -> BuildReport:
    """An update of a finished index, at a cost that follows what changed, not the library: the
    previous build's passages are not loaded, only which rows stay (by path), the few dropped rows'
    texts (their vectors serve a changed file's unchanged passages), and the rows the catalog's
    citations read. The new rows are embedded as the full path would (the same batches), and the
    store writes the new build from the previous one's files (FileStore.write_update)."""
    records, skipped, warnings, fresh = read
    keep = previous.rows_of_files(kept_paths)
    dropped = np.flatnonzero(~keep)
    by_text = {}
    if len(dropped):
        by_text = vectors_by_text(previous.embed_texts(dropped), previous.vectors.reconstruct_batch(dropped))
    manifest = _manifest(plan, embedder, previous, kept_paths, records, skipped, warnings, started)
    progress("Linking papers", 0, 1)
    infos = pdf_infos(plan, fresh.pdfs, previous.manifest.pdf_papers)
    cited = pd.concat([reference_candidates(previous.passages, keep), new_rows[["path", "page", "role", "text"]]],
                      ignore_index=True)
    catalog = catalog_for(plan, infos, cited, store.directory, fresh.notes)
    del cited
    progress("Linking papers", 1, 1)
    journal = VectorJournal(store.directory)
    none = (np.zeros((0, embedder.dimension), dtype=np.float32), np.zeros(0, dtype=bool))
    vectors = PassageVectors.start(new_rows, none, by_text, embedder, journal)
    embed_started = time.perf_counter()
    vectors.embed_missing(embedder, progress)
    embed_seconds = time.perf_counter() - embed_started
    second = None
    if companion:
        carried = (np.zeros((0, previous.manifest.companion_dimension), dtype=np.float32), previous.companion_direction)
        kept_titles = pc.unique(previous.passages.column("title").filter(pa.array(keep))).to_pylist()
        second = companion_vectors(companion, vectors.texts, carried, load_embedder, progress, journal,
                                   titles=kept_titles + new_rows["title"].tolist(),
                                   previous_terms=_previous_terms(previous, companion))
    manifest = _committed(replace(manifest, lexical_settings=settings, pdf_papers=infos_as_json(infos)),
                          previous.manifest.vector_index, 0, second, started)
    progress("Writing index", 0, 1)
    store.write_update(manifest, previous, keep, new_rows, vectors.vectors, catalog, _direction(previous, embedder),
                       second)
    progress("Writing index", 1, 1)
    journal.discard()
    return _report(plan, manifest, True, vectors.embedded, len(dropped), started, embed_seconds, reused=vectors.reused)


def _committed(manifest: Manifest, vector_index: dict, pending: int, second, started: float) -> Manifest:
    """The manifest as a commit writes it: its vector index, the passages still without vectors,
    the second encoder's vectors (if any) and the time the build has taken so far."""
    return replace(manifest, vector_index=vector_index, pending_rows=pending,
                   companion_model=second.model if second else "", companion_dimension=second.dimension if second else 0,
                   build_seconds=round(time.perf_counter() - started, 3))


def _direction(previous: LoadedIndex | None, embedder: Embedder) -> np.ndarray | None:
    """Stored with the index so a search need not embed the calibration pairs again."""
    if previous is not None and previous.manifest.model == embedder.name and previous.language_direction is not None:
        return previous.language_direction
    return language_direction(embedder)


def _read_and_chunk(
    plan: BuildPlan, embedder: Embedder, tokenizer: LexicalTokenizer, progress: Progress
) -> tuple[pd.DataFrame, dict[str, FileRecord], list[SkippedFile], dict[str, list[str]], FreshFacts]:
    """Read, chunk and tokenise every new or changed file, one at a time: the build keeps each
    passage's row (PassageRows), each PDF's paper info and each note's facts, not the file's
    document or Chunk objects (at 10,000 files, the whole library's text held two or three more times)."""
    rows = PassageRows()
    fresh = FreshFacts()
    records: dict[str, FileRecord] = {}
    skipped: list[SkippedFile] = []
    warnings: dict[str, list[str]] = {}
    total = len(plan.to_read)
    for done, relative in enumerate(plan.to_read):
        progress("Reading files", done, total)
        path = plan.files[relative]
        try:
            document = read_source(path, relative, plan.extra)
            note = fresh_note_facts(document, path, relative)
            document_chunks = _unique(chunk_document(document, embedder, plan.chunk_settings, entry_starts(note)))
        except UnreadableFileError as error:
            skipped.append(SkippedFile(relative, error.reason, plan.hashes[relative]))
            if (info := fresh_pdf_info(relative, path, None, error.pdf_head)) is not None:
                fresh.pdfs[relative] = info
            continue
        except Exception as error:  # noqa: BLE001 — an input no reader foresaw stops this file, not the build
            _log.warning("unexpected error reading %r", relative, exc_info=True)
            reason = f"unexpected error while reading ({type(error).__name__}: {error}); please report it"
            skipped.append(SkippedFile(relative, reason, plan.hashes[relative]))
            continue
        if (info := fresh_pdf_info(relative, path, document, None)) is not None:
            fresh.pdfs[relative] = info
        if note is not None:
            fresh.notes[relative] = note
        if not document_chunks:
            skipped.append(SkippedFile(relative, "no searchable text after cleaning", plan.hashes[relative]))
            continue
        rows.extend(document_chunks, tokenizer.tokenize_many([chunk.embed_text for chunk in document_chunks]))
        size, mtime_ns = plan.stats.get(relative, (-1, -1))
        records[relative] = FileRecord(plan.hashes[relative], document.kind, document.title, len(document_chunks),
                                       size, mtime_ns)
        if document.warnings:
            warnings[relative] = list(document.warnings)
    progress("Reading files", total, total)
    return rows.frame(), records, skipped, warnings, fresh


def _unique(chunks: list[Chunk]) -> list[Chunk]:
    """Drop repeated chunk ids (identical text at the same place), keeping the first."""
    unique: dict[str, Chunk] = {}
    for chunk in chunks:
        unique.setdefault(chunk.chunk_id, chunk)
    return list(unique.values())


def _kept_paths(plan: BuildPlan, previous: LoadedIndex | None, skipped: list[SkippedFile]) -> set[str]:
    """Files whose previous chunks stay: unchanged ones, and older versions of now-unreadable ones."""
    if previous is None or plan.full_rebuild_reason:
        return set()
    indexed = set(previous.manifest.files)
    failed_now = {item.path for item in skipped} | set(plan.still_unreadable) | set(plan.unreachable)
    return set(plan.unchanged) | (failed_now & indexed)


def _carry_over(
    rows: pd.DataFrame | None, stored: np.ndarray | None, kept: set[str]
) -> tuple[pd.DataFrame, tuple[np.ndarray, np.ndarray], int, np.ndarray]:
    """The previous build's rows (`rows`) of the kept files; their vectors and which of them exist (a
    partly built index has none for its last rows, so those that exist are the kept rows' first
    ones, and only they are given: `stored` itself when every stored row is kept, never a copy
    the size of the whole index); how many rows go; and the mask."""
    if rows is None:
        empty = np.zeros((0, 0), dtype=np.float32)
        return pd.DataFrame(columns=ROW_COLUMNS), (empty, np.zeros(0, dtype=bool)), 0, np.zeros(0, dtype=bool)
    mask = rows["path"].isin(kept).to_numpy()
    stored_kept = mask[: len(stored)]
    vectors = stored if stored_kept.all() else stored[stored_kept]
    exists = (np.arange(len(mask)) < len(stored))[mask]
    return rows[mask].reset_index(drop=True), (vectors, exists), int((~mask).sum()), mask


def _kept_tokens(previous: LoadedIndex | None, mask: np.ndarray, kept_rows: pd.DataFrame, tokenizer: LexicalTokenizer,
                 retokenise: bool) -> TokenIds:
    """The kept rows' tokens as BM25 ids: the previous build's own, never as text (at 10,000 files
    one string reference per token was about 450 MB), or made again from the rows' text when the
    tokenizer's settings changed."""
    if previous is None:
        return TokenIds()
    if retokenise:
        return TokenIds.of(tokenizer.tokenize_many(kept_rows["embed_text"].tolist()))
    return previous.kept_tokens(mask)


def _dropped_by_text(previous: LoadedIndex | None, rows: pd.DataFrame | None, stored: np.ndarray | None,
                     mask: np.ndarray, embedder: Embedder) -> dict:
    """Vectors of the previous build's dropped rows (changed files) by text, when the same model
    made them: a PDF saved again with highlights (new bytes, the same text) is not embedded again."""
    if previous is None or mask.all() or previous.manifest.model != embedder.name:
        return {}
    dropped = np.flatnonzero(~mask)
    dropped = dropped[dropped < len(stored)]
    texts = rows["embed_text"].to_numpy()
    return vectors_by_text([texts[i] for i in dropped], stored[dropped])


def _previous_terms(previous: LoadedIndex | None, companion: str):
    """The previous build's title terms, when the same companion embedded them."""
    if previous is None or previous.manifest.companion_model != companion:
        return None
    return previous.companion_terms


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
    files = {path: _restat(old.files[path], plan, path) for path in kept} if old else {}
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


def _restat(record: FileRecord, plan: BuildPlan, path: str) -> FileRecord:
    """A kept file's record with its size and time as this plan found them (touched, same bytes);
    an older version kept for a file unreadable now keeps its own."""
    stat = plan.stats.get(path)
    if stat is None or plan.hashes.get(path) != record.sha256 or (record.size, record.mtime_ns) == stat:
        return record
    return replace(record, size=stat[0], mtime_ns=stat[1])


def report_unchanged(plan: BuildPlan, manifest: Manifest) -> BuildReport:
    """The report of an update that found nothing to do."""
    return _report(plan, manifest, False, 0, 0, time.perf_counter(), 0.0)


def _report(
    plan: BuildPlan, manifest: Manifest, wrote: bool, added: int, removed: int, started: float, embed_seconds: float,
    reused: int = 0,
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
        reused=reused,
    )
