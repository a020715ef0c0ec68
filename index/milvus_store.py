"""Milvus as the index store (`--store milvus:<path.db>` or `milvus:http://host:19530`).

The same builds and searches as index/store.py, with the passages in a Milvus collection:

    collection <alias>_<stamp>_<id>   one complete build: per passage its row number (primary
                                      key), every chunk field, the filter fields of its paper
                                      (paper_id, year, venue_key, read, has_pdf; computed at build
                                      time), its dense vector and its BM25 weights as a sparse vector
    alias <alias>                     names the live collection; switched atomically by a build
    <index dir>/milvus/<collection>/  what stays a file: manifest.json, papers.json,
                                      vocabulary.json (BM25 token -> sparse dimension), language_direction.npy

Lexical ranking keeps our tokenizer and our BM25: a passage's sparse vector holds bm25s's own
precomputed weight (idf x saturated tf) for each of its tokens, and a query is the sparse vector
of its token counts, so Milvus's inner product is exactly bm25s's score. Since those weights
depend on the whole corpus (idf, average length), every build writes a new collection (only new
and changed files are embedded; unchanged passages keep their vectors) and then moves the alias:
a reader sees the old collection or the new one, never a mix, and a build that dies leaves the
alias on the previous one. Only this module talks to Milvus.
"""

from __future__ import annotations

import hashlib
import json
import re
import logging
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from disk import atomic_write_text
from index.build_folder import (
    MANIFEST, PAPERS, STAGING_PREFIX, BuildFolderReads, build_name, held_lock, read_manifest, read_or_corrupt, write_folder,
)
from index.checksums import verify_checksums
from index.migrations import checksums_required
from index.errors import CorruptIndexError, IndexLockedError, IndexNotFoundError, IndexWriteError, StoreUnavailableError
from index.lexical import LexicalIndex
from index.vector_journal import VectorJournal
from index.manifest import FORMAT_VERSION, Manifest
from index.milvus_index import (
    INSERT_BATCH, MilvusIndex, collection_schema, index_params, passage_rows, read_rows, vector_search_params,
)
from index.file_store import PASSAGE_COLUMNS, PASSAGE_SCHEMA
from index.store_location import MILVUS_FOLDER, StoreLocation, redacted
from papers import Catalog


# gRPC's C core reads these once, when pymilvus first imports it: its own log lines stay off stderr.
os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
os.environ.setdefault("GLOG_minloglevel", "2")

CONNECT_SECONDS = 4.0  # an unreachable URI is reported within 5 s
_VOCABULARY, _DIRECTION = "vocabulary.json", "language_direction.npy"
_CLIENTS: dict[tuple[str, str], object] = {}  # one client per URI per process (Milvus Lite allows one opener)


class _LiteFailures(logging.Handler):
    """Milvus Lite serves from threads of this process and logs every failure with its traceback
    (20-40 lines on stderr, through logging's last resort). Its records come here instead: the
    latest exception says what really went wrong (a file locked by another process, a damaged file)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self._last: tuple[float, BaseException] | None = None
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            with self._guard:
                self._last = (time.monotonic(), record.exc_info[1])

    def recent(self, seconds: float = 60.0) -> BaseException | None:
        with self._guard:
            last, self._last = self._last, None
        return last[1] if last is not None and time.monotonic() - last[0] <= seconds else None


_LITE_FAILURES = _LiteFailures()


def _quiet_milvus_logs() -> None:
    """pymilvus and Milvus Lite log to stderr (pymilvus configures its own handlers when imported, on
    `pymilvus` and some of its children); their failures reach the user as our errors instead. Call
    after importing pymilvus."""
    names = [name for name in list(logging.root.manager.loggerDict) if name.split(".")[0] in ("pymilvus", "grpc")]
    for name in {"pymilvus", "grpc", *names}:
        logger = logging.getLogger(name)
        if name in ("pymilvus", "grpc") or logger.level != logging.NOTSET or logger.handlers:
            logger.setLevel(logging.CRITICAL + 1)
            logger.propagate = False
    lite = logging.getLogger("milvus_lite")
    lite.propagate = False
    if _LITE_FAILURES not in lite.handlers:
        lite.addHandler(_LITE_FAILURES)


def _lite_cause(error: BaseException | None) -> str | None:
    """"locked" or "damaged" when Milvus Lite's own logged exception (or one it chains) says so."""
    from milvus_lite.exceptions import DataDirLockedError, ManifestCorruptedError, WALCorruptedError
    from pyarrow import ArrowException

    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, DataDirLockedError):
            return "locked"
        if isinstance(error, (ManifestCorruptedError, WALCorruptedError, json.JSONDecodeError, ArrowException,
                              UnicodeDecodeError, EOFError)):
            return "damaged"
        error = error.__cause__ or error.__context__
    return None


def _lite_problem(location: StoreLocation, detail: str, *, connecting: bool) -> StoreUnavailableError:
    """The error for a failed call: for Milvus Lite, the real cause it logged when there is one."""
    cause = _lite_cause(_LITE_FAILURES.recent()) if location.is_lite else None
    return StoreUnavailableError(location.shown, redacted(detail), connecting=connecting and cause is None,
                                 credentials_in_uri=location.has_credentials,
                                 locked=cause == "locked", damaged=cause == "damaged")


def client_for(location: StoreLocation):
    from pymilvus import MilvusClient
    from pymilvus.exceptions import MilvusException

    _quiet_milvus_logs()

    key = (location.uri, location.token())
    if key not in _CLIENTS:
        if location.is_lite:
            Path(location.uri).parent.mkdir(parents=True, exist_ok=True)
        try:
            client = MilvusClient(uri=location.uri, token=location.token(), timeout=CONNECT_SECONDS)
            client.list_aliases(timeout=CONNECT_SECONDS)
        except MilvusException as error:
            raise _lite_problem(location, str(getattr(error, "message", error)), connecting=True) from None
        _CLIENTS[key] = client
    return _CLIENTS[key]


@contextmanager
def calling(location: StoreLocation, doing: str) -> Iterator[None]:
    """Every Milvus failure becomes one sentence naming the URI."""
    from pymilvus.exceptions import MilvusException

    try:
        yield
    except MilvusException as error:
        raise _lite_problem(location, f"while {doing} ({getattr(error, 'message', error)})", connecting=False) from None


# What a collection records of the index folder that uses it, so that a collection whose index is
# gone can be told from a live one (index/milvus_collections.py): the folder and this machine's name.
ORIGIN_INDEX, ORIGIN_HOST = "papersearch.index", "papersearch.host"
LOCK_FILE = ".milvus.lock"  # in the index folder: one build at a time, and no removal during one


def this_host() -> str:
    return socket.gethostname()


def origin_of(directory: Path) -> dict[str, str]:
    return {ORIGIN_INDEX: str(Path(directory).expanduser().resolve()), ORIGIN_HOST: this_host()}


class MilvusStore(BuildFolderReads):
    """The Store protocol (index/store.py) over a Milvus collection and a small local folder."""

    keeps_companion = False  # one vector field per collection for now: no second encoder (index/companion.py)
    stages = False  # a build is one collection, written whole: no staged commits (index/staged_build.py)

    def __init__(self, location: StoreLocation, directory: Path):
        self.location = location
        self.directory = Path(directory)
        self.alias = alias_of(self.directory)  # one index folder, one alias, on any shared server

    @property
    def client(self):
        return client_for(self.location)

    @property
    def _meta(self) -> Path:
        return self.directory / MILVUS_FOLDER

    def _calling(self, doing: str):
        return calling(self.location, doing)

    def current_collection(self) -> str | None:
        with self._calling("reading which collection is current"):
            aliases = self.client.list_aliases(timeout=CONNECT_SECONDS).get("aliases", [])
            if self.alias not in aliases:
                return None
            return self.client.describe_alias(self.alias)["collection_name"]

    def current_build(self) -> Path | None:
        name = self.current_collection()
        folder = self._meta / name if name else None
        return folder if folder is not None and folder.is_dir() else None

    def _require_build(self) -> Path:
        build = self.current_build()
        if build is None:
            raise IndexNotFoundError(self.directory, uri=self.location.shown)
        return build

    def verify(self, remember: bool = False) -> None:
        """The local files (manifest, catalog, vocabulary) against their checksums, every byte (they
        are small); the collection's own data is Milvus's to keep, and load() checks that it matches
        the manifest."""
        build = self._require_build()
        verify_checksums(build, checksums_required(read_manifest(build)))

    def load(self) -> MilvusIndex:
        build = self._require_build()
        manifest = read_manifest(build)
        catalog = self.load_catalog()
        vocabulary = read_or_corrupt(build, lambda: json.loads((build / _VOCABULARY).read_text(encoding="utf-8")))
        direction = read_or_corrupt(build, lambda: np.load(build / _DIRECTION) if (build / _DIRECTION).exists() else None)
        name = build.name
        with self._calling(f"opening collection {name}"):
            self.client.load_collection(name)
            properties = self.client.describe_collection(name).get("properties", {})
            passages = _passages_table(read_rows(self.client, name, ["row", *PASSAGE_COLUMNS], manifest.chunk_count))
        self._record_origin(name, properties)
        recorded = (properties.get("papersearch.model"), properties.get("papersearch.dimension"))
        if recorded != (manifest.model, str(manifest.dimension)) or passages.num_rows != manifest.chunk_count:
            raise CorruptIndexError(
                build, f"does not match its Milvus collection {name} at {self.location.shown} (collection: "
                f"model {recorded[0]}, {recorded[1]} dimensions, {passages.num_rows} passages; manifest: {manifest.model}, "
                f"{manifest.dimension}, {manifest.chunk_count})"
            )
        return MilvusIndex(
            manifest=manifest, passages=passages, catalog=catalog, location=build, language_direction=direction,
            client=self.client, collection=name, vocabulary=vocabulary, calling=self._calling,
            search_params=vector_search_params(manifest.vector_index),
        )

    def _record_origin(self, name: str, properties: dict) -> None:
        """A moved index (or one built before collections recorded their folder) says where it is
        now, so listing collections does not call it stale. Best effort: a reader whose token may
        not alter collections still searches."""
        from pymilvus.exceptions import MilvusException

        origin = origin_of(self.directory)
        if all(properties.get(key) == value for key, value in origin.items()):
            return
        try:
            self.client.alter_collection_properties(name, properties=origin)
        except MilvusException:
            pass

    @contextmanager
    def build_lock(self) -> Iterator[None]:
        """One build at a time per index folder (on this machine); leftovers of killed builds are cleared."""
        def cannot_write(error: OSError) -> IndexWriteError:
            return IndexWriteError(f"Papersearch cannot write {self.directory} ({error.strerror or error}).")

        try:
            self._meta.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise cannot_write(error) from None
        with held_lock(self.directory / LOCK_FILE, self.directory, cannot_write):
            self._prune(keep={self.current_collection()}, keep_finished=True)
            yield

    def set_aside_damaged(self) -> Path | None:
        """A Milvus Lite file that cannot be opened is renamed `<name>.damaged-<time>`; a server's
        data is Milvus's own and is never touched."""
        path = Path(self.location.uri)
        if not self.location.is_lite or not path.exists():
            return None
        client = _CLIENTS.pop((self.location.uri, self.location.token()), None)
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 — a client of a damaged file may fail to close in its own way
                pass
        aside = path.with_name(f"{path.name}.damaged-{build_name()}")
        path.rename(aside)
        return aside

    def tidy(self) -> None:
        try:
            with self.build_lock():
                VectorJournal(self.directory).discard()  # called when up to date: the index holds its vectors
        except (IndexLockedError, IndexWriteError):  # tidying is optional: an index one may only read is up to date too
            pass

    def write(
        self, manifest: Manifest, chunks: pd.DataFrame, vectors: np.ndarray, lexical: LexicalIndex, catalog: Catalog,
        language_direction: np.ndarray | None = None, companion=None, reuse: Path | None = None,
    ) -> Path:
        """Write a new collection, then its local files, then move the alias. Call under build_lock().
        `reuse` is for stores that stage builds; this one never does."""
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        previous = self.current_collection()
        name = f"{self.alias}_{build_name().replace('-', '_')}"
        weights, vocabulary = lexical.document_weights()
        vocabulary = {token: column for token, column in vocabulary.items() if column < weights.shape[1]}
        try:
            atomic_write_text(self._meta / ALIAS_FILE, self.alias + "\n")  # moves with the folder
            with self._calling(f"writing collection {name}"):
                self._write_collection(name, manifest, chunks, vectors, weights, lexical.tokens, catalog)
            self._write_local(name, manifest, catalog, vocabulary, language_direction)
            with self._calling(f"switching alias {self.alias} to {name}"):
                if previous is None:
                    self.client.create_alias(name, self.alias)
                else:
                    self.client.alter_alias(name, self.alias)
        except (StoreUnavailableError, OSError) as error:
            kept = "the previous index is kept and still answers searches; " if previous is not None else ""
            raise IndexWriteError(f"{error} The build was not completed: {kept}run the build again.") from None
        self._prune(keep={name, previous})
        return self._meta / name

    def _write_collection(self, name, manifest, chunks, vectors, weights, tokens, catalog) -> None:
        client = self.client
        client.create_collection(
            name, schema=collection_schema(client, manifest.dimension), index_params=index_params(client, manifest.vector_index),
        )
        client.alter_collection_properties(name, properties={
            "papersearch.model": manifest.model, "papersearch.dimension": str(manifest.dimension),
            "papersearch.format": str(FORMAT_VERSION), **origin_of(self.directory),
        })
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(vectors), manifest.dimension)
        for start in range(0, len(chunks), INSERT_BATCH):
            rows = passage_rows(chunks, vectors, weights, tokens, catalog, start, min(len(chunks), start + INSERT_BATCH))
            client.insert(name, rows)
        client.flush(name)
        client.load_collection(name)

    def _write_local(self, name, manifest, catalog, vocabulary, language_direction) -> None:
        """The files a collection needs, complete before the alias can point at it."""

        def fill(staging: Path) -> None:
            (staging / PAPERS).write_text(json.dumps(catalog.to_dict(), ensure_ascii=False), encoding="utf-8")
            (staging / _VOCABULARY).write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
            if language_direction is not None:
                np.save(staging / _DIRECTION, np.asarray(language_direction, dtype=np.float32))
            (staging / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")

        write_folder(self._meta, name, fill)

    def _prune(self, keep: set[str | None], keep_finished: bool = False) -> None:
        """Drop this index's other collections and their folders: builds older than the previous one,
        and (`keep_finished` False or not) collections a failed build left without local files.
        Only names under this index's alias are touched; failing to drop is retried next build."""
        with self._calling("dropping old collections"):
            ours = [name for name in self.client.list_collections() if name.startswith(self.alias + "_")]
            for name in ours:
                finished = (self._meta / name).is_dir()
                if name in keep or (keep_finished and finished):
                    continue
                self.client.drop_collection(name)
                shutil.rmtree(self._meta / name, ignore_errors=True)
        for folder in self._meta.glob(STAGING_PREFIX + "*") if self._meta.is_dir() else ():
            shutil.rmtree(folder, ignore_errors=True)


ALIAS_FILE = "ALIAS"
ALIAS_NAME = re.compile(r"^papersearch_[0-9a-f]{12}$")
# Papersearch's own collection names (alias, build time, random suffix): nothing else is ever touched.
COLLECTION_NAME = re.compile(r"^(papersearch_[0-9a-f]{12})_\d{8}T\d{6}_[0-9a-f]{8}$")


def alias_of(directory: Path) -> str:
    """The index's alias: recorded in its local folder, so a library moved or renamed with its index
    folder keeps finding its collection; an index built before the alias was recorded is adopted
    from its collections' folder names (which begin with it); a new index names one from its path."""
    meta = directory / MILVUS_FOLDER
    try:
        recorded = (meta / ALIAS_FILE).read_text(encoding="utf-8").strip()
        if ALIAS_NAME.match(recorded):
            return recorded
    except OSError:
        pass
    built = sorted((m.group(1) for folder in (meta.iterdir() if meta.is_dir() else ())
                    if (m := COLLECTION_NAME.match(folder.name))), reverse=True)
    if built:
        return built[0]
    digest = hashlib.sha256(str(directory.expanduser().resolve()).encode()).hexdigest()[:12]
    return f"papersearch_{digest}"


def _passages_table(rows: dict[str, list]) -> pa.Table:
    """The passage columns search reads, in row order, typed exactly as the file store's."""
    order = np.argsort(np.asarray(rows["row"], dtype=np.int64), kind="stable")
    columns = {}
    for field in PASSAGE_SCHEMA:
        values = [rows[field.name][i] for i in order]
        if field.name == "links":
            values = [list(links or []) for links in values]
        columns[field.name] = pa.array(values, type=field.type)
    return pa.table(columns, schema=PASSAGE_SCHEMA)
