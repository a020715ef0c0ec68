"""Answer a query from a stored index: embed it with the index's own model, ask FAISS."""

from __future__ import annotations

import numpy as np
import pandas as pd

from embed import Embedder
from index.errors import EmptyQueryError, ModelMismatchError
from index.results import Hit, SearchResponse
from index.store import StoredIndex


class Searcher:
    """Binds a loaded index to the embedder that must have built it."""

    def __init__(self, index: StoredIndex, embedder: Embedder):
        manifest = index.manifest
        if embedder.name != manifest.model or embedder.dimension != manifest.dimension:
            raise ModelMismatchError(
                f"This index was built with model '{manifest.model}' ({manifest.dimension} dimensions), "
                f"but the query model is '{embedder.name}' ({embedder.dimension} dimensions). "
                f"Search with --model '{manifest.model}', or rebuild the index with the new model."
            )
        self.index = index
        self.embedder = embedder
        self._rows = index.chunks.to_dict("records")

    def search(self, query: str, k: int = 10) -> SearchResponse:
        query = normalise_query(query)
        if k < 1:
            raise ValueError("k must be at least 1")
        notices = []
        tokens = self.embedder.count_tokens([query])[0]
        if tokens > self.embedder.max_tokens:
            notices.append(
                f"The query is {tokens} tokens long; the model reads only the first "
                f"{self.embedder.max_tokens}, so the rest was ignored."
            )
        if self.index.vectors.ntotal == 0:
            notices.append("The index is empty: the library had no readable files when it was built.")
            return SearchResponse(query, (), tuple(notices))
        vector = self.embedder.embed_query(query).astype(np.float32)[None, :]
        scores, rows = self.index.vectors.search(vector, min(k, self.index.vectors.ntotal))
        hits = tuple(
            self._hit(rank, float(score), int(row))
            for rank, (score, row) in enumerate(zip(scores[0], rows[0]), start=1)
            if row >= 0
        )
        return SearchResponse(query, hits, tuple(notices))

    def _hit(self, rank: int, score: float, row: int) -> Hit:
        chunk = self._rows[row]
        return Hit(
            rank=rank,
            score=round(score, 6),
            kind=chunk["kind"],
            path=chunk["path"],
            title=chunk["title"],
            page=_optional_int(chunk["page"]),
            heading=chunk["heading"],
            start_line=_optional_int(chunk["start_line"]),
            text=chunk["text"],
            chunk_id=chunk["chunk_id"],
            links=tuple(chunk["links"] if chunk["links"] is not None else ()),
        )


def _optional_int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def normalise_query(query: str) -> str:
    """Collapse whitespace; an empty query is an error the user should see, not zero results."""
    query = " ".join(query.split())
    if not query:
        raise EmptyQueryError("The query is empty. Type a few words describing what you are looking for.")
    return query
