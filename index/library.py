"""A library folder and its index: the handle the CLI and the page both work through."""

from __future__ import annotations

from pathlib import Path

from corpus import ChunkSettings
from embed import Embedder
from index.builder import BuildReport, Progress, run_build
from index.config import resolve_index_dir
from index.errors import CorruptIndexError, LibraryNotFoundError
from index.manifest import Manifest
from index.planner import BuildPlan, plan_build
from index.search import Searcher
from index.store import IndexStore


class Library:
    def __init__(self, root: str | Path, index: str | Path | None = None):
        self.root = Path(root).expanduser()
        if not self.root.is_dir():
            raise LibraryNotFoundError(f"Library folder {self.root} does not exist or is not a folder.")
        self.index_dir = resolve_index_dir(self.root, index)
        self.store = IndexStore(self.index_dir)

    def manifest(self) -> Manifest | None:
        return self.store.load_manifest()

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
        return plan_build(self.root, manifest, model, settings, exclude=(self.index_dir,))

    def build(self, plan: BuildPlan, embedder: Embedder, progress: Progress | None = None) -> BuildReport:
        return run_build(plan, self.store, embedder, progress)

    def searcher(self, embedder: Embedder) -> Searcher:
        return Searcher(self.store.load(), embedder)
