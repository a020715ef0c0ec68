"""Each note's facts (papers.note_facts) kept beside the index, so a build parses again only the
notes whose bytes changed.

One JSON file in the index folder, ``note_facts.json``, holds every note of the last build by
path, with the SHA-256 the planner gave its bytes, and the version of the code that read them:
a hash of the ``papers`` and ``corpus`` sources, so an upgrade of the note reader reads every
note again instead of trusting what older code made of it. The file is a cache, never the truth:
one that is damaged, altered (its digest no longer fits), foreign or of the wrong shape is
ignored and written anew, and one that cannot be written costs the next build the parsing,
nothing else (index/cache_file.py). It holds only the notes the library has now.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import cache
from pathlib import Path

import corpus
import papers
from index.cache_file import CacheFile
from papers.note_facts import NoteFacts, facts_from_json, facts_to_json

CACHE_FILE = "note_facts.json"
_log = logging.getLogger(__name__)


@cache
def reader_version() -> str:
    """A hash of the sources that turn a note's text into its facts."""
    digest = hashlib.sha256()
    for package in (corpus, papers):
        root = Path(package.__file__).parent
        for source in sorted(root.rglob("*.py")):
            digest.update(source.relative_to(root).as_posix().encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


class NoteFactsCache:
    """The cache of one index folder."""

    def __init__(self, directory: Path):
        self.path = Path(directory) / CACHE_FILE
        self._file = CacheFile(self.path, "the note cache", "every note is read again", _log)

    def load(self) -> dict[str, tuple[str, NoteFacts]]:
        """path -> (sha256 of the note's bytes, its facts); empty when there is no usable cache."""
        return self._file.load(reader_version(), _read, _digest, _notes) or {}

    def save(self, notes: dict[str, tuple[str, NoteFacts]]) -> None:
        """Keep exactly `notes` (path -> (sha256, facts)) for the next build: a line of header (the
        reader's version, the digest of the rest), then the notes."""
        body = json.dumps({path: {"sha256": sha, "facts": facts_to_json(facts)} for path, (sha, facts) in notes.items()},
                          ensure_ascii=False)
        self._file.save(reader_version(), _digest(body), lambda header: f"{header}\n{body}".encode("utf-8"))


def _read(path: Path) -> tuple[object, str]:
    head, _, body = path.read_text(encoding="utf-8").partition("\n")
    return json.loads(head), body


def _notes(body: str) -> dict[str, tuple[str, NoteFacts]]:
    return {path: (entry["sha256"], facts_from_json(entry["facts"])) for path, entry in json.loads(body).items()}


def _digest(body: str) -> str:
    """A SHA-256 of the notes' JSON: a cache altered on disk (a bad sector, a hand edit) is not trusted."""
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
