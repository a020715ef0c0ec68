"""Decide what a rebuild must do by comparing file hashes with the last build's manifest."""

from __future__ import annotations

import re
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from disk import file_sha256
from corpus import OCR_MISSING, ChunkSettings, Discovery, ExtraSources, discover_library, ocr_available
from index.errors import LibraryNotFoundError
from index.manifest import Manifest


@dataclass(frozen=True)
class BuildPlan:
    library: Path
    files: dict[str, Path]  # every readable-looking file now in the library
    hashes: dict[str, str]
    model: str
    chunk_settings: ChunkSettings
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    still_unreadable: list[str] = field(default_factory=list)  # same bytes that failed last time
    full_rebuild_reason: str | None = None
    # Files that cannot be listed or opened now (an unreadable folder or file, a name that is not
    # UTF-8, a named pipe...): path -> reason. Those indexed before keep their passages.
    unreachable: dict[str, str] = field(default_factory=dict)
    problems_changed: bool = False  # an unreachable file or reason the last build did not record
    # (size, mtime_ns) of each file as hashed; (-1, -1) when too recent to trust (see _stat_of)
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    extra: ExtraSources | None = None  # documents from outside the folder (Zotero), under names like files

    @property
    def to_read(self) -> list[str]:
        return self.new + self.changed

    @property
    def is_noop(self) -> bool:
        return not (self.new or self.changed or self.deleted or self.problems_changed)

    def as_full_rebuild(self, reason: str) -> BuildPlan:
        """Every file read again, e.g. when the previous index cannot be trusted."""
        return replace(
            self, new=sorted(self.files), changed=[], deleted=[], unchanged=[], still_unreadable=[],
            full_rebuild_reason=reason,
        )

    def summary(self) -> str:
        # Counts without signs: "-1 deleted" read as minus one (#26).
        text = (
            f"{len(self.new)} new, {len(self.changed)} changed, {len(self.deleted)} deleted, "
            f"{len(self.unchanged)} unchanged"
        )
        if self.still_unreadable:
            text += f", {len(self.still_unreadable)} still unreadable"
        if self.unreachable:
            text += f", {len(self.unreachable)} cannot be read"
        if self.full_rebuild_reason:
            text += f" ({self.full_rebuild_reason})"
        return text


def plan_build(
    library: Path,
    previous: Manifest | None,
    model: str,
    chunk_settings: ChunkSettings,
    exclude: tuple[Path, ...] = (),
    extra: ExtraSources | None = None,
) -> BuildPlan:
    library = Path(library)
    if not library.is_dir():
        raise LibraryNotFoundError(f"Library folder {library} does not exist or is not a folder.")
    found = discover_library(library, exclude=exclude)
    files, hashes, unreachable, stats = _hash_files(found, previous)
    if extra is not None:  # hashed by their source (corpus/sources.py); planned like files from here on
        files.update(extra.paths()), hashes.update(extra.hashes), unreachable.update(extra.problems)
    known = {} if previous is None else {path: record.sha256 for path, record in previous.files.items()}
    for folder, reason in found.unreadable_folders.items():
        inside = [path for path in known if folder == "." or path.startswith(folder + "/")]
        unreachable.update({path: f"{reason}: {folder}" for path in inside})
        if not inside:
            unreachable[folder + "/"] = reason
    plan = BuildPlan(
        library=library, files=files, hashes=hashes, model=model, chunk_settings=chunk_settings,
        unreachable=dict(sorted(unreachable.items())), extra=extra, stats=stats,
    )
    reason = _full_rebuild_reason(previous, model, chunk_settings)
    failed = {} if previous is None else {item.path: item.sha256 for item in previous.skipped}
    retry = _waiting_for_ocr(previous) | _refused_before_gbk_and_big5(previous)
    for relative, sha in hashes.items():
        if reason and previous is not None and relative in known:
            plan.changed.append(relative)
        elif failed.get(relative) == sha and not reason and relative not in retry:
            plan.still_unreadable.append(relative)
        elif relative not in known:
            plan.new.append(relative)
        elif known[relative] != sha or reason or relative in retry:
            plan.changed.append(relative)
        else:
            plan.unchanged.append(relative)
    plan.deleted.extend(sorted(set(known) - set(hashes) - set(unreachable)))
    recorded = {} if previous is None else {item.path: item.reason for item in previous.skipped}
    changed_problems = any(recorded.get(path) != why for path, why in plan.unreachable.items()) or any(
        path not in plan.unreachable and path not in plan.still_unreadable and path not in plan.to_read
        for path in recorded
    )
    return replace(plan, full_rebuild_reason=reason, problems_changed=changed_problems)


_BEFORE_OCR = "OCR it first to make it searchable"  # the reason builds gave before Papersearch read scans


def _waiting_for_ocr(previous: Manifest | None) -> set[str]:
    """Files skipped, or indexed without their scanned pages, only because Tesseract was missing:
    once it is installed they are read again although their bytes did not change."""
    if previous is None:
        return set()
    paths = {item.path for item in previous.skipped if OCR_MISSING in item.reason or _BEFORE_OCR in item.reason}
    paths |= {path for path, messages in previous.warnings.items() if any(OCR_MISSING in m for m in messages)}
    return paths if paths and ocr_available() else set()


# The reason builds gave a note that is not UTF-8 before they read GB18030/GBK and Big5; today's
# reasons also say what the bytes are not ("...; could be GBK or Big5 (...); re-save ...").
_BEFORE_GBK = re.compile(r"not valid UTF-8 \(byte 0x[0-9a-f]{2} at offset \d+\); re-save the file as UTF-8 to index it")


def _refused_before_gbk_and_big5(previous: Manifest | None) -> set[str]:
    """Notes skipped as "not valid UTF-8" by a build that did not yet try GBK and Big5: read again
    although their bytes did not change, or a GBK note would stay skipped until it is edited."""
    if previous is None:
        return set()
    return {item.path for item in previous.skipped if _BEFORE_GBK.fullmatch(item.reason)}


def _hash_files(
    found: Discovery, previous: Manifest | None
) -> tuple[dict[str, Path], dict[str, str], dict[str, str], dict[str, tuple[int, int]]]:
    """Hash every listed file whose size or modification time changed since the last build (the
    others keep their recorded hash: a no-op plan of 10,000 files reads none of them); one that
    cannot be opened now (permissions, deleted since it was listed) joins the discovery's problems
    instead of stopping the plan."""
    files: dict[str, Path] = {}
    hashes: dict[str, str] = {}
    stats: dict[str, tuple[int, int]] = {}
    problems = dict(found.problems)
    recorded = previous.files if previous is not None else {}
    now = time.time_ns()
    for relative, path in found.files.items():
        try:
            stat = _stat_of(path, now)
            record = recorded.get(relative)
            if record is not None and record.mtime_ns >= 0 and (record.size, record.mtime_ns) == stat:
                hashes[relative] = record.sha256
            else:
                hashes[relative] = file_sha256(path)
            stats[relative] = stat
        except FileNotFoundError:
            problems[relative] = "file vanished while the library was being read"
        except OSError as error:
            problems[relative] = f"cannot be read ({error.strerror or error})"
        else:
            files[relative] = path
    return files, hashes, problems, stats


_RACY_NS = 2_000_000_000  # a file written this recently may change again within its mtime's granularity


def _stat_of(path: Path, now: int) -> tuple[int, int]:
    """(size, mtime_ns), or (-1, -1) for a file modified in the last two seconds: a write in the
    same clock tick would keep both, so such a file is hashed again next time."""
    info = os.stat(path)
    if now - max(info.st_mtime_ns, info.st_ctime_ns) < _RACY_NS:
        return -1, -1
    return info.st_size, info.st_mtime_ns


def _full_rebuild_reason(previous: Manifest | None, model: str, settings: ChunkSettings) -> str | None:
    if previous is None:
        return None
    if previous.model != model:
        return f"model changed from {previous.model} to {model}: re-embedding everything"
    if previous.chunk_settings != settings.as_dict():
        return f"chunk settings changed from {previous.chunk_settings} to {settings.as_dict()}: re-chunking everything"
    return None
