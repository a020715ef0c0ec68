"""Vectors for the passages a build has none for: from the journal if an earlier build embedded
the same text, else from the model, in batches, each batch journalled.

The batches are a function of the set of texts alone (`batch_plan`): longest in the model's own
tokens first (each batch pads to texts of nearly its own length; characters are no measure in a
bilingual library), ties by text, EMBED_BATCH each. Never of what an interrupted build had done:
the int8 engine's vectors depend on their batch mates' padding (up to 0.017 per component on the
shared library), so a resumed build embeds exactly the batches an uninterrupted one would, skips
those the journal holds whole, and ends with the same vectors. In that order a staged build's
rows are filled as a prefix (index/staged_build.py relies on that).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from embed import Embedder
from index.vector_file import SLICE_ROWS, VectorFile
from index.vector_journal import VectorJournal, text_key

EMBED_BATCH = 128
Progress = Callable[[str, int, int], None]
OnFilled = Callable[[int], None]  # rows with vectors so far, as a prefix


def batch_plan(texts: Sequence[str], embedder: Embedder) -> list[list[int]]:
    """Positions of `texts` in the batches the model embeds them in (see the module docstring)."""
    sizes = embedder.count_tokens(list(texts)) if len(texts) else []
    order = sorted(range(len(texts)), key=lambda i: (-sizes[i], texts[i]))
    return [order[start : start + EMBED_BATCH] for start in range(0, len(order), EMBED_BATCH)]


def from_journal(journal: VectorJournal | None, model: str, texts: Sequence[str], dimension: int) -> dict[int, np.ndarray]:
    """Position -> vector for the texts an earlier build of this index already embedded."""
    if journal is None or not len(texts):
        return {}
    keys = [text_key(text) for text in texts]
    known = journal.get_many(model, keys, dimension)
    return {i: known[key] for i, key in enumerate(keys) if key in known}


def embed_batches(
    embedder: Embedder,
    texts: Sequence[str],
    batches: list[list[int]],
    done: Callable[[list[int]], bool],
    journal: VectorJournal | None,
    progress: Progress,
    stage: str,
    keep: Callable[[list[int], np.ndarray], None],
) -> None:
    """Embed every batch that is not `done` (already whole from an earlier build), in order; each
    is journalled, then handed to `keep(positions, vectors)` before the next starts."""
    total = len(texts)
    filled = sum(len(rows) for rows in batches if done(rows))
    progress(stage, filled, total)
    for rows in batches:
        if done(rows):
            continue
        batch = embedder.embed_documents([texts[i] for i in rows])
        if journal is not None:
            journal.put_many(embedder.name, [text_key(texts[i]) for i in rows], batch)
        keep(rows, batch)
        filled += len(rows)
        progress(stage, filled, total)


def fill_vectors(
    embedder: Embedder, texts: Sequence[str], journal: VectorJournal | None, progress: Progress, stage: str,
    spill: Path | None = None,
) -> tuple[np.ndarray | VectorFile, int]:
    """Vectors of `texts`: batches the journal holds whole are taken from it, the rest embedded;
    and how many passages the model embedded. `spill`: a folder to keep them in a VectorFile
    instead of memory (index/vector_file.py)."""
    vectors = (np.zeros((len(texts), embedder.dimension), dtype=np.float32) if spill is None
               else VectorFile(len(texts), embedder.dimension, spill))
    known = from_journal(journal, embedder.name, texts, embedder.dimension)
    batches = batch_plan(texts, embedder)
    embedded = 0

    def done(rows: list[int]) -> bool:
        return all(i in known for i in rows)

    for rows in batches:
        if done(rows):
            vectors[rows] = np.stack([known[i] for i in rows])

    def keep(rows: list[int], batch: np.ndarray) -> None:
        nonlocal embedded
        vectors[rows] = batch
        embedded += len(rows)

    embed_batches(embedder, texts, batches, done, journal, progress, stage, keep)
    return vectors, embedded


class PassageVectors:
    """The vectors of a build's passages, row i for row i of its frame, as they are filled: first
    from the previous index (kept files, and the same text in a changed file), then from the
    journal, then from the model. Rows a finished index gave are settled; the others form the
    build's batch plan, whatever an interrupted build had already filled of it."""

    def __init__(self, vectors: np.ndarray, filled: np.ndarray, texts: list[str], journal: VectorJournal | None,
                 settled: np.ndarray, batches: list[list[int]], journalled: np.ndarray):
        self.vectors, self.filled, self.texts, self.journal = vectors, filled, texts, journal
        self.settled = settled  # rows whose vectors a finished index gave: in no batch
        self.batches = batches  # the other rows, in the batches the model embeds them in
        self.journalled = journalled  # rows filled from the journal (an earlier, interrupted build)
        self.embedded = 0  # passages the model embedded in this build
        self.spill: Path | None = None  # the folder of `vectors` when they are a VectorFile (see filled_first)
        self.reused = 0  # passages whose text an earlier build (interrupted or not) had embedded

    @classmethod
    def start(cls, frame, kept: tuple[np.ndarray, np.ndarray], previous_texts: dict[bytes, np.ndarray],
              embedder: Embedder, journal: VectorJournal | None, kept_settled: bool = True) -> PassageVectors:
        """`kept`: the vectors of the frame's first rows that have one, and which of those rows
        have one (a partly built index has none for its last passages, so they are a prefix);
        `kept_settled`: False when they come from an unfinished staged build, whose batches this
        build finishes; `previous_texts`: vectors of the previous index's dropped rows by text key."""
        texts = frame["embed_text"].tolist()
        vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
        filled = np.zeros(len(texts), dtype=bool)
        settled = np.zeros(len(texts), dtype=bool)
        kept_vectors, kept_filled = kept
        count = int(kept_filled.sum())
        if count != len(kept_vectors) or not kept_filled[:count].all():
            raise ValueError(f"{len(kept_vectors)} kept vectors for {count} kept rows that have one, which must come first")
        if count:
            vectors[:count] = kept_vectors
            filled[:count] = True
            settled[:count] = kept_settled
        reused = 0
        if previous_texts:
            for row in np.flatnonzero(~filled):
                vector = previous_texts.get(text_key(texts[row]))
                if vector is not None:
                    vectors[row], filled[row], settled[row] = vector, True, True
                    reused += 1
        missing = np.flatnonzero(~filled)
        journalled = np.zeros(len(texts), dtype=bool)
        for position, vector in from_journal(journal, embedder.name, [texts[i] for i in missing],
                                             embedder.dimension).items():
            row = missing[position]
            vectors[row], filled[row], journalled[row] = vector, True, True
        planned = np.flatnonzero(~settled)
        batches = [[int(planned[p]) for p in rows] for rows in batch_plan([texts[i] for i in planned], embedder)]
        result = cls(vectors, filled, texts, journal, settled, batches, journalled)
        result.reused = reused + int(journalled.sum())
        return result

    @property
    def filled_count(self) -> int:
        return int(self.filled.sum())

    @property
    def filled_prefix(self) -> int:
        """How many leading rows have vectors (a staged commit holds exactly those)."""
        unfilled = np.flatnonzero(~self.filled)
        return int(unfilled[0]) if len(unfilled) else len(self.filled)

    @property
    def missing_count(self) -> int:
        return len(self.texts) - self.filled_count

    def filling_order(self) -> list[int]:
        """The rows in the order `filled_first` puts them: settled rows, then the batches'."""
        return [int(i) for i in np.flatnonzero(self.settled)] + [row for rows in self.batches for row in rows]

    def filled_first(self, frame, spill: Path | None = None):
        """The frame and these vectors reordered: settled rows, then the batches in the order the
        model fills them, so a staged build holds vectors for a prefix of its rows (an interrupted
        build of the same plan filled its first batches). `spill`: a folder to keep the reordered
        vectors in (a VectorFile) instead of memory, for a long build."""
        order = self.filling_order()
        position = np.empty(len(order), dtype=np.int64)
        position[order] = np.arange(len(order))
        vectors = self._reordered(np.asarray(order, dtype=np.int64), spill)
        reordered = PassageVectors(
            vectors, self.filled[order], [self.texts[i] for i in order], self.journal, self.settled[order],
            [[int(position[row]) for row in rows] for rows in self.batches], self.journalled[order],
        )
        reordered.reused = self.reused
        reordered.spill = spill
        return frame.iloc[order].reset_index(drop=True), reordered

    def _reordered(self, order: np.ndarray, spill: Path | None) -> np.ndarray | VectorFile:
        if spill is None:
            # none filled yet (a cold build): fresh zeros, whose pages stay untouched until the model fills them
            return self.vectors[order] if self.filled.any() else np.zeros(self.vectors.shape, dtype=self.vectors.dtype)
        spilled = VectorFile(len(order), self.vectors.shape[1], spill)  # unwritten rows read as zeros
        filled = np.flatnonzero(self.filled[order])  # new positions that have vectors (a resumed build's)
        for start in range(0, len(filled), SLICE_ROWS):
            rows = filled[start : start + SLICE_ROWS]
            spilled[rows] = self.vectors[order[rows]]
        return spilled

    def embed_missing(self, embedder: Embedder, progress: Progress, on_filled: OnFilled | None = None) -> None:
        """Embed every batch the journal (or an unfinished staged build) does not hold whole,
        journalling each; `on_filled(rows)` hears how many leading rows have vectors after each."""
        def done(rows: list[int]) -> bool:
            return bool(self.filled[rows].all())

        def keep(rows: list[int], batch: np.ndarray) -> None:
            self.reused -= int(self.journalled[rows].sum())  # embedded again with its whole batch
            self.journalled[rows] = False
            self.vectors[rows], self.filled[rows] = batch, True
            self.embedded += len(rows)
            if on_filled is not None:
                on_filled(self.filled_prefix)

        embed_batches(embedder, self.texts, self.batches, done, self.journal, progress, "Embedding chunks", keep)


def vectors_by_text(texts: Sequence[str], vectors: np.ndarray) -> dict[bytes, np.ndarray]:
    """Vectors filed by their passage's text key (rows past `vectors` have none)."""
    return {text_key(text): vectors[row] for row, text in enumerate(texts[: len(vectors)])}
