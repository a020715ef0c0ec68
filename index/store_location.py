"""Where an index lives: index files (the default) or a Milvus collection.

`--store` / $PAPERSEARCH_STORE is parsed here once into a typed location, so a malformed value
fails with the list of accepted forms before anything is read or written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from index.errors import InvalidStoreError

ENV_STORE = "PAPERSEARCH_STORE"
MILVUS_FOLDER = "milvus"  # inside an index folder: the local files of an index kept in Milvus
ENV_MILVUS_TOKEN = "MILVUS_TOKEN"
ACCEPTED_FORMS = (
    "'file' (the default: index files in the --index folder), "
    "'milvus:<path.db>' (Milvus Lite: a local file, nothing to start), or "
    "'milvus:http://host:19530' (a Milvus Standalone or Distributed server; https:// too; "
    f"its token from ${ENV_MILVUS_TOKEN})"
)


@dataclass(frozen=True)
class StoreLocation:
    kind: str  # "file" or "milvus"
    uri: str = ""  # for milvus: an absolute path ending in .db, or an http(s):// URL

    @property
    def is_milvus(self) -> bool:
        return self.kind == "milvus"

    @property
    def is_lite(self) -> bool:
        return self.is_milvus and not self.uri.startswith(("http://", "https://"))

    def token(self) -> str:
        """A server's token comes from the environment, never from the command line (shell history)."""
        return "" if self.is_lite else os.environ.get(ENV_MILVUS_TOKEN, "")

    def __str__(self) -> str:
        return "file" if self.kind == "file" else f"milvus:{self.uri}"


FILE_STORE = StoreLocation("file")


def parse_store(value: str | StoreLocation | None) -> StoreLocation:
    """`value`, else $PAPERSEARCH_STORE, else the file store."""
    if isinstance(value, StoreLocation):
        return value
    chosen = (value if value is not None else os.environ.get(ENV_STORE, "")).strip()
    if chosen in ("", "file"):
        return FILE_STORE
    prefix, _, rest = chosen.partition(":")
    rest = rest.strip()
    if prefix != "milvus" or not rest:
        raise InvalidStoreError(f"'{chosen}' is not a store Papersearch knows. Use {ACCEPTED_FORMS}.")
    if rest.startswith(("http://", "https://")):
        host = rest.split("://", 1)[1].split("/", 1)[0]
        if not host or host.startswith(":"):
            raise InvalidStoreError(f"'{chosen}' names no host. Use {ACCEPTED_FORMS}.")
        return StoreLocation("milvus", rest.rstrip("/"))
    if "://" in rest:
        raise InvalidStoreError(f"'{chosen}': Milvus is reached over http:// or https://. Use {ACCEPTED_FORMS}.")
    if not rest.endswith(".db"):
        raise InvalidStoreError(f"'{chosen}': a Milvus Lite file name must end in .db. Use {ACCEPTED_FORMS}.")
    return StoreLocation("milvus", str(Path(rest).expanduser().resolve()))
