"""Every Papersearch collection in a Milvus store, which of them no index uses any more, and their removal.

A build drops its own index's old collections (milvus_store._prune), but nothing drops those whose
index is gone: the half-written collection of a killed build that is never run again, the
collections of an index folder that was deleted, and those of an index that moved before it
recorded its alias (it then built again under a new alias). The store itself cannot say whether an
index still uses a collection, so each collection records the index folder and the machine that
built or last opened it (milvus_store.ORIGIN_INDEX, ORIGIN_HOST), and a collection is judged from
those records, the aliases, and the index folders themselves:

    live        its alias's current collection, and an index folder on this machine uses the alias
    older       a finished earlier build of a live index (kept for readers that may still have it
                open; that index's next build drops it)
    building    not finished, while a build of its index holds the build lock
    stale       no index on this machine uses it: its index folder is gone or uses another alias
                now, or it is a build of a live index that never finished
    elsewhere   recorded by another machine (a shared server): judged there, never here
    unrecorded  built before collections recorded their folder, and no index folder named here or
                recorded by another collection uses its alias: removed only when asked for by name

Only names of Papersearch's own form (milvus_store.COLLECTION_NAME) are listed or touched; any
other collection in the store is left as it is. Removal holds the build lock of every index folder
involved and judges again under it, so a live collection, or one a build is writing, is never
dropped.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from disk import LockHeld, exclusive_lock
from index.build_folder import held_lock
from index.errors import IndexLockedError, IndexWriteError, InvalidStoreError
from index.milvus_store import (
    ALIAS_NAME, COLLECTION_NAME, CONNECT_SECONDS, LOCK_FILE, ORIGIN_HOST, ORIGIN_INDEX, alias_of, calling, client_for,
    this_host,
)
from index.store_location import MILVUS_FOLDER, StoreLocation

LIVE, OLDER, BUILDING, STALE, ELSEWHERE, UNRECORDED = "live", "older", "building", "stale", "elsewhere", "unrecorded"
COLLECTION_STATUSES = (LIVE, OLDER, BUILDING, STALE, ELSEWHERE, UNRECORDED)


@dataclass(frozen=True)
class StoredCollection:
    """One Papersearch collection and what it is to the indexes on this machine."""

    name: str
    alias: str
    status: str  # one of the six above
    reason: str  # why, in a clause that names the index folder when one is known
    rows: int | None  # None when Milvus would not say
    folder: Path | None = None  # the index folder it belongs (or belonged) to, when known
    holder: Path | None = None  # an index folder that keeps its local files under another alias (a moved index)
    locks: tuple[Path, ...] = ()  # index folders whose build lock guards it

    @property
    def built(self) -> str:
        """Its build's time (UTC) from its name: `papersearch_<hex>_20250101T120000_<hex>`."""
        stamp = self.name.split("_")[2]
        return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}"

    def removable(self, include_unrecorded: bool = False) -> bool:
        return self.status == STALE or (include_unrecorded and self.status == UNRECORDED)

    def to_dict(self) -> dict:
        return {"name": self.name, "alias": self.alias, "status": self.status, "reason": self.reason,
                "rows": self.rows, "built_utc": self.built, "index": str(self.folder) if self.folder else None}


@dataclass
class Removal:
    """What remove_stale did: each collection dropped, and each one kept with the reason."""

    removed: list[StoredCollection] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (name, why it was kept)


def list_collections(location: StoreLocation, index_dirs: Iterable[Path] = ()) -> list[StoredCollection]:
    """Every Papersearch collection in the store, judged; `index_dirs` are index folders the caller
    knows of (their aliases count as used even when no collection recorded them)."""
    return _survey(location, [Path(folder) for folder in index_dirs], held=frozenset())


def remove_stale(location: StoreLocation, names: Iterable[str], index_dirs: Iterable[Path] = (),
                 include_unrecorded: bool = False) -> Removal:
    """Drop those of `names` (as list_collections gave them) that are still stale (or unrecorded,
    when included) once the build locks of their index folders are held; local folders a moved index
    kept for them go too. A collection whose index folder a build has locked is kept; one whose
    index folder is gone has no lock to hold, and is judged again (the folder still gone) just before."""
    folders = [Path(folder) for folder in index_dirs]
    chosen = sorted(set(names))
    removal = Removal()
    with ExitStack() as stack:
        before = {found.name: found for found in _survey(location, folders, held=frozenset())}
        held: set[Path] = set()
        busy: dict[Path, str] = {}
        for name in chosen:
            for folder in before[name].locks if name in before else ():
                if folder not in held and folder not in busy:
                    why = _hold(stack, folder)
                    if why is None:
                        held.add(folder)
                    else:
                        busy[folder] = why
        now = {found.name: found for found in _survey(location, folders, held=frozenset(held))}
        client = client_for(location)
        for name in chosen:
            found = now.get(name)
            blocked = [busy[folder] for folder in found.locks if folder in busy] if found else []
            if found is None:
                removal.kept.append((name, "it is not in the store (any more)"))
            elif blocked:
                removal.kept.append((name, blocked[0]))
            elif not found.removable(include_unrecorded):
                removal.kept.append((name, f"it is {found.status}: {found.reason}"))
            else:
                _drop(client, location, found)
                removal.removed.append(found)
    return removal


def _hold(stack: ExitStack, folder: Path) -> str | None:
    """Take `folder`'s build lock for the rest of the removal; why not, if it cannot be taken."""
    def cannot_write(error: OSError) -> IndexWriteError:
        return IndexWriteError(f"its index folder {folder} cannot be locked ({error.strerror or error})")

    try:
        stack.enter_context(held_lock(folder / LOCK_FILE, folder, cannot_write))
    except IndexLockedError:
        return f"a build is running in {folder}"
    except IndexWriteError as error:
        return str(error)
    return None


def _drop(client, location: StoreLocation, found: StoredCollection) -> None:
    with calling(location, f"removing collection {found.name}"):
        aliases = client.list_aliases(timeout=CONNECT_SECONDS).get("aliases", [])
        if found.alias in aliases and client.describe_alias(found.alias)["collection_name"] == found.name:
            client.drop_alias(found.alias)  # a server refuses to drop a collection an alias names
        client.drop_collection(found.name)
    if found.holder is not None:
        shutil.rmtree(found.holder / MILVUS_FOLDER / found.name, ignore_errors=True)


@dataclass
class _Evidence:
    """What is known of one alias: the folders its collections recorded, here and elsewhere."""

    here: set[Path] = field(default_factory=set)
    hosts: set[str] = field(default_factory=set)


def _survey(location: StoreLocation, named: list[Path], held: frozenset[Path]) -> list[StoredCollection]:
    if location.is_lite and not Path(location.uri).exists():  # opening would make an empty one
        raise InvalidStoreError(f"There is no Milvus Lite file at {location.shown}.")
    client = client_for(location)
    host = this_host()
    with calling(location, "listing collections"):
        names = sorted(name for name in client.list_collections() if COLLECTION_NAME.match(name))
        current = {}
        for alias in client.list_aliases(timeout=CONNECT_SECONDS).get("aliases", []):
            if ALIAS_NAME.match(alias):
                current[client.describe_alias(alias)["collection_name"]] = alias
        properties = {name: client.describe_collection(name).get("properties", {}) for name in names}
        rows = {name: _row_count(client, name) for name in names}

    evidence: dict[str, _Evidence] = {}
    for name in names:
        known = evidence.setdefault(COLLECTION_NAME.match(name).group(1), _Evidence())
        recorded_host, recorded_index = properties[name].get(ORIGIN_HOST), properties[name].get(ORIGIN_INDEX)
        if recorded_host == host and recorded_index:
            known.here.add(Path(recorded_index))
        elif recorded_host:
            known.hosts.add(recorded_host)
    folders = {_resolved(folder) for folder in named} | {folder for known in evidence.values() for folder in known.here}
    aliases = {folder: alias for folder in folders if (alias := _alias_in(folder)) is not None}
    users: dict[str, list[Path]] = {}
    for folder, alias in sorted(aliases.items()):
        users.setdefault(alias, []).append(folder)

    judged = []
    for name in names:
        alias = COLLECTION_NAME.match(name).group(1)
        known = evidence.get(alias, _Evidence())
        status, reason, folder, holder, locks = _judge(name, alias, current.get(name) == alias, users.get(alias, []),
                                                       aliases, known, held)
        judged.append(StoredCollection(name, alias, status, reason, rows[name], folder, holder, locks))
    return judged


def _judge(name: str, alias: str, is_current: bool, live: list[Path], aliases: dict[Path, str], known: _Evidence,
           held: frozenset[Path]) -> tuple[str, str, Path | None, Path | None, tuple[Path, ...]]:
    """(status, reason, folder, holder, locks) of collection `name` under `alias`; `live` are the
    existing index folders that use the alias, `aliases` every existing index folder's alias."""
    if live:
        folder, locks = live[0], tuple(live)
        if is_current:
            return LIVE, f"the current build of {folder}", folder, None, locks
        if any((user / MILVUS_FOLDER / name).is_dir() for user in live):
            return OLDER, f"an earlier build of {folder}, dropped by its next build", folder, None, locks
        if any(user not in held and _build_running(user) for user in live):
            return BUILDING, f"a build of {folder} is writing it", folder, None, locks
        return STALE, f"a build of {folder} that did not finish", folder, None, locks
    for holder, other in sorted(aliases.items()):
        if (holder / MILVUS_FOLDER / name).is_dir():
            return (STALE, f"an earlier index of {holder}, which uses alias {other} now", holder, holder, (holder,))
    if known.hosts:
        return ELSEWHERE, f"recorded by another machine ({', '.join(sorted(known.hosts))})", None, None, ()
    if known.here:
        folder = sorted(known.here)[0]
        if folder in aliases:
            return STALE, f"its index folder {folder} uses alias {aliases[folder]} now", folder, None, ()
        return STALE, f"its index folder {folder} no longer exists", folder, None, ()
    why = "it records no index folder (built before collections recorded one) and no index named uses its alias"
    return UNRECORDED, why, None, None, ()


def _alias_in(folder: Path) -> str | None:
    """The alias an existing index folder uses (as its store would), or None if it is not there."""
    try:
        return alias_of(folder) if folder.is_dir() else None
    except OSError:  # a folder that cannot be read: none of its aliases can be told
        return None


def _resolved(folder: Path) -> Path:
    return Path(folder).expanduser().resolve()


def _build_running(folder: Path) -> bool:
    """Whether a build holds `folder`'s lock now (a folder whose lock cannot even be opened has none)."""
    if not (folder / MILVUS_FOLDER).is_dir():
        return False
    try:
        with exclusive_lock(folder / LOCK_FILE, wait=False):
            return False
    except LockHeld:
        return True
    except OSError:
        return False


def _row_count(client, name: str) -> int | None:
    """Milvus's own count from its metadata (no loading, no query); None if it will not say."""
    from pymilvus.exceptions import MilvusException

    try:
        return int(client.get_collection_stats(name).get("row_count"))
    except (MilvusException, TypeError, ValueError):
        return None
