"""A pasted paragraph or abstract as a query: cut into windows the model can read whole.

The model reads at most `embedder.max_tokens` tokens of one input and would silently ignore the
rest. A long text is therefore cut, at the model's own token boundaries (`token_spans`), into
the fewest windows of at most `max_tokens` tokens, of nearly equal size (so the last one is not
a scrap of a few words), and every window is embedded as a query. The query vector is the mean of
the windows' unit vectors, normalised again: each part of the text counts equally, which is what
"find passages about what this abstract says" asks for. The lexical side (BM25) needs no window
and reads the whole text. Nothing is dropped: the windows hold every token of the text.
"""

from __future__ import annotations

import math

import numpy as np

from embed import Embedder
from embed.base import normalise_rows


def query_windows(text: str, embedder: Embedder) -> list[str]:
    """`text` itself if the model reads it whole, else consecutive slices of it, each at most
    `embedder.max_tokens` tokens long as the model counts them, together holding every token."""
    limit = embedder.max_tokens
    if embedder.count_tokens([text])[0] <= limit:
        return [text]
    spans = embedder.token_spans(text)
    pieces = max(2, math.ceil(len(spans) / limit))
    while True:
        size = math.ceil(len(spans) / pieces)
        windows = [
            text[spans[first][0] : spans[min(first + size, len(spans)) - 1][1]]
            for first in range(0, len(spans), size)
        ]
        # A slice can tokenise differently from the same tokens inside the whole text (a word cut
        # at its edge); re-count, and cut finer until every window fits.
        if max(embedder.count_tokens(windows)) <= limit or size == 1:
            return windows
        pieces += 1


def mean_direction(vectors: np.ndarray) -> np.ndarray:
    """The normalised mean of unit-normalised rows: one query vector for several."""
    mean = normalise_rows(vectors).mean(axis=0)
    return normalise_rows(mean)[0]
