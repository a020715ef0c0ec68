"""The Embedder interface: everything the rest of Papersearch may ask of a model."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np


class Embedder(ABC):
    """Turns text into L2-normalised float32 vectors, and measures text in the model's tokens.

    `name` is recorded in the index, so it must identify the model's weights, not a nickname.
    """

    name: str
    dimension: int
    max_tokens: int  # content tokens one input may hold, special tokens excluded

    @abstractmethod
    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Vectors for passages, shape (len(texts), dimension)."""

    @abstractmethod
    def embed_query(self, text: str) -> np.ndarray:
        """Vector for one search query, shape (dimension,)."""

    @abstractmethod
    def count_tokens(self, texts: list[str]) -> list[int]:
        """Token count of each text, special tokens excluded."""

    @abstractmethod
    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character (start, end) of each token of `text`."""


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """float32 rows of unit length (zero rows stay zero), as inner-product search expects."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
