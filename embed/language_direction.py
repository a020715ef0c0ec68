"""Make a query language-neutral before dense search.

A multilingual embedder puts every Chinese text near every other Chinese text: with
multilingual-e5-small a Chinese query scores about 0.89 against an unrelated Chinese note and
0.87 against the English paper that answers it, so Chinese queries never reach English PDFs.
What the unrelated texts share is one direction, the difference between how the model writes
Chinese and English. It is estimated per model from sentence pairs that say the same thing in
both languages (embed/language_pairs.py), so it carries no topic, and removed from the query:

    q' = q - (q·u) u        so        q'·d = q·d - (q·u)(d·u)

The same-language bonus (q·u)(d·u) is gone, the stored vectors are untouched and search is still
one exact FAISS search. The direction belongs to the model, not the library, so it works the
same for a small library, a large one, or one with no Chinese at all. The pairs' differences
have one dominant singular value (1.78, then 0.56 for e5): one direction is the language.
bench/RETRIEVAL.md measures what removing it does in each language pair and on SciFact.
"""

from __future__ import annotations

import numpy as np

from embed.base import Embedder
from embed.language_pairs import CALIBRATION_PAIRS

_DIRECTIONS: dict[tuple[str, int], np.ndarray | None] = {}  # per model: embedding 60 sentences once is enough


def language_direction(embedder: Embedder) -> np.ndarray | None:
    """Unit vector from English to Chinese in the embedder's query space; None if the model
    does not separate the two at all."""
    key = (embedder.name, embedder.dimension)
    if key not in _DIRECTIONS:
        english = np.stack([embedder.embed_query(english) for english, _ in CALIBRATION_PAIRS])
        chinese = np.stack([embedder.embed_query(chinese) for _, chinese in CALIBRATION_PAIRS])
        difference = (chinese - english).mean(axis=0).astype(np.float32)
        norm = float(np.linalg.norm(difference))
        _DIRECTIONS[key] = difference / norm if norm > 1e-6 else None
    return _DIRECTIONS[key]


def without_direction(vector: np.ndarray, direction: np.ndarray | None) -> np.ndarray:
    """`vector` with its component along the unit `direction` removed."""
    if direction is None:
        return vector
    return (vector - (vector @ direction) * direction).astype(np.float32)
