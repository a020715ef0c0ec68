"""OCR results on disk, by page-image hash, so a rebuild never recognises the same page twice.

Tesseract takes seconds per page; reading a cached answer takes a millisecond. Entries live in
``$PAPERSEARCH_CACHE/ocr`` (default ``~/.cache/papersearch/ocr``, beside the model cache that
``embed.model_cache`` keeps; ``corpus`` may not import ``embed``, hence the second copy of the
rule). Each entry is one JSON file written to a temporary name and renamed into place, holding its
key and a SHA-256 of its text: a truncated or altered entry is ignored and made again. A cache
that cannot be written only costs the recognition next time; it is logged once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

ENV_CACHE = "PAPERSEARCH_CACHE"
_log = logging.getLogger(__name__)
_warned = False


def ocr_cache_dir() -> Path:
    root = os.environ.get(ENV_CACHE, "").strip()
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "papersearch"
    return base / "ocr"


def _entry(key: str) -> Path:
    return ocr_cache_dir() / key[:2] / f"{key}.json"


def _text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached_text(key: str) -> str | None:
    """The text stored under `key`, or None when there is none or the entry is damaged."""
    try:
        data = json.loads(_entry(key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("text"), str):
        return None
    if data.get("sha256") != _text_sha(data["text"]):
        return None
    return data["text"]


def store_text(key: str, text: str) -> None:
    """Write the entry atomically (temporary file, then rename)."""
    global _warned
    path = _entry(key)
    temp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"key": key, "sha256": _text_sha(text), "text": text}, out, ensure_ascii=False)
        os.replace(temp, path)
    except OSError as error:
        if temp is not None and os.path.exists(temp):
            os.unlink(temp)
        if not _warned:
            _log.warning("cannot write the OCR cache %s (%s); pages will be recognised again", path.parent, error)
            _warned = True
