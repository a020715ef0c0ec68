"""OCR results on disk, by page-image hash, so a rebuild never recognises the same page twice.

Tesseract takes seconds per page; reading a cached answer takes a millisecond. Entries live in
the cache folder's ``ocr/`` (disk.cache_dir, beside the model cache). Each entry is one JSON file
written atomically, holding its key and a SHA-256 of its text: a truncated or altered entry is
ignored and made again. A cache that cannot be written only costs the recognition next time; it
is logged once.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from disk import atomic_write_text, cache_dir, text_sha256

_log = logging.getLogger(__name__)
_warned = False


def ocr_cache_dir() -> Path:
    return cache_dir("ocr")


def _entry(key: str) -> Path:
    return ocr_cache_dir() / key[:2] / f"{key}.json"


def cached_text(key: str) -> str | None:
    """The text stored under `key`, or None when there is none or the entry is damaged."""
    try:
        data = json.loads(_entry(key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("text"), str):
        return None
    if data.get("sha256") != text_sha256(data["text"]):
        return None
    return data["text"]


def store_text(key: str, text: str) -> None:
    """Write the entry atomically (temporary file, then rename)."""
    global _warned
    path = _entry(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = json.dumps({"key": key, "sha256": text_sha256(text), "text": text}, ensure_ascii=False)
        atomic_write_text(path, entry, durable=False)  # a lost entry only costs a recognition
    except OSError as error:
        if not _warned:
            _log.warning("cannot write the OCR cache %s (%s); pages will be recognised again", path.parent, error)
            _warned = True
