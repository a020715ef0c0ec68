"""What an index holds, said once for the CLI's `status` and the page's sidebar."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index import BuildProgress, Manifest


@dataclass(frozen=True)
class LibraryStatus:
    library: Path
    index: Path
    manifest: Manifest | None  # None: no index yet
    pending: str | None  # the plan a rebuild would run, e.g. "3 new, 1 changed, ..."
    damaged: str | None = None  # why the index cannot be searched (a damaged file), as search would refuse it
    store: str = "file"  # where the index lives, as it may be shown (a Milvus URI without user or password)
    building: BuildProgress | None = None  # a build running now (in any process), and how far it is

    @property
    def building_text(self) -> str | None:
        """The running build in one line, with what can be searched meanwhile."""
        if self.building is None:
            return None
        text = self.building.describe()
        manifest = self.manifest
        if manifest is not None and manifest.pending_rows:
            text += (f"; search by meaning covers {manifest.embedded_count:,} of {manifest.chunk_count:,} passages so "
                     "far, keyword search covers all of them")
        return text

    @property
    def built(self) -> bool:
        return self.manifest is not None

    @property
    def usable(self) -> bool:
        """Built and readable: a search would open it."""
        return self.built and self.damaged is None

    def to_dict(self) -> dict:
        """The status as JSON-ready data: `status --json` prints exactly this."""
        data: dict = {"library": str(self.library), "index": str(self.index), "store": self.store, "built": self.built}
        if self.building is not None:
            data["building"] = {**self.building.to_dict(), "text": self.building_text}
        manifest = self.manifest
        if manifest is None:
            return data
        return {
            **data,
            "model": manifest.model,
            "dimension": manifest.dimension,
            "chunk_settings": manifest.chunk_settings,
            "files": len(manifest.files),
            "chunks": manifest.chunk_count,
            "embedded": manifest.embedded_count,  # fewer than chunks while a first build is under way
            "last_build": manifest.built_at,
            "build_seconds": manifest.build_seconds,
            "pending": self.pending,
            "damaged": self.damaged,
            "skipped": [
                {"path": s.path, "reason": s.reason, "kept_previous": s.kept_previous} for s in manifest.skipped
            ],
            "warnings": manifest.warnings,
        }


@dataclass(frozen=True)
class PendingChanges:
    """What a rebuild would do now: the page's "the folder changed since the last build" check."""

    built: bool  # False: no index yet (every file counts as new)
    new: int
    changed: int
    deleted: int
    unchanged: int
    unreadable: int  # files that cannot be read now or that failed before with the same bytes
    summary: str  # as `build` prints it: "1 new, 0 changed, 0 deleted, 12 unchanged"
    needs_update: bool  # whether Library.update would build anything

    @property
    def total(self) -> int:
        """Files a rebuild would add, re-read or drop."""
        return self.new + self.changed + self.deleted

    def to_dict(self) -> dict:
        return {
            "built": self.built, "new": self.new, "changed": self.changed, "deleted": self.deleted,
            "unchanged": self.unchanged, "unreadable": self.unreadable, "summary": self.summary,
            "needs_update": self.needs_update,
        }
