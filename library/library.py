"""A library folder and its index: the one handle the CLI, the page, eval and bench work through.

`searcher` opens the current index bound to its model in one call. `update` is the whole rebuild
story in one place — plan, decide whether anything needs doing
(by the builder's own rule), load the model only then, build, report — so every caller reports
"up to date" for exactly the same reasons.
"""

from __future__ import annotations

import os
import posixpath
from collections import Counter
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from corpus import ChunkSettings, discover_library
from embed import Embedder, registry
from index import (
    BuildPlan,
    BuildReport,
    CorruptIndexError,
    IndexLocationError,
    IndexNotFoundError,
    LibraryNotFoundError,
    LoadedIndex,
    PapersearchError,
    Manifest,
    Progress,
    StoreLocation,
    StoreUnavailableError,
    companion_model,
    is_up_to_date,
    load_previous,
    open_store,
    parse_store,
    plan_build,
    read_progress,
    report_unchanged,
    run_build,
    trusted_plan,
)
from library.marks import MarksFile, MarksFileError
from library.recent_searches import RecentSearches
from library.safe_paths import inside_library
from library.settings import chunk_settings_for, model_for_build, model_for_search, resolve_index_dir
from library.status import LibraryStatus, PendingChanges
from library.uploads import AddedFile, add_files, relative_folders
from library.zotero_source import (
    checked_data_dir,
    database_stat,
    refuse_empty,
    zotero_extra,
    zotero_file,
    zotero_home,
)
from papers import Catalog, HealthReport, PaperRecord, apply_marks, health
from search import Searcher, UnknownItemError

EmbedderLoader = Callable[[str], Embedder]
# pending_changes() answers from here while neither the folder (by stat) nor the build changed.
_PENDING: dict[tuple[Path, Path], tuple[tuple, PendingChanges]] = {}
_PENDING_LOCK = threading.Lock()
_RACY_SECONDS = 2.0  # a file written this recently may change again within its mtime's granularity


class Library:
    def __init__(self, root: str | Path | None, index: str | Path | None = None, store: str | StoreLocation | None = None,
                 zotero: str | Path | None = None):
        """`store`: where the index lives (default $PAPERSEARCH_STORE, else index files in the
        index folder); see index/store_location.py. `zotero`: a Zotero data folder whose papers,
        notes and annotations join the library (library/zotero_source.py); with no `root`, the
        library is that Zotero library alone."""
        self.zotero = checked_data_dir(Path(zotero)) if zotero is not None else None
        if root is None and self.zotero is None:
            raise LibraryNotFoundError("Give a library folder, a Zotero data folder, or both.")
        self.zotero_only = root is None
        self.root = Path(root).expanduser() if root is not None else zotero_home(self.zotero)
        if not self.root.is_dir():
            raise LibraryNotFoundError(f"Library folder {self.root} does not exist or is not a folder.")
        self.index_dir = resolve_index_dir(self.root, index)
        if self.index_dir.exists() and not self.index_dir.is_dir():
            raise IndexLocationError(
                f"The index folder {self.index_dir} is a file, not a folder. Move that file away, or choose "
                "another index folder."
            )
        if self.index_dir.resolve() == self.root.resolve():
            raise IndexLocationError(
                f"The index folder {self.index_dir} is the library folder itself; the index needs a folder of its "
                f"own (the default is {self.root / '.papersearch'})."
            )
        self.location = parse_store(store)
        self.store = open_store(self.location, self.index_dir)

    def manifest(self) -> Manifest | None:
        return self.store.load_manifest()

    def require_index(self) -> Manifest:
        """The current index's manifest; IndexNotFoundError when there is none yet."""
        manifest = self.manifest()
        if manifest is None:
            self.store.load_catalog()  # raises IndexNotFoundError with what the store knows (kept in Milvus?)
            raise IndexNotFoundError(self.index_dir)
        return manifest

    def searcher(
        self,
        model: str | None = None,
        *,
        quick_start: bool = False,
        load: EmbedderLoader | None = None,
        notice: Callable[[str], None] | None = None,
        **settings,
    ) -> Searcher:
        """The current index bound to the model that built it, ready to search. `model` only
        checks that the index was built with it. `quick_start`: the model's query-only engine
        (the same vectors, a fraction of the start-up) for one-shot searches; `load`: how to
        get the model (the page shares one per server); `notice` hears about a slower fallback."""
        manifest = self.require_index()
        name = model_for_search(model, manifest)
        if load is not None:
            embedder = load(name)
        elif quick_start:
            embedder = registry.load_query_embedder(name, notice=notice)
        else:
            embedder = registry.load_embedder(name)
        second = manifest.companion_model
        companion = (lambda: (load or registry.load_embedder)(second)) if second else None
        searcher = Searcher(self.load(), embedder, companion=companion, **settings)
        return self.with_marks(searcher)

    def manifest_for_update(self) -> Manifest | None:
        """A rebuild replaces an index it cannot read (old format, damage) instead of failing."""
        try:
            return self.manifest()
        except CorruptIndexError:
            return None

    def plan(self, model: str, settings: ChunkSettings | None = None) -> BuildPlan:
        """Compare the library with the index. Chunk settings default to the index's own."""
        manifest = self.manifest_for_update()
        if settings is None:
            settings = ChunkSettings(**manifest.chunk_settings) if manifest else ChunkSettings()
        extra = zotero_extra(self.zotero, manifest) if self.zotero is not None else None
        return plan_build(self.root, manifest, model, settings, exclude=(self.index_dir,), extra=extra)

    def build(self, plan: BuildPlan, embedder: Embedder, progress: Progress | None = None) -> BuildReport:
        return run_build(plan, self.store, lambda model: embedder, progress)

    def update(
        self,
        model: str | None = None,
        chunk_tokens: int | None = None,
        overlap_tokens: int | None = None,
        progress: Progress | None = None,
        on_plan: Callable[[BuildPlan], None] | None = None,
        load_embedder: EmbedderLoader | None = None,
    ) -> BuildReport:
        """Bring the index up to date with the folder; the model is loaded only if there is work.

        `model`, `chunk_tokens` and `overlap_tokens` default to the index's own (or the defaults
        for a new index); `on_plan` sees the plan before anything is embedded; `load_embedder`
        defaults to the model registry.
        """
        load_embedder = load_embedder or registry.load_embedder
        try:
            return self._update(model, chunk_tokens, overlap_tokens, progress, on_plan, load_embedder)
        except StoreUnavailableError as error:
            if not error.damaged:
                raise
            aside = self.store.set_aside_damaged()  # a damaged index is rebuilt from the files, as with files
            if aside is None:
                raise
        report = self._update(model, chunk_tokens, overlap_tokens, progress, on_plan, load_embedder)
        return replace(report, set_aside=aside)

    def _update(self, model, chunk_tokens, overlap_tokens, progress, on_plan, load_embedder) -> BuildReport:
        manifest = self.manifest_for_update()
        chosen = model_for_build(model, manifest, recorded=None if manifest else self.store.recorded_model())
        plan = self.plan(chosen, chunk_settings_for(manifest, chunk_tokens, overlap_tokens))
        previous, problem = load_previous(self.store)
        plan = trusted_plan(plan, previous, problem)
        if previous is None and self.zotero is not None and self.zotero_only:
            refuse_empty(self.zotero, plan.extra)
        if on_plan is not None:
            on_plan(plan)
        if is_up_to_date(plan, previous, companion=companion_model(chosen, self.store.keeps_companion)):
            self.store.tidy()
            return report_unchanged(plan, previous.manifest)
        return run_build(plan, self.store, load_embedder, progress, checked=previous)

    def path_of(self, relative: str) -> Path:
        """The file at `relative` inside the library, refusing any path that leads out of it; a
        Zotero attachment's name gives its PDF in Zotero's storage."""
        found = zotero_file(self.zotero, relative) if self.zotero is not None else None
        return found if found is not None else inside_library(self.root, relative)

    def add_files(self, folder: str, uploads: list[tuple[str, bytes]]) -> list[AddedFile]:
        """Store uploaded (name, bytes) pairs under `folder`; see library/uploads.py. Run `update`
        afterwards to index them."""
        manifest = self.manifest_for_update()
        known = {record.sha256: path for path, record in (manifest.files.items() if manifest else ())
                 if self._still_there(path, record.size)}
        return add_files(self.root, folder, uploads, known)

    def _still_there(self, relative: str, size: int) -> bool:
        """Is the file the last build read at `relative` still there with its size? A file deleted
        (or rewritten) since then must not make an upload of those bytes a "duplicate" of a path
        that no longer holds them."""
        try:
            info = self.path_of(relative).stat()
        except (OSError, PapersearchError):
            return False
        return size < 0 or info.st_size == size

    def folders(self) -> list[str]:
        """The library's visible folders, relative ('' is the library itself)."""
        return relative_folders(self.root, self.index_dir.resolve())

    def default_upload_folder(self, folders: list[str]) -> str:
        """Where new papers most likely belong: the folder (of `folders`) holding the most indexed
        PDFs and notes, not the library's top, which often holds only lists; ties go to the first."""
        manifest = self.manifest_for_update()
        counts = Counter(posixpath.dirname(path) for path in (manifest.files if manifest else ()))
        known = [folder for folder in folders if counts.get(folder)]
        return max(known, key=lambda folder: counts[folder]) if known else (folders[0] if folders else "")

    def has_index(self) -> bool:
        return self.store.exists()

    def build_id(self) -> str | None:
        """Names the current build; it changes whenever a rebuild completes (a cache key)."""
        build = self.store.current_build()
        return build.name if build is not None else None

    def load(self) -> LoadedIndex:
        """The whole current index (vectors, passages, BM25, catalog), for searching."""
        return self.store.load()

    def catalog(self) -> Catalog:
        """The paper catalog alone (listing papers needs no vectors, passages or model), with the
        researcher's marks laid over it."""
        return self.marked(self.store.load_catalog())

    @property
    def marks_file(self) -> MarksFile:
        """`<library>/.papersearch-marks.json`: read / unread / to-read and tags (library/marks.py)."""
        return MarksFile(self.root, self.index_dir)

    @property
    def recent_searches(self) -> RecentSearches:
        """`<index folder>/recent-searches.json`: the page's last searches (library/recent_searches.py)."""
        return RecentSearches(self.index_dir)

    def marked(self, catalog: Catalog) -> Catalog:
        """A catalog as the build wrote it, with today's marks (and own notes counted as read)."""
        return apply_marks(catalog, self.marks_file.load())

    def with_marks(self, searcher: Searcher) -> Searcher:
        """`searcher` over the same index, its papers carrying the marks as the file has them now."""
        return searcher.with_catalog(self.marked(searcher.base_catalog))

    def mark(self, paper_id: str, *, reading: str | None = None, add_tags: Iterable[str] = (),
             remove_tags: Iterable[str] = ()) -> PaperRecord:
        """Mark one paper of the current catalog; returns it as marked. A tag that comes from Zotero
        cannot be removed here (Zotero owns it), and saying so beats silently keeping it."""
        catalog = self.store.load_catalog()
        record = catalog.paper(paper_id)
        if record is None:
            raise UnknownItemError(f"No paper {paper_id!r} in this library's catalog (the ids are in `papers --json`).")
        from_zotero = {tag.casefold() for tag in record.tags}  # the build's catalog carries Zotero's tags only
        foreign = [tag for tag in remove_tags if tag.casefold() in from_zotero]
        if foreign:
            raise MarksFileError(f"The tag {foreign[0]!r} of {record.title!r} comes from Zotero; remove it in Zotero.")
        self.marks_file.change(record, reading=reading, add_tags=add_tags, remove_tags=remove_tags)
        return self.marked(catalog).paper(paper_id)

    def status(self) -> LibraryStatus:
        """What the index holds, whether a search can read it (it is opened the way a search
        opens it, without a model) and what has changed in the folder since it was built."""
        manifest = self.store.load_manifest()
        building = read_progress(self.index_dir)
        if manifest is None:
            return LibraryStatus(self.root, self.index_dir, None, None, store=str(self.location), building=building)
        plan = self.plan(manifest.model)
        try:
            self.store.load()
            self.store.verify()  # status is where one asks whether the index is sound: every byte
        except CorruptIndexError as error:
            pending = plan.as_full_rebuild("the index is damaged").summary()  # what a build would do
            return LibraryStatus(self.root, self.index_dir, manifest, pending, damaged=str(error), store=str(self.location),
                                 building=building)
        return LibraryStatus(self.root, self.index_dir, manifest, plan.summary(), store=str(self.location),
                             building=building)

    def pending_changes(self) -> PendingChanges:
        """Has the folder changed since the last build? The counts of the plan a rebuild would
        run (`Library.plan`, which hashes every file). The answer is remembered per library and
        index folder and given again without hashing while no file's size, mtime, ctime or inode
        changed, no file came or went, and no build completed; files modified in the last two
        seconds are never trusted by stat alone (their next write could keep the same mtime)."""
        key = (self.root.resolve(), self.index_dir.resolve())
        snapshot = self._snapshot()
        with _PENDING_LOCK:
            cached = _PENDING.get(key)
        if snapshot is not None and cached is not None and cached[0] == snapshot:
            return cached[1]
        manifest = self.manifest_for_update()
        plan = self.plan(model_for_build(None, manifest))
        previous = self.store.exists() and manifest is not None
        pending = PendingChanges(
            built=manifest is not None,
            new=len(plan.new),
            changed=len(plan.changed),
            deleted=len(plan.deleted),
            unchanged=len(plan.unchanged),
            unreadable=len(plan.still_unreadable) + len(plan.unreachable),
            summary=plan.summary(),
            needs_update=not previous or not plan.is_noop or bool(plan.full_rebuild_reason),
        )
        if snapshot is not None and snapshot == self._snapshot():
            with _PENDING_LOCK:
                _PENDING[key] = (snapshot, pending)
        return pending

    def _snapshot(self) -> tuple | None:
        """Stat of every file a plan would read, and the current build; None if too fresh to trust."""
        found = discover_library(self.root, exclude=(self.index_dir,))
        now = time.time_ns()
        files = []
        for relative, path in found.files.items():
            try:
                info = os.stat(path)
            except OSError as error:
                files.append((relative, repr(error)))
                continue
            if now - max(info.st_mtime_ns, info.st_ctime_ns) < _RACY_SECONDS * 1e9:
                return None
            files.append((relative, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))
        problems = tuple(sorted(found.problems.items())) + tuple(sorted(found.unreadable_folders.items()))
        zotero = database_stat(self.zotero) if self.zotero is not None else ()
        return self.build_id(), tuple(files), problems, zotero

    def health(self) -> HealthReport:
        """PDFs without text, note links to missing files, PDFs no note mentions, likely duplicates."""
        manifest = self.require_index()
        unreadable = [s.path for s in manifest.skipped if s.path.lower().endswith(".pdf")]
        return health(self.store.load_catalog(), set(manifest.files) | {s.path for s in manifest.skipped}, unreadable)
