"""What an index knows about itself: the model and chunk settings that built it, and each
source file's content hash (which is what makes rebuilds incremental)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path

FORMAT_VERSION = 4  # 2: BM25 index and per-chunk tokens; 3: paper catalog; 4: passages.arrow, script, vector_index


@dataclass(frozen=True)
class FileRecord:
    sha256: str
    kind: str
    title: str
    chunks: int
    # The file's size and modification time when it was hashed: while both are the same, the next
    # plan takes the hash as it is instead of reading the file (-1: not recorded, hash it).
    size: int = -1
    mtime_ns: int = -1


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str
    sha256: str
    kept_previous: bool = False  # an older readable version of this file is still indexed


@dataclass(frozen=True)
class Manifest:
    model: str
    dimension: int
    chunk_settings: dict[str, int]
    lexical_settings: dict[str, str] = field(default_factory=dict)
    files: dict[str, FileRecord] = field(default_factory=dict)
    skipped: tuple[SkippedFile, ...] = ()
    warnings: dict[str, list[str]] = field(default_factory=dict)
    pdf_papers: dict[str, dict] = field(default_factory=dict)  # path -> PdfPaperInfo fields
    vector_index: dict = field(default_factory=dict)  # index/vector_index.py: kind and parameters
    companion_model: str = ""  # a second encoder's vectors kept beside the model's (index/companion.py)
    companion_dimension: int = 0
    pending_rows: int = 0  # a staged first build's last passages, not embedded yet (index/staged_build.py)
    built_at: str = ""
    build_seconds: float = 0.0
    format_version: int = FORMAT_VERSION
    has_checksums: bool = True  # this build wrote checksums.json (False: read from a build made before them)

    @property
    def chunk_count(self) -> int:
        return sum(record.chunks for record in self.files.values())

    @property
    def embedded_count(self) -> int:
        """Passages with a vector: all of them, except while a staged first build is under way."""
        return self.chunk_count - self.pending_rows

    def to_json(self) -> str:
        """The manifest as `json.dumps(dataclasses.asdict(self), ...)` wrote it, made field by field:
        asdict's deep copies of 10,000 files' records were half the time (bench/README.md)."""
        data = {name: getattr(self, name) for name in _MANIFEST_FIELDS}
        data["files"] = {path: _fields_of(record, _FILE_FIELDS) for path, record in self.files.items()}
        data["skipped"] = [_fields_of(item, _SKIPPED_FIELDS) for item in self.skipped]
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        return cls(
            model=data["model"],
            dimension=int(data["dimension"]),
            chunk_settings=dict(data["chunk_settings"]),
            lexical_settings=dict(data.get("lexical_settings", {})),
            files={path: FileRecord(**record) for path, record in data["files"].items()},
            skipped=tuple(SkippedFile(**item) for item in data.get("skipped", [])),
            warnings=dict(data.get("warnings", {})),
            pdf_papers=dict(data.get("pdf_papers", {})),
            vector_index=dict(data.get("vector_index", {})),
            companion_model=data.get("companion_model", ""),
            companion_dimension=int(data.get("companion_dimension", 0)),
            pending_rows=int(data.get("pending_rows", 0)),
            built_at=data.get("built_at", ""),
            build_seconds=float(data.get("build_seconds", 0.0)),
            format_version=int(data.get("format_version", FORMAT_VERSION)),
            has_checksums=bool(data.get("has_checksums", False)),
        )


_MANIFEST_FIELDS = tuple(item.name for item in fields(Manifest))
_FILE_FIELDS = tuple(item.name for item in fields(FileRecord))
_SKIPPED_FIELDS = tuple(item.name for item in fields(SkippedFile))


def _fields_of(record: object, names: tuple[str, ...]) -> dict:
    return {name: getattr(record, name) for name in names}


def recorded_model(manifest_file: Path | None) -> str | None:
    """The model a build's manifest names, read leniently: an index too old or too damaged to load
    still says which model a rebuild should keep using."""
    if manifest_file is None:
        return None
    try:
        model = json.loads(manifest_file.read_text(encoding="utf-8")).get("model")
    except (OSError, ValueError, AttributeError):
        return None
    return model if isinstance(model, str) and model else None
