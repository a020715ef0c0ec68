"""Where an index lives: index files (the default) or a Milvus collection.

`--store` / $PAPERSEARCH_STORE is parsed here once into a typed location, so a malformed value
fails with the list of accepted forms before anything is read or written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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


_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/?#@\s]*)@")
REDACTED = "***"


def redacted(text: str) -> str:
    """`text` (a URI, a store value or a message quoting one) with every URI's user and password
    shown as ***: the one place a URI is made fit to show, in messages, status, JSON and logs."""
    return _USERINFO.sub(lambda match: f"{match.group('scheme')}{REDACTED}@", str(text))


def credentials_in_uri(uri: str) -> bool:
    return bool(_USERINFO.search(uri))


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

    @property
    def shown(self) -> str:
        """The URI as messages show it: without a user or password it may hold."""
        return redacted(self.uri)

    @property
    def has_credentials(self) -> bool:
        """The URI itself holds a user or password (they belong in $MILVUS_TOKEN)."""
        return credentials_in_uri(self.uri)

    def __str__(self) -> str:
        return "file" if self.kind == "file" else f"milvus:{self.shown}"

    def __repr__(self) -> str:
        return f"StoreLocation({self.kind!r}, {self.shown!r})"


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
    shown = redacted(chosen)
    if prefix != "milvus" or not rest:
        raise InvalidStoreError(f"'{shown}' is not a store Papersearch knows. Use {ACCEPTED_FORMS}.")
    if rest.startswith(("http://", "https://")):
        return StoreLocation("milvus", _server_uri(rest, shown))
    if "://" in rest:
        raise InvalidStoreError(f"'{shown}': Milvus is reached over http:// or https://. Use {ACCEPTED_FORMS}.")
    if rest.startswith(":"):
        raise InvalidStoreError(
            f"'{shown}' names neither a server (milvus:http://host:19530) nor a Milvus Lite file (milvus:<path.db>). "
            f"Use {ACCEPTED_FORMS}."
        )
    if not rest.endswith(".db"):
        raise InvalidStoreError(f"'{shown}': a Milvus Lite file name must end in .db. Use {ACCEPTED_FORMS}.")
    return StoreLocation("milvus", str(Path(rest).expanduser().resolve()))


def _server_uri(uri: str, shown: str) -> str:
    """An http(s) URI with a host and, if any, a numeric port; anything else is InvalidStoreError
    (never a bug report, never a silent localhost)."""
    try:
        parts = urlsplit(uri)
        host, port = parts.hostname, parts.port  # .port raises ValueError on a port that is not a number
    except ValueError as error:
        raise InvalidStoreError(f"'{shown}' is not a valid URL ({redacted(str(error))}). Use {ACCEPTED_FORMS}.") from None
    if not host:
        raise InvalidStoreError(f"'{shown}' names no host. Use {ACCEPTED_FORMS}.")
    del port
    return uri.rstrip("/")
