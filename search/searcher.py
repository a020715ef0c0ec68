"""Answer a query from a stored index: dense (FAISS), lexical (BM25) or both fused."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from embed import Embedder
from index import (
    Library,
    LexicalTokenizer,
    ModelMismatchError,
    StoredIndex,
    language_direction,
    without_direction,
)
from papers import PaperRecord
from search.errors import EmptyQueryError, InvalidQueryError
from search.filters import ResultFilter
from search.fusion import FusionSettings, Ranked, fuse
from search.results import Hit, SearchResponse
from search.script import script_of

Mode = Literal["dense", "lexical", "hybrid"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "lexical")


class Searcher:
    """Binds a loaded index to the embedder that must have built it."""

    def __init__(
        self,
        index: StoredIndex,
        embedder: Embedder,
        fusion: FusionSettings | None = None,
        neutral_language: bool = True,
    ):
        manifest = index.manifest
        if embedder.name != manifest.model or embedder.dimension != manifest.dimension:
            raise ModelMismatchError(
                f"This index was built with model '{manifest.model}' ({manifest.dimension} dimensions), "
                f"but the query model is '{embedder.name}' ({embedder.dimension} dimensions). "
                f"Search with --model '{manifest.model}', or rebuild the index with the new model."
            )
        self.index = index
        self.embedder = embedder
        self.fusion = fusion or FusionSettings()
        chinese = manifest.lexical_settings.get("chinese", "bigram")
        self.tokenizer = LexicalTokenizer(chinese)  # must split queries exactly as the index was split
        self._rows = index.chunks.drop(columns=["lexical_tokens", "embed_text"]).to_dict("records")
        self._papers: dict[int, PaperRecord | None] = {}  # row -> its paper, looked up once
        self._scripts = np.array([script_of(text) for text in index.chunks["embed_text"]], dtype=str)
        # See index/language_direction.py; turned off only to measure what it does. The build
        # stores it; an index built before that gets it from the model here.
        self.language_direction = None
        if neutral_language:
            self.language_direction = index.language_direction
            if self.language_direction is None:
                self.language_direction = language_direction(embedder)

    @classmethod
    def open(cls, library: Library, embedder: Embedder, **settings) -> Searcher:
        """Load the library's current index and bind it to `embedder`."""
        return cls(library.load(), embedder, **settings)

    def search(
        self, query: str, k: int = 10, mode: Mode = "hybrid", where: ResultFilter | None = None
    ) -> SearchResponse:
        """The k best passages; with `where`, the k best of those that pass the filter."""
        query = normalise_query(query)
        if k < 1:
            raise ValueError("k must be at least 1")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        notices = []
        if self.index.vectors.ntotal == 0:
            notices.append("The index is empty: the library had no readable files when it was built.")
            return SearchResponse(query, (), tuple(notices))
        filtering = where is not None and not where.is_empty()
        depth = max(k, self.fusion.candidates) * (5 if filtering else 1)
        dense = self.dense_ranking(query, depth, notices) if mode != "lexical" else []
        lexical = self.lexical_ranking(query, depth) if mode != "dense" else []
        if mode != "dense" and not lexical:
            notices.append(
                "No passage shares a searchable word with the query (stop words and punctuation are ignored)"
                + ("; the ranking is by meaning only." if mode == "hybrid" else ".")
            )
        ranked = self.fuse(query, dense, lexical) if mode == "hybrid" else (dense or lexical)
        dense_ranks = {row: rank for rank, (row, _) in enumerate(dense, start=1)}
        lexical_ranks = {row: rank for rank, (row, _) in enumerate(lexical, start=1)}
        if filtering:
            ranked = [(row, score) for row, score in ranked if self._passes(row, where)]
        hits = tuple(
            self._hit(rank, score, row, dense_ranks.get(row), lexical_ranks.get(row))
            for rank, (row, score) in enumerate(ranked[:k], start=1)
        )
        return SearchResponse(query, hits, tuple(notices))

    def dense_ranking(self, query: str, depth: int, notices: list[str] | None = None) -> Ranked:
        """(row, score) of the `depth` nearest chunks to the language-neutral query (see
        index/language_direction.py); a too-long query adds a notice."""
        notices = [] if notices is None else notices
        tokens = self.embedder.count_tokens([query])[0]
        if tokens > self.embedder.max_tokens:
            notices.append(
                f"The query is {tokens} tokens long; the model reads only the first "
                f"{self.embedder.max_tokens}, so the rest was ignored."
            )
        vector = without_direction(self.embedder.embed_query(query).astype(np.float32), self.language_direction)
        scores, rows = self.index.vectors.search(vector[None, :], min(depth, self.index.vectors.ntotal))
        return [(int(row), float(score)) for score, row in zip(scores[0], rows[0]) if row >= 0]

    def fuse(self, query: str, dense: Ranked, lexical: Ranked, settings: FusionSettings | None = None) -> Ranked:
        """One ranking from both; passages in another script than the query are not penalised
        for sharing no words with it (see search/fusion.py)."""
        return fuse(dense, lexical, settings or self.fusion, other_script=self._scripts != script_of(query))

    def lexical_ranking(self, query: str, depth: int) -> Ranked:
        """(row, BM25 score) of up to `depth` chunks sharing a word with the query."""
        rows, scores = self.index.lexical.search(self.tokenizer.tokenize(query), depth)
        return [(int(row), float(score)) for row, score in zip(rows, scores)]

    def _hit(self, rank: int, score: float, row: int, dense_rank: int | None, lexical_rank: int | None) -> Hit:
        chunk = self._rows[row]
        paper = self._paper(row)
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
            dense_rank=dense_rank,
            lexical_rank=lexical_rank,
            paper_id=paper.paper_id if paper else None,
            paper_title=paper.title if paper else None,
            venue=paper.venue if paper else None,
            year=paper.year if paper else None,
            arxiv=paper.arxiv if paper else None,
            read=paper.read if paper else None,
        )

    def _passes(self, row: int, where: ResultFilter) -> bool:
        return where.accepts(self._rows[row]["kind"], self._paper(row))

    def _paper(self, row: int) -> PaperRecord | None:
        if row not in self._papers:
            self._papers[row] = self._paper_of(self._rows[row])
        return self._papers[row]

    def _paper_of(self, chunk: dict) -> PaperRecord | None:
        """A PDF is one paper; a note passage belongs to the list entry its lines fall in, else
        to the paper the note file is about."""
        catalog = self.index.catalog
        start = _optional_int(chunk["start_line"])
        if chunk["kind"] == "note" and start is not None:
            papers = catalog.papers_for_lines(chunk["path"], start, start + chunk["text"].count("\n"))
            if papers:
                return papers[0]
        return catalog.paper_for_file(chunk["path"])


def _optional_int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def normalise_query(query: str) -> str:
    """Collapse whitespace; an empty query is an error the user should see, not zero results."""
    query = " ".join(_as_text(query).split())
    if not query:
        raise EmptyQueryError("The query is empty. Type a few words describing what you are looking for.")
    return query


def _as_text(query: str) -> str:
    """A query typed in a terminal that is not UTF-8 reaches Python as undecodable bytes (lone
    surrogates). A GBK terminal is the usual cause for Chinese queries, so read them as GB18030."""
    try:
        query.encode("utf-8")
        return query
    except UnicodeEncodeError:
        pass
    try:
        return query.encode("utf-8", "surrogateescape").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        raise InvalidQueryError(
            "The query is not valid text: its bytes are neither UTF-8 nor GBK. Set your terminal to UTF-8 "
            "and type it again."
        ) from None
