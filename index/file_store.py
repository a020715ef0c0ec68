"""The on-disk index format. The only module that reads or writes index files.

    <index dir>/
      CURRENT               name of the live build (replaced atomically)
      builds/<name>/        one complete build:
        manifest.json       model, dimension, chunk settings, per-file hashes, skipped files
        passages.arrow      what search shows and needs per passage (chunk_id, path, kind, title, text,
                            page, heading, start_line, links, script, role: "references" for a
                            PDF's reference list), row i describing vector i:
                            uncompressed Arrow IPC, memory-mapped when an index opens (no per-row work)
        chunks.parquet      what only builds need per passage: chunk_id, embed_text (and, in builds
                            written before lexical/ kept the token ids, lexical_tokens)
        vectors.faiss       FAISS over L2-normalised vectors (inner product = cosine): exact
                            IndexFlatIP, or above index/vector_index.py's threshold an IVF index
                            of 8-bit codes re-scored on the exact vectors (IndexRefineFlat; the
                            manifest's vector_index says which, with its parameters);
                            memory-mapped when opened
        lexical/            BM25 (bm25s), and the passages' token ids it was fitted from (index/lexical.py)
        language_direction.npy  the model's English→Chinese direction, removed from queries
                            (index/language_direction.py); absent if the model has none
        companion.faiss, companion_direction.npy, companion_terms.npz
                            the second encoder's vectors of every passage, its language direction,
                            and the library's title terms with its vectors of them (index/companion.py,
                            index/title_terms.py); absent without a second encoder
        papers.json         the paper catalog: papers, their files and where notes mention them
        checksums.json      SHA-256 of every file above, written last (index/checksums.py)
      .lock                 held while a build writes
      verified.json         the current build's files a check found sound (index/checksums.py)

A build is written into a temporary folder, renamed into builds/, and only then does CURRENT
point at it. A reader therefore sees the old index or the new one, never a mix, and a build that
dies at any moment leaves the previous index loadable.

An update of a finished build (`write_update`) is written the same way, from the previous build's
files: passages.arrow and chunks.parquet copied a slice at a time less the dropped rows, plus the
new ones; the vector indexes read whole, their rows dropped and added with their training kept;
BM25 re-fitted from the kept rows' stored token ids and the new rows' tokens.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from corpus import Chunk, script_of
from disk import atomic_write_text
from papers import Catalog
from index.companion import CompanionVectors
from index.build_folder import (
    MANIFEST, PAPERS, BuildFolderReads, build_name, clear_staging, held_lock, read_catalog, read_manifest, read_or_corrupt,
    write_folder,
)
from index.errors import (
    CorruptIndexError,
    IndexLocationError,
    IndexLockedError,
    IndexNotFoundError,
    IndexWriteError,
)
from index.checksums import CHECKSUMS, VERIFIED, remember_written, verify_checksums
from index.lexical import LexicalIndex, TokenIds
from index.vector_journal import VectorJournal
from index.manifest import Manifest
from index.migrations import (
    checksums_required, passage_roles_of, passages_with_roles, tokens_of_older_build, with_script_and_roles,
)
from index.store_location import MILVUS_FOLDER
from index.title_terms import TitleTerms
from index.vector_file import VECTOR_FILE_PREFIX, VectorFile
from index.vector_index import build_vector_index, read_vector_index, updated_vector_index

CHUNK_COLUMNS = [
    "chunk_id", "path", "kind", "title", "text", "embed_text", "page", "heading", "start_line", "links",
    "lexical_tokens", "script", "role",
]
# passages.arrow: what search reads (memory-mapped); chunks.parquet: what only a rebuild reads
PASSAGE_COLUMNS = [
    "chunk_id", "path", "kind", "title", "text", "page", "heading", "start_line", "links", "script", "role",
]
BUILD_COLUMNS = ["chunk_id", "embed_text"]
ROW_COLUMNS = [name for name in CHUNK_COLUMNS if name != "lexical_tokens"]  # a build's rows; tokens go as ids
_PASSAGE_SCHEMA = pa.schema([
    ("chunk_id", pa.string()), ("path", pa.string()), ("kind", pa.string()), ("title", pa.string()),
    ("text", pa.large_string()), ("page", pa.int64()), ("heading", pa.string()), ("start_line", pa.int64()),
    ("links", pa.list_(pa.string())), ("script", pa.string()), ("role", pa.string()),
])
PASSAGE_SCHEMA = _PASSAGE_SCHEMA  # the passages table every store hands to search
_OUR_BUILD = re.compile(r"^(?:\d{8}T\d{6}-[0-9a-f]{8}|\.tmp-.+)$")  # finished builds and killed builds' staging
_OURS_AT_TOP = re.compile(
    r"^(?:CURRENT|builds|\.lock|\.CURRENT-[0-9a-f]+|\.CURRENT\..+\.tmp|journal\.sqlite(?:-wal|-shm|-journal)?|progress\.json|marks\.lock"
    r"|verified\.json|\.verified\.json\..+\.tmp"  # files a build found sound (index/checksums.py)
    r"|recent-searches\.json|\.recent-searches\.json\..+\.tmp"  # the page's recent searches (library/recent_searches.py)
    r"|note_facts\.json|\.note_facts\.json\..+\.tmp"  # each note's entries, kept between builds (index/note_facts_cache.py)
    r"|citations\.npz|\.citations\.npz\..+\.tmp"  # the last build's citation matching (index/citation_cache.py)
    r"|\.vectors-.+)$"  # a build's vectors where a temporary file has a name (index/vector_file.py)
)
_CHUNKS, _PASSAGES, _VECTORS, _LEXICAL, _DIRECTION = (
    "chunks.parquet", "passages.arrow", "vectors.faiss", "lexical", "language_direction.npy",
)
_COMPANION, _COMPANION_DIRECTION = "companion.faiss", "companion_direction.npy"  # index/companion.py
_COMPANION_TERMS = "companion_terms.npz"  # the title terms and their companion vectors (index/title_terms.py)


@dataclass
class StoredIndex:
    manifest: Manifest
    passages: pa.Table  # PASSAGE_COLUMNS, memory-mapped; row i describes vector i
    vectors: faiss.Index
    lexical: LexicalIndex
    catalog: Catalog
    location: Path
    language_direction: np.ndarray | None = None
    roles_known: bool = True  # False: built before passages had roles; all read as body until a build
    companion: faiss.Index | None = None  # the second encoder's vectors (index/companion.py), if kept
    companion_direction: np.ndarray | None = None
    companion_terms: TitleTerms | None = None  # absent in builds made before they were kept
    _chunks: pd.DataFrame | None = None

    ranks_within_rows = True  # FAISS reconstructs any rows and BM25 scores every passage: a scope ranks its rows only

    def filter_scope(self, where) -> tuple[None, frozenset[str]]:
        """Files filter nothing inside their searches: search checks every filter on the results."""
        return None, frozenset()

    @property
    def rows(self) -> pd.DataFrame:
        """The chunk table without its tokens (ROW_COLUMNS), read anew at each use and not kept:
        a rebuild reads it once for the rows it carries over (their tokens stay ids:
        `kept_tokens`) and lets the rest go before it embeds; search reads `passages`."""
        try:
            build = pq.read_table(self.location / _CHUNKS, columns=BUILD_COLUMNS).to_pandas()
        except Exception as error:  # noqa: BLE001 — a damaged file can fail in any library's own way
            raise CorruptIndexError(self.location, f"cannot be read ({type(error).__name__}: {error})") from None
        frame = self.passages.to_pandas()
        frame["embed_text"] = build["embed_text"].to_numpy()
        if not self.roles_known:
            frame["role"] = passage_roles_of(frame)
        return _normalise_types(frame[ROW_COLUMNS])

    @property
    def chunks(self) -> pd.DataFrame:
        """The whole chunk table (CHUNK_COLUMNS), each passage's tokens as text: for tools and
        tests (a rebuild reads `rows` and `kept_tokens`)."""
        if self._chunks is None:
            rows = self.rows
            tokens = self.kept_tokens(np.ones(len(rows), dtype=bool)).token_lists()
            self._chunks = rows.assign(lexical_tokens=pd.Series(tokens, dtype=object))[CHUNK_COLUMNS]
        return self._chunks

    def kept_tokens(self, keep: np.ndarray) -> TokenIds:
        """The token ids of the rows `keep` is True for (BM25's own, as saved beside it)."""
        stored = read_or_corrupt(self.location, lambda: _stored_tokens(self.location))
        if len(stored) != len(keep):
            raise CorruptIndexError(self.location, f"has token ids of {len(stored)} passages for {len(keep)}")
        return stored.kept(keep)

    def all_vectors(self) -> np.ndarray:
        if self.vectors.ntotal == 0:
            return np.zeros((0, self.manifest.dimension), dtype=np.float32)
        return self.vectors.reconstruct_n(0, self.vectors.ntotal)

    def all_companion_vectors(self) -> np.ndarray:
        if self.companion is None or self.companion.ntotal == 0:
            return np.zeros((0, self.manifest.companion_dimension), dtype=np.float32)
        return self.companion.reconstruct_n(0, self.companion.ntotal)

    def rows_of_files(self, paths: set[str]) -> np.ndarray:
        """Which rows belong to one of `paths` (a mask), read from the memory-mapped passages."""
        if not len(self.passages):
            return np.zeros(0, dtype=bool)
        found = pc.is_in(self.passages.column("path"), value_set=pa.array(sorted(paths), type=pa.string()))
        return found.to_numpy(zero_copy_only=False).astype(bool)

    def embed_texts(self, rows: np.ndarray) -> list[str]:
        """The embedded texts of a few rows (an update's dropped ones), not the whole chunk table."""
        if not len(rows):
            return []
        try:
            column = pq.read_table(self.location / _CHUNKS, columns=["embed_text"]).column(0)
        except Exception as error:  # noqa: BLE001 — a damaged file can fail in any library's own way
            raise CorruptIndexError(self.location, f"cannot be read ({type(error).__name__}: {error})") from None
        return column.take(pa.array(np.asarray(rows, dtype=np.int64))).to_pylist()


def chunks_to_frame(chunks: list[Chunk], tokens: list[list[str]]) -> pd.DataFrame:
    """The chunk table: chunk fields plus each chunk's lexical tokens."""
    rows = PassageRows()
    rows.extend(chunks, tokens)
    return rows.frame()


class PassageRows:
    """The chunk table's columns, filled a file at a time as a build reads: each passage's fields are
    kept once, in its column, and the file's Chunk objects can go."""

    def __init__(self) -> None:
        self._columns: dict[str, list] = {name: [] for name in CHUNK_COLUMNS}

    def __len__(self) -> int:
        return len(self._columns["chunk_id"])

    def extend(self, chunks: list[Chunk], tokens: list[list[str]]) -> None:
        columns = self._columns
        for chunk, chunk_tokens in zip(chunks, tokens, strict=True):
            for name in ("chunk_id", "path", "kind", "title", "text", "embed_text", "page", "heading", "start_line",
                         "role"):
                columns[name].append(getattr(chunk, name))
            columns["links"].append(list(chunk.links))
            columns["lexical_tokens"].append(chunk_tokens)
            columns["script"].append(script_of(chunk.embed_text))

    def frame(self) -> pd.DataFrame:
        """The table; the rows are handed over (this holds none afterwards)."""
        columns, self._columns = self._columns, {name: [] for name in CHUNK_COLUMNS}
        frame = pd.DataFrame({name: pd.Series(columns.pop(name), dtype=object) for name in CHUNK_COLUMNS})
        return _normalise_types(frame)


def _normalise_types(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype({"page": "Int64", "start_line": "Int64"})
    frame["heading"] = frame["heading"].astype(object).where(frame["heading"].notna(), None)
    return frame.reset_index(drop=True)


class FileStore(BuildFolderReads):
    """The index as files in its folder (see the module docstring)."""

    keeps_companion = True
    stages = True  # a long first build commits as it goes (index/staged_build.py)

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    @property
    def _builds(self) -> Path:
        return self.directory / "builds"

    @property
    def _pointer(self) -> Path:
        return self.directory / "CURRENT"

    def current_build(self) -> Path | None:
        try:
            name = self._pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        build = self._builds / name
        return build if name and build.is_dir() else None

    def load(self) -> StoredIndex:
        build = self._require_build()
        manifest = read_manifest(build)

        def read():
            passages, roles_known = _read_passages(build / _PASSAGES)
            stored_rows = pq.read_metadata(build / _CHUNKS).num_rows  # cheap: the footer only
            vectors = read_vector_index(build / _VECTORS, manifest.vector_index)
            lexical = LexicalIndex.load(build / _LEXICAL)
            direction = np.load(build / _DIRECTION) if (build / _DIRECTION).exists() else None
            return passages, roles_known, stored_rows, vectors, lexical, read_catalog(build), direction

        passages, roles_known, stored_rows, vectors, lexical, catalog, direction = read_or_corrupt(build, read)
        companion, companion_direction, terms = read_or_corrupt(build, lambda: _read_companion(build, manifest))
        if companion is not None and (companion.ntotal != passages.num_rows or companion.d != manifest.companion_dimension):
            raise CorruptIndexError(
                build, f"is inconsistent ({companion.ntotal} second-encoder vectors of {companion.d} dimensions for "
                f"{passages.num_rows} passages; the manifest says {manifest.companion_dimension} dimensions)"
            )
        if passages.num_rows and lexical.is_empty:
            raise CorruptIndexError(build, f"has passages but no BM25 index ({_LEXICAL}/)")
        if (not (vectors.ntotal + manifest.pending_rows == passages.num_rows == stored_rows == manifest.chunk_count)
                or vectors.d != manifest.dimension or lexical.document_count not in (None, passages.num_rows)):
            raise CorruptIndexError(
                build, f"is inconsistent ({vectors.ntotal} vectors of {vectors.d} dimensions, "
                f"{passages.num_rows} passages, {stored_rows} chunk rows; the manifest says {manifest.chunk_count} "
                f"of {manifest.dimension})"
            )
        if direction is not None and direction.shape != (manifest.dimension,):
            raise CorruptIndexError(
                build, f"is inconsistent (its language direction has shape {direction.shape}, "
                f"the model has {manifest.dimension} dimensions)"
            )
        return StoredIndex(
            manifest=manifest, passages=passages, vectors=vectors, lexical=lexical, catalog=catalog, location=build,
            language_direction=direction, roles_known=roles_known, companion=companion,
            companion_direction=companion_direction, companion_terms=terms,
        )

    def _require_build(self) -> Path:
        build = self.current_build()
        if build is None:
            raise IndexNotFoundError(self.directory, kept_in_milvus=self._kept_in_milvus())
        return build

    def _kept_in_milvus(self) -> bool:
        """This folder holds the local files of an index kept in Milvus, not files of its own."""
        return (self.directory / MILVUS_FOLDER).is_dir() and self.current_build() is None

    def verify(self, remember: bool = False) -> None:
        """The current build's files against the checksums written with them (index/checksums.py);
        `remember`: files unchanged since a check found them sound are not hashed again (builds)."""
        build = self._require_build()
        verify_checksums(build, checksums_required(read_manifest(build)),
                         self.directory / VERIFIED if remember else None)

    @contextmanager
    def build_lock(self) -> Iterator[None]:
        """Only one build may write an index at a time, and only into a folder that is ours."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._refuse_foreign_files()
        except OSError as error:
            raise IndexWriteError(self._cannot_write(error)) from None
        with held_lock(self.directory / ".lock", self.directory, lambda e: IndexWriteError(self._cannot_write(e))):
            self._clear_leftovers()
            yield

    def write(
        self,
        manifest: Manifest,
        chunks: pd.DataFrame,
        vectors: np.ndarray | VectorFile,
        lexical: LexicalIndex,
        catalog: Catalog,
        language_direction: np.ndarray | None = None,
        companion: CompanionVectors | None = None,
        reuse: Path | None = None,
    ) -> Path:
        """Write a complete new build and make it current. Call under build_lock(). `vectors` may
        lack the last `manifest.pending_rows` passages (a stage of a staged build); `reuse`: an
        earlier stage of the same build, whose files other than the vectors and manifest are the
        same and are linked (or copied), not written again: then only the length of `chunks` is
        read, and neither `lexical` nor `catalog`, so a staged build need not hold its passages."""
        if len(chunks) != len(vectors) + manifest.pending_rows:
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors and {manifest.pending_rows} pending")

        def fill(staging: Path) -> None:
            if reuse is not None:
                _share_unchanged(reuse, staging)
                _fill_vectors(staging, manifest, vectors, companion)
            else:
                _fill_build(staging, manifest, chunks, vectors, lexical, catalog, language_direction, companion)

        return self._commit(fill)

    def _commit(self, fill: Callable[[Path], None]) -> Path:
        """A new build folder filled by `fill` in staging, renamed into builds/ and made current;
        older builds but the one it replaces are pruned."""
        previous = self.current_build()
        try:
            self._builds.mkdir(parents=True, exist_ok=True)
            final = write_folder(self._builds, build_name(), fill)
            self._point_at(final)
        except OSError as error:
            raise IndexWriteError(self._cannot_write(error)) from None
        self._prune(keep={final, previous})
        remember_written(final, self.directory / VERIFIED)  # after pruning: unlinking a shared file moves its change time
        return final

    updates_in_place = True  # an update of a finished index: write_update

    def write_update(
        self,
        manifest: Manifest,
        previous: StoredIndex,
        keep: np.ndarray,
        added: pd.DataFrame,
        vectors: np.ndarray,
        catalog: Catalog,
        language_direction: np.ndarray | None = None,
        companion: CompanionVectors | None = None,
    ) -> Path:
        """A new build made from `previous` (the current one, finished) without its rows that `keep`
        is False for and with `added` after the others (their `vectors` and `companion` vectors),
        made current as `write` does. Nothing is held or re-made per passage of the library: the
        passages and build columns are copied from the old files a slice at a time, the vector
        indexes keep their training and only lose and gain rows (index/vector_index.py), and BM25
        is re-fitted from the token ids read while copying (every weight depends on the whole
        library's statistics). `manifest.vector_index` must be the previous build's."""
        if len(keep) != previous.passages.num_rows or len(added) != len(vectors):
            raise ValueError(f"{len(keep)} rows to keep of {previous.passages.num_rows}; "
                             f"{len(added)} added rows with {len(vectors)} vectors")
        if manifest.pending_rows or manifest.vector_index != previous.manifest.vector_index:
            raise ValueError("an update in place writes a finished build with the previous build's vector index")
        old = previous.location

        def fill(staging: Path) -> None:
            _write_updated_index(old / _VECTORS, staging / _VECTORS, keep, vectors)
            if companion is not None:
                _write_updated_index(old / _COMPANION, staging / _COMPANION, keep, companion.vectors)
                _save_direction(staging / _COMPANION_DIRECTION, companion.direction)
                _save_terms(staging / _COMPANION_TERMS, companion.terms)
            (staging / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
            _write_catalog(staging, catalog)
            rows = with_script_and_roles(added)
            _append_passages(previous.passages, keep, rows, staging / _PASSAGES)
            stored = read_or_corrupt(old, lambda: _stored_tokens(old))
            if len(stored) != len(keep):
                raise CorruptIndexError(old, f"has token ids of {len(stored)} passages for {len(keep)}")
            _append_build_columns(old / _CHUNKS, keep, rows, staging / _CHUNKS)
            tokens = stored.kept(keep)
            for row in rows["lexical_tokens"]:
                tokens.append(row)
            LexicalIndex.fit_ids(tokens).save(staging / _LEXICAL)
            _save_direction(staging / _DIRECTION, language_direction)

        return self._commit(fill)

    def _cannot_write(self, error: OSError) -> str:
        message = f"Papersearch cannot write the index at {self.directory} ({error.strerror or error})."
        try:
            previous = self.exists()
        except OSError:  # its pointer cannot be read either: nothing to promise about an older index
            previous = False
        return message + (" The previous index is kept and still answers searches." if previous else "")

    def _refuse_foreign_files(self) -> None:
        """Never build into (and later prune) a folder that holds someone else's files."""
        foreign = [entry.name for entry in self.directory.iterdir() if not _OURS_AT_TOP.match(entry.name)]
        if self._builds.is_dir():
            foreign += [f"builds/{entry.name}" for entry in self._builds.iterdir() if not _OUR_BUILD.match(entry.name)]
        if foreign:
            shown = ", ".join(sorted(foreign)[:3]) + (", ..." if len(foreign) > 3 else "")
            raise IndexLocationError(
                f"The index folder {self.directory} holds files Papersearch did not write ({shown}); it will not "
                "write there, so that nothing of yours is overwritten or deleted. Choose an empty folder for the index."
            )

    def _point_at(self, build: Path) -> None:
        atomic_write_text(self._pointer, build.name + "\n")

    def set_aside_damaged(self) -> Path | None:
        return None  # a damaged build is replaced by the next build itself (load_previous)

    def tidy(self) -> None:
        """Clear what killed builds left behind, unless a build is running now (it owns them)."""
        try:
            with self.build_lock():
                VectorJournal(self.directory).discard()  # called when up to date: the index holds its vectors
        except (IndexLockedError, IndexWriteError):  # tidying is optional: an index one may only read is up to date too
            pass

    def _clear_leftovers(self) -> None:
        """What killed builds left behind: staging folders and pointer files that never became
        current. Only called under the build lock, when no build can be writing them."""
        for pointer in self.directory.glob(".CURRENT*.tmp"):
            pointer.unlink(missing_ok=True)
        for pointer in self.directory.glob(".CURRENT-*"):
            pointer.unlink(missing_ok=True)
        for stamp in self.directory.glob(".verified.json.*.tmp"):
            stamp.unlink(missing_ok=True)
        for vectors in self.directory.glob(VECTOR_FILE_PREFIX + "*"):  # named only where O_TMPFILE is missing
            vectors.unlink(missing_ok=True)
        clear_staging(self._builds)

    def _prune(self, keep: set[Path | None]) -> None:
        """Drop old builds and leftovers of killed builds — only folders this store named — and keep
        the previous build for open readers."""
        for entry in self._builds.iterdir():
            if entry not in keep and _OUR_BUILD.match(entry.name):
                shutil.rmtree(entry, ignore_errors=True)


_PER_STAGE = (_VECTORS, _COMPANION, _COMPANION_DIRECTION, _COMPANION_TERMS, MANIFEST, CHECKSUMS)  # what differs between stages


def _share_unchanged(earlier: Path, staging: Path) -> None:
    """An earlier stage's passages, chunks, BM25 and catalog in `staging`: hard-linked (builds are
    never modified once written, so sharing their files is safe), or copied where links cannot be
    made (another file system, a file system without them)."""
    for path in earlier.rglob("*"):
        relative = path.relative_to(earlier)
        if relative.parts[0] in _PER_STAGE:
            continue
        target = staging / relative
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


def _fill_vectors(staging: Path, manifest, vectors, companion) -> None:
    """The files that differ between stages of one build: vectors, companion and manifest. The
    vectors may be a VectorFile (a long build keeps them on disk): each index is made from slices
    of them, and only the index itself is held whole."""
    vector_index = build_vector_index(_matrix(vectors, manifest.dimension), manifest.vector_index)
    faiss.write_index(vector_index, str(staging / _VECTORS))
    del vector_index  # gone before the companion's index is made: at 300k passages each is most of a gigabyte
    if companion is not None:
        second = _matrix(companion.vectors, companion.dimension)
        if len(second) != len(vectors):
            raise ValueError(f"{len(second)} second-encoder vectors for {len(vectors)} vectors")
        faiss.write_index(build_vector_index(second, manifest.vector_index), str(staging / _COMPANION))
        _save_direction(staging / _COMPANION_DIRECTION, companion.direction)
        _save_terms(staging / _COMPANION_TERMS, companion.terms)
    (staging / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")


def _matrix(vectors: np.ndarray | VectorFile, dimension: int) -> np.ndarray | VectorFile:
    """Rows of `dimension` float32 values; a VectorFile as it is (it is read a slice at a time)."""
    if isinstance(vectors, VectorFile):
        return vectors
    return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(vectors), dimension)


def _fill_build(staging: Path, manifest, chunks, vectors, lexical, catalog, language_direction, companion) -> None:
    """Every file of a build, written into its staging folder."""
    if lexical.tokens is None or len(lexical.tokens) != len(chunks):
        raise ValueError("a build's BM25 must come with the token ids of its passages (LexicalIndex.fit)")
    _fill_vectors(staging, manifest, vectors, companion)
    lexical.save(staging / _LEXICAL)
    _write_catalog(staging, catalog)
    chunks = with_script_and_roles(chunks)
    _write_passages(chunks, staging / _PASSAGES)
    _write_build_columns(chunks, staging / _CHUNKS)
    _save_direction(staging / _DIRECTION, language_direction)


def _write_catalog(staging: Path, catalog: Catalog) -> None:
    (staging / PAPERS).write_text(json.dumps(catalog.to_dict(), ensure_ascii=False), encoding="utf-8")


def _save_direction(path: Path, direction: np.ndarray | None) -> None:
    """A model's English→Chinese direction beside its vectors; nothing for a model without one."""
    if direction is not None:
        np.save(path, np.asarray(direction, dtype=np.float32))


def _write_updated_index(source: Path, target: Path, keep: np.ndarray, added: np.ndarray) -> None:
    """The previous build's vector index read whole (a memory-mapped one cannot change), less the
    dropped rows and plus the new ones, written as the new build's."""
    index = faiss.read_index(str(source))
    index = updated_vector_index(index, keep, np.asarray(added, dtype=np.float32).reshape(len(added), index.d))
    faiss.write_index(index, str(target))


def _append_passages(passages: pa.Table, keep: np.ndarray, added: pd.DataFrame, path: Path) -> None:
    """passages.arrow: the kept rows of the previous one, copied a slice at a time, then the new rows."""
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, _PASSAGE_SCHEMA) as writer:
        for start in range(0, passages.num_rows, WRITE_ROWS):
            part, kept = passages.slice(start, WRITE_ROWS), keep[start : start + WRITE_ROWS]
            writer.write_table(part if kept.all() else part.filter(pa.array(kept)))
        for part in _slices(added):
            writer.write_batch(_passage_batch(part))


def _stored_tokens(build: Path) -> TokenIds:
    """Every passage's token ids: kept beside BM25, or (index/migrations.py) read from an older build's text."""
    stored = TokenIds.read(build / _LEXICAL)
    return stored if stored is not None else tokens_of_older_build(build / _CHUNKS)


def _append_build_columns(source: Path, keep: np.ndarray, added: pd.DataFrame, path: Path) -> None:
    """chunks.parquet: the previous one's kept rows, copied a slice at a time, then the new ones
    (an older build's token column is not copied: the tokens are kept as ids beside BM25)."""
    try:
        rows = pq.ParquetFile(source)
    except Exception as error:  # noqa: BLE001 — a damaged file can fail in any library's own way
        raise CorruptIndexError(source.parent, f"cannot be read ({type(error).__name__}: {error})") from None
    with pq.ParquetWriter(str(path), _BUILD_SCHEMA) as writer:
        start = 0
        for batch in rows.iter_batches(batch_size=WRITE_ROWS, columns=BUILD_COLUMNS):
            kept = keep[start : start + batch.num_rows]
            start += batch.num_rows
            part = pa.Table.from_batches([batch if kept.all() else batch.filter(pa.array(kept))])
            writer.write_table(part.cast(_BUILD_SCHEMA))
        for part in _slices(added):
            writer.write_table(_build_table(part))
        if start == 0 and not len(added):
            writer.write_table(_BUILD_SCHEMA.empty_table())
    if start != len(keep):
        raise CorruptIndexError(source.parent, f"has {start} chunk rows for {len(keep)} passages")


WRITE_ROWS = 1 << 14  # rows converted to Arrow at a time: a library's whole text is never copied at once


def _slices(frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), WRITE_ROWS):
        yield frame.iloc[start : start + WRITE_ROWS]


def _write_passages(chunks: pd.DataFrame, path: Path) -> None:
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, _PASSAGE_SCHEMA) as writer:
        for part in _slices(chunks):
            writer.write_batch(_passage_batch(part))


def _passage_batch(chunks: pd.DataFrame) -> pa.RecordBatch:
    columns = {}
    for field in _PASSAGE_SCHEMA:
        values = chunks[field.name]
        if field.name == "links":
            values = [list(links) if links is not None else [] for links in values]
        elif pa.types.is_integer(field.type):
            values = pd.array(values, dtype="Int64")
        else:
            values = values.astype(object).where(values.notna(), None)
        columns[field.name] = pa.array(values, type=field.type, from_pandas=True)
    return pa.RecordBatch.from_pydict(columns, schema=_PASSAGE_SCHEMA)


_BUILD_SCHEMA = pa.schema([("chunk_id", pa.string()), ("embed_text", pa.string())])


def _build_table(chunks: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(chunks[BUILD_COLUMNS], schema=_BUILD_SCHEMA, preserve_index=False)


def _write_build_columns(chunks: pd.DataFrame, path: Path) -> None:
    """chunks.parquet, one row group per slice of rows."""
    with pq.ParquetWriter(str(path), _BUILD_SCHEMA) as writer:
        for part in _slices(chunks):
            writer.write_table(_build_table(part))
        if not len(chunks):
            writer.write_table(_BUILD_SCHEMA.empty_table())


def _read_passages(path: Path) -> tuple[pa.Table, bool]:
    """Memory-mapped and zero-copy: opening costs the same for ten passages or a million; the
    bool says whether passages carry their roles (index/migrations.py)."""
    table = ipc.open_file(pa.memory_map(str(path), "r")).read_all()
    older = passages_with_roles(table, _PASSAGE_SCHEMA)
    if older is not None:
        return older
    if table.schema != _PASSAGE_SCHEMA:
        raise ValueError(f"{_PASSAGES} has columns {table.schema.names}")
    return table, True


def _read_companion(build: Path, manifest: Manifest) -> tuple[faiss.Index | None, np.ndarray | None, TitleTerms | None]:
    if not manifest.companion_model:
        return None, None, None
    direction = np.load(build / _COMPANION_DIRECTION) if (build / _COMPANION_DIRECTION).exists() else None
    return read_vector_index(build / _COMPANION, manifest.vector_index), direction, _read_terms(build / _COMPANION_TERMS)


def _save_terms(path: Path, terms: TitleTerms | None) -> None:
    """The title terms (one UTF-8 text, a term a line) and their vectors, read without pickle."""
    if terms is not None:
        text = np.frombuffer("\n".join(terms.terms).encode("utf-8"), dtype=np.uint8)
        np.savez(path, terms=text, vectors=np.asarray(terms.vectors, dtype=np.float32))


def _read_terms(path: Path) -> TitleTerms | None:
    """None for a build made before title terms were kept (index/migrations.py `lacks_title_terms`)."""
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as stored:
        text, vectors = stored["terms"].tobytes().decode("utf-8"), stored["vectors"]
    return TitleTerms(tuple(text.split("\n")) if text else (), vectors)


