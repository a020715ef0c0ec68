"""A second encoder's vectors beside the model's own: one more view of every passage.

e5 ranks a Chinese question's English paper low where multilingual USE ranks it high, and USE
is weaker on topical and English queries (bench/RETRIEVAL.md, issue #20): an index of e5 keeps
USE vectors of the same passages too, and search weighs the three rankings per query language.
The companion is the registry's choice for the model (embed.registry.companion_of); a store that
cannot keep it (Milvus, for now) builds without one, and search then fuses two rankings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from embed import Embedder, language_direction, registry
from index.passage_vectors import fill_vectors
from index.title_terms import TitleTerms, title_terms
from index.vector_file import VectorFile
from index.vector_journal import VectorJournal

STAGE = "Embedding for the second encoder"


@dataclass(frozen=True)
class CompanionVectors:
    model: str
    vectors: np.ndarray | VectorFile  # row i describes passage i
    direction: np.ndarray | None  # the companion's English→Chinese direction, removed from queries
    terms: TitleTerms | None = None  # the library's title terms with their vectors (index/title_terms.py)

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1])


def companion_model(model: str, keeps_companion: bool) -> str:
    """The companion an index of `model` gets in this store ('' for none)."""
    return (registry.companion_of(model) or "") if keeps_companion else ""


def companion_vectors(
    name: str,
    texts: list[str],
    carried: tuple[np.ndarray, np.ndarray | None] | None,
    load_embedder: Callable[[str], Embedder],
    progress: Callable[[str, int, int], None],
    journal: VectorJournal | None = None,
    spill: Path | None = None,
    titles: list[str] | None = None,
    previous_terms: TitleTerms | None = None,
) -> CompanionVectors:
    """Vectors of `texts` (every passage, kept ones first). `carried`: the previous build's
    companion vectors of the first rows and its direction, when the companion is the same model;
    only the rest is embedded, or taken from the build journal (index/vector_journal.py).
    `spill`: a folder to keep them in (a VectorFile, index/vector_file.py) instead of memory;
    not with `carried`. `titles`: the library's titles, whose terms are embedded too (those of
    `previous_terms`, made by the same companion, are not embedded again)."""
    if carried is not None and spill is not None:
        raise ValueError("carried companion vectors are kept in memory: no spill folder with them")
    start = 0 if carried is None else len(carried[0])
    embedder = load_embedder(name)
    fresh, _ = fill_vectors(embedder, texts[start:], journal, progress, STAGE, spill)
    vectors = fresh if carried is None else np.concatenate([carried[0], fresh]) if len(carried[0]) else fresh
    if not isinstance(vectors, VectorFile):
        vectors = np.asarray(vectors, dtype=np.float32)  # a copy only if they are not float32 already
    direction = carried[1] if carried is not None and carried[1] is not None else language_direction(embedder)
    terms = title_terms(titles, embedder, previous_terms) if titles is not None else None
    return CompanionVectors(embedder.name, vectors, direction, terms)
