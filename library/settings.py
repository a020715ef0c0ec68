"""Every PAPERSEARCH_* setting, read here: where things live and which model to use, from
flags, environment and the existing index, so the CLI, the page and bench resolve them alike.

PAPERSEARCH_CACHE (disk/cache.py), PAPERSEARCH_THREADS (embed/threads.py) and MILVUS_TOKEN
(index/store_location.py) are read by the bottom layers that use them, PAPERSEARCH_OPENER (the
program "Open in editor" starts) by library/open_files.py; their names are listed here.
"""

from __future__ import annotations

import os
from pathlib import Path

from corpus import ChunkSettings
from disk import ENV_CACHE
from embed import DEFAULT_MODEL
from embed.registry import canonical_name
from embed.threads import ENV_THREADS
from index import ENV_MILVUS_TOKEN, ENV_STORE, InvalidSettingsError, Manifest, ModelMismatchError

INDEX_FOLDER = ".papersearch"
ENV_LIBRARY = "PAPERSEARCH_LIBRARY"
ENV_INDEX = "PAPERSEARCH_INDEX"
ENV_MODEL = "PAPERSEARCH_MODEL"
ENV_DEBUG = "PAPERSEARCH_DEBUG"
ENV_ADDRESS = "PAPERSEARCH_ADDRESS"
ENV_ZOTERO = "PAPERSEARCH_ZOTERO"  # a Zotero data folder the page adds (its sidebar can change it)
ENV_OPENER = "PAPERSEARCH_OPENER"  # read by library/open_files.py
ALL_SETTINGS = (ENV_LIBRARY, ENV_INDEX, ENV_MODEL, ENV_STORE, ENV_CACHE, ENV_THREADS, ENV_DEBUG, ENV_MILVUS_TOKEN,
                ENV_OPENER)


def resolve_index_dir(library: Path, index: str | Path | None = None) -> Path:
    """--index, else $PAPERSEARCH_INDEX, else <library>/.papersearch."""
    chosen = index or os.environ.get(ENV_INDEX)
    return Path(chosen).expanduser() if chosen else Path(library) / INDEX_FOLDER


def requested_model(explicit: str | None = None) -> str | None:
    """The model the user asked for (--model, else $PAPERSEARCH_MODEL), if any."""
    chosen = explicit or os.environ.get(ENV_MODEL)
    return canonical_name(chosen) if chosen else None


def model_for_build(explicit: str | None, manifest: Manifest | None, recorded: str | None = None) -> str:
    """A rebuild keeps the index's model unless the user asks for another one; `recorded` is the
    model an index that can no longer be loaded (older format, damage) names."""
    return requested_model(explicit) or (manifest.model if manifest else recorded or DEFAULT_MODEL)


def model_for_search(explicit: str | None, manifest: Manifest) -> str:
    """Searching uses the index's model; asking for a different one is refused, not guessed."""
    asked = requested_model(explicit)
    if asked and asked != manifest.model:
        raise ModelMismatchError(manifest.model, asked)
    return manifest.model


def debugging() -> bool:
    """PAPERSEARCH_DEBUG=1 (or true/yes) shows the traceback of a bug; unset, empty or 0 does not."""
    return os.environ.get(ENV_DEBUG, "").strip().lower() in {"1", "true", "yes", "on"}


def chunk_settings_for(manifest: Manifest | None, chunk_tokens: int | None, overlap_tokens: int | None) -> ChunkSettings:
    """The chunking a rebuild uses: what the user asked for, else what built the index, else the defaults."""
    base = ChunkSettings(**manifest.chunk_settings) if manifest else ChunkSettings()
    try:
        return ChunkSettings(
            chunk_tokens=chunk_tokens if chunk_tokens is not None else base.chunk_tokens,
            overlap_tokens=overlap_tokens if overlap_tokens is not None else base.overlap_tokens,
        )
    except ValueError as error:
        raise InvalidSettingsError(f"Invalid chunk settings: {error}") from None
