"""Vectors for the passages a build has none for: from the journal if an earlier build embedded
the same text, else from the model, in batches of similar length, each batch journalled.

Batches are cut from the texts in order of decreasing length in the model's own tokens, so each
pads to texts of nearly its own length (padding is embedded too, and wasted; characters are no
measure in a bilingual library: a Chinese character is about one token, an English word of six
letters about one too); the order is stable, so a caller that sorted its rows the same way sees
them filled as a prefix (index/staged_build.py relies on that).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from embed import Embedder
from index.vector_journal import VectorJournal, text_key

EMBED_BATCH = 128
Progress = Callable[[str, int, int], None]
OnFilled = Callable[[int], None]  # rows with vectors so far


def by_length(texts: Sequence[str], embedder: Embedder) -> list[int]:
    """Positions of `texts`, longest in the embedder's tokens first; ties keep their order."""
    sizes = embedder.count_tokens(list(texts)) if len(texts) else []
    return sorted(range(len(texts)), key=lambda i: -sizes[i])


def from_journal(journal: VectorJournal | None, model: str, texts: Sequence[str], dimension: int) -> dict[int, np.ndarray]:
    """Position -> vector for the texts an earlier build of this index already embedded."""
    if journal is None or not len(texts):
        return {}
    keys = [text_key(text) for text in texts]
    known = journal.get_many(model, keys, dimension)
    return {i: known[key] for i, key in enumerate(keys) if key in known}


def embed_in_batches(
    embedder: Embedder,
    texts: Sequence[str],
    journal: VectorJournal | None,
    progress: Progress,
    stage: str,
    keep: Callable[[list[int], np.ndarray], None],
    already: int = 0,
) -> None:
    """Embed `texts`, longest first; each batch is journalled, then handed to `keep(positions,
    vectors)` before the next starts. `already`: passages of this stage filled before (progress
    counts them as done)."""
    order = by_length(texts, embedder)
    total = already + len(texts)
    progress(stage, already, total)
    for start in range(0, len(order), EMBED_BATCH):
        rows = order[start : start + EMBED_BATCH]
        batch = embedder.embed_documents([texts[i] for i in rows])
        if journal is not None:
            journal.put_many(embedder.name, [text_key(texts[i]) for i in rows], batch)
        keep(rows, batch)
        progress(stage, already + start + len(rows), total)


def fill_vectors(
    embedder: Embedder, texts: Sequence[str], journal: VectorJournal | None, progress: Progress, stage: str
) -> tuple[np.ndarray, int]:
    """Vectors of `texts`, journalled ones taken as they are; and how many the model embedded."""
    vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    known = from_journal(journal, embedder.name, texts, embedder.dimension)
    for i, vector in known.items():
        vectors[i] = vector
    todo = np.array([i for i in range(len(texts)) if i not in known], dtype=np.int64)

    def keep(positions: list[int], batch: np.ndarray) -> None:
        vectors[todo[positions]] = batch

    embed_in_batches(embedder, [texts[i] for i in todo], journal, progress, stage, keep, already=len(known))
    return vectors, len(todo)


class PassageVectors:
    """The vectors of a build's passages, row i for row i of its frame, as they are filled: first
    from the previous index (kept files, and the same text in a changed file), then from the
    journal, then from the model."""

    def __init__(self, vectors: np.ndarray, filled: np.ndarray, texts: list[str], journal: VectorJournal | None):
        self.vectors, self.filled, self.texts, self.journal = vectors, filled, texts, journal
        self.embedded = 0  # passages the model embedded in this build
        self.reused = 0  # passages whose text an earlier build (interrupted or not) had embedded

    @classmethod
    def start(cls, frame, kept: tuple[np.ndarray, np.ndarray], previous_texts: dict[bytes, np.ndarray],
              embedder: Embedder, journal: VectorJournal | None) -> PassageVectors:
        """`kept`: the vectors of the frame's first rows and which of them exist (a partly built
        index has none for its last passages); `previous_texts`: vectors of the previous index's
        dropped rows by text key."""
        texts = frame["embed_text"].tolist()
        vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
        filled = np.zeros(len(texts), dtype=bool)
        kept_vectors, kept_filled = kept
        if kept_filled.any():
            vectors[: len(kept_filled)][kept_filled] = kept_vectors[kept_filled]
            filled[: len(kept_filled)] = kept_filled
        result = cls(vectors, filled, texts, journal)
        missing = np.flatnonzero(~filled)
        if previous_texts:
            for row in missing:
                vector = previous_texts.get(text_key(texts[row]))
                if vector is not None:
                    vectors[row], filled[row] = vector, True
                    result.reused += 1
            missing = np.flatnonzero(~filled)
        journalled = from_journal(journal, embedder.name, [texts[i] for i in missing], embedder.dimension)
        for position, vector in journalled.items():
            vectors[missing[position]], filled[missing[position]] = vector, True
        result.reused += len(journalled)
        return result

    @property
    def filled_count(self) -> int:
        return int(self.filled.sum())

    @property
    def missing_count(self) -> int:
        return len(self.texts) - self.filled_count

    def filled_first(self, frame, embedder: Embedder):
        """The frame and these vectors reordered so that filled rows come first and the missing ones
        follow longest first, the order the model fills them in: a staged build then always holds
        vectors for a prefix of its rows."""
        filled = [i for i in range(len(self.texts)) if self.filled[i]]
        missing = [i for i in range(len(self.texts)) if not self.filled[i]]
        order = filled + [missing[i] for i in by_length([self.texts[i] for i in missing], embedder)]
        reordered = PassageVectors(self.vectors[order], self.filled[order], [self.texts[i] for i in order], self.journal)
        reordered.reused = self.reused
        return frame.iloc[order].reset_index(drop=True), reordered

    def embed_missing(self, embedder: Embedder, progress: Progress, on_filled: OnFilled | None = None) -> None:
        """Embed what no earlier build had, journalling each batch; `on_filled(rows)` hears how many
        rows are filled after each batch (a prefix, when the frame came from `filled_first`)."""
        missing = np.flatnonzero(~self.filled)

        def keep(positions: list[int], batch: np.ndarray) -> None:
            rows = missing[positions]
            self.vectors[rows], self.filled[rows] = batch, True
            self.embedded += len(rows)
            if on_filled is not None:
                on_filled(self.filled_count)

        embed_in_batches(embedder, [self.texts[i] for i in missing], self.journal, progress, "Embedding chunks", keep,
                         already=len(self.texts) - len(missing))


def vectors_by_text(texts: Sequence[str], vectors: np.ndarray) -> dict[bytes, np.ndarray]:
    """Vectors filed by their passage's text key (rows past `vectors` have none)."""
    return {text_key(text): vectors[row] for row, text in enumerate(texts[: len(vectors)])}
