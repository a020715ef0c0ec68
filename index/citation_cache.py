"""The last build's citation matching (papers.CitationMemo) kept beside the index, so an update
matches again only the reference lists that changed or that a changed paper could answer.

One file in the index folder, ``citations.npz`` (NumPy's zip of arrays, read without pickle):
a header (the version of the code that matched: the note reader's source hash and
CITATIONS_VERSION; a digest of the rest), the matcher's keys and each PDF's memo as JSON, and
every PDF's word hashes as one array with offsets. As the note cache: a cache, never the truth;
a damaged, altered or foreign file is ignored (every list is matched again) and written anew;
one that cannot be written costs the next build the matching (index/cache_file.py). It holds
only the PDFs of the last build, and is not written again when they did not change.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from pathlib import Path

import numpy as np

from index.cache_file import CacheFile
from index.note_facts_cache import reader_version
from papers import CITATIONS_VERSION, CitationMemo, MatcherKeys, PdfCitations

CACHE_FILE = "citations.npz"
_log = logging.getLogger(__name__)


def _version() -> str:
    return f"{reader_version()}-{CITATIONS_VERSION}"


class CitationCache:
    """The citation cache of one index folder."""

    def __init__(self, directory: Path):
        self.path = Path(directory) / CACHE_FILE
        self._file = CacheFile(self.path, "the citation cache", "every reference list is matched again", _log)

    def load(self) -> CitationMemo | None:
        """The last build's memo, or None when there is no usable one."""
        return self._file.load(_version(), _read, lambda parts: _digest(*parts),
                               lambda parts: _memo(json.loads(parts[0]), parts[1], parts[2]))

    def save(self, memo: CitationMemo) -> None:
        """Keep `memo` for the next build (unless the file holds it already)."""
        paths = list(memo.pdfs)
        body = json.dumps({
            "arxiv": memo.keys.arxiv, "doi": memo.keys.doi,
            "buckets": {word: sorted(map(list, titles), key=repr) for word, titles in memo.keys.buckets.items()},
            "pdfs": [[path, memo.pdfs[path].source, memo.pdfs[path].matched, memo.pdfs[path].arxiv,
                      memo.pdfs[path].dois] for path in paths],
        }, ensure_ascii=False)
        words = [memo.pdfs[path].words for path in paths]
        offsets = np.cumsum([0] + [len(part) for part in words], dtype=np.int64)
        joined = np.concatenate(words) if words else np.zeros(0, dtype=np.uint32)

        def file_bytes(header: str) -> bytes:
            buffer = io.BytesIO()
            np.savez(buffer, header=_bytes(header), body=_bytes(body), words=joined, offsets=offsets)
            return buffer.getvalue()

        self._file.save(_version(), _digest(body, joined, offsets), file_bytes)


def _read(path: Path) -> tuple[object, tuple[str, np.ndarray, np.ndarray]]:
    with np.load(path, allow_pickle=False) as stored:
        header = json.loads(_text(stored["header"]))
        return header, (_text(stored["body"]), stored["words"], stored["offsets"])


def _memo(body: dict, words: np.ndarray, offsets: np.ndarray) -> CitationMemo:
    if words.dtype != np.uint32 or offsets.dtype != np.int64 or len(offsets) != len(body["pdfs"]) + 1:
        raise ValueError("its arrays do not fit its PDFs")
    buckets = {word: frozenset(tuple(title) for title in titles) for word, titles in body["buckets"].items()}
    keys = MatcherKeys(dict(body["arxiv"]), dict(body["doi"]), buckets)
    pdfs = {
        path: PdfCitations(source, tuple(matched), tuple(arxiv), tuple(dois), words[offsets[i]:offsets[i + 1]])
        for i, (path, source, matched, arxiv, dois) in enumerate(body["pdfs"])
    }
    return CitationMemo(keys, pdfs)


def _bytes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)


def _text(stored: np.ndarray) -> str:
    if stored.dtype != np.uint8:
        raise ValueError("a text array is not bytes")
    return stored.tobytes().decode("utf-8", "surrogatepass")


def _digest(body: str, words: np.ndarray, offsets: np.ndarray) -> str:
    """A SHA-256 of everything the header vouches for."""
    digest = hashlib.sha256(body.encode("utf-8", "surrogatepass"))
    digest.update(np.ascontiguousarray(words).tobytes())
    digest.update(np.ascontiguousarray(offsets).tobytes())
    return digest.hexdigest()
