"""Answer a query from a stored index: dense (FAISS), lexical (BM25) or both fused."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from typing import Literal

import faiss
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from corpus import REFERENCES
from embed import Embedder
from index import (
    Library,
    LexicalTokenizer,
    ModelMismatchError,
    StoredIndex,
    language_direction,
    paper_of_passage,
    without_direction,
)
from papers import PaperRecord
from search.errors import EmptyQueryError, InvalidQueryError, UnknownItemError
from search.filters import ResultFilter
from search.evidence import EvidenceSettings, weigh
from search.fusion import FusionSettings, Ranked, fuse
from search.long_text import mean_direction, query_windows
from search.results import Hit, SearchResponse
from search.script import query_language, script_of
from search.similar import LikeTarget, heading_matches, parse_like

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
        evidence: EvidenceSettings | None = None,
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
        self.evidence = evidence or EvidenceSettings()
        chinese = manifest.lexical_settings.get("chinese", "bigram")
        self.tokenizer = LexicalTokenizer(chinese)  # must split queries exactly as the index was split
        # No per-row Python here: the passages table is memory-mapped and each passage's script
        # was stored at build time; a row becomes Python objects only when it is returned.
        self._passages: pa.Table = index.passages
        self._papers: dict[int, PaperRecord | None] = {}  # row -> its paper, looked up once
        self._cjk = pc.equal(self._passages.column("script"), "cjk").to_numpy(zero_copy_only=False)
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
        """The k best passages; with `where`, the k best of those that pass the filter. The model
        reads only the first `embedder.max_tokens` tokens of the query (a notice says so); use
        `search_text` for a text that may be longer."""
        query = normalise_query(query)
        return self._answer(
            query, query, k, mode, where, lambda depth, notices, scope: self.dense_ranking(query, depth, notices, scope)
        )

    def search_text(
        self, text: str, k: int = 10, mode: Mode = "hybrid", where: ResultFilter | None = None
    ) -> SearchResponse:
        """Like `search`, for a query of any length (a pasted paragraph or abstract): the dense
        side embeds the text in windows of at most `embedder.max_tokens` tokens and searches with
        the normalised mean of their vectors (search/long_text.py); BM25 reads the whole text.
        A text that fits the model is answered exactly as `search` answers it."""
        text = normalise_query(text)
        windows = query_windows(text, self.embedder)
        if len(windows) == 1:
            return self.search(text, k, mode, where)

        def dense(depth: int, notices: list[str], scope=None) -> Ranked:
            notices.append(
                f"The query is {self.embedder.count_tokens([text])[0]} tokens long, more than the model reads at "
                f"once ({self.embedder.max_tokens}); it was read in {len(windows)} parts whose meanings were averaged."
            )
            vectors = np.stack([self.embedder.embed_query(window) for window in windows])
            return self.dense_ranking_for(mean_direction(vectors), depth, scope)

        return self._answer(text, text, k, mode, where, dense)

    def similar(
        self,
        *,
        chunk_id: str | None = None,
        path: str | None = None,
        page: int | None = None,
        heading: str | None = None,
        paper_id: str | None = None,
        k: int = 10,
        where: ResultFilter | None = None,
    ) -> SearchResponse:
        """"More like this": the k passages nearest to an item, the item itself left out.

        The item is exactly one of a passage (`chunk_id`), a file (`path`, relative to the
        library; with `page` one PDF page, with `heading` one note section and its subsections)
        or a paper (`paper_id`: all passages of its files, or of the list entries about it if it
        has no file of its own). The search vector is the normalised mean of the item's stored
        passage vectors, made language-neutral like a query; results are ranked by meaning only
        (`dense_rank` is set) and `where` is honoured. Left out: the item's own passages (for a
        paper, every passage of its files and every passage about it). Raises UnknownItemError
        for an item the index does not hold."""
        target = LikeTarget(chunk_id=chunk_id, path=path, page=page, heading=heading, paper_id=paper_id)
        return self.similar_to(target, k, where)

    def similar_to(self, target: LikeTarget | str, k: int = 10, where: ResultFilter | None = None) -> SearchResponse:
        """`similar` for a LikeTarget, or for a spec `PATH`, `PATH#page=N` or `PATH#heading text`."""
        if isinstance(target, str):
            target = parse_like(target, frozenset(pc.unique(self._passages.column("path")).to_pylist()))
        if self.index.vectors.ntotal == 0:
            raise UnknownItemError(f"The index is empty, so it holds no {target.label()}.")
        source, excluded = self._item_rows(target)
        vector = mean_direction(self.index.vectors.reconstruct_batch(np.asarray(source, dtype=np.int64)))
        label = f"like {target.label()}"

        def dense(depth: int, notices: list[str], scope=None) -> Ranked:
            ranked = self.dense_ranking_for(vector, depth + len(excluded), scope)
            return [(row, score) for row, score in ranked if row not in excluded]

        return self._answer(label, label, k, "dense", where, dense)

    def _answer(self, label: str, query: str, k: int, mode: Mode, where: ResultFilter | None, dense_fn) -> SearchResponse:
        """Rank, fuse, filter and cut to k: what every kind of search shares. `dense_fn(depth,
        notices, scope)` gives the dense ranking; `query` is the text BM25 and script detection read."""
        if k < 1:
            raise ValueError("k must be at least 1")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        notices: list[str] = []
        if self.index.vectors.ntotal == 0:
            notices.append("The index is empty: the library had no readable files when it was built.")
            return SearchResponse(label, (), tuple(notices))
        filtering = where is not None and not where.is_empty()
        depth = max(k, self.fusion.candidates) * (5 if filtering else 1)
        scope = None
        if filtering and hasattr(self.index, "filter_scope"):  # a store that filters inside its searches (Milvus)
            scope, covered = self.index.filter_scope(where)
            where = replace(where, **{name: None for name in covered})
            filtering = not where.is_empty()  # what the store cannot express is checked below
        dense = dense_fn(depth, notices, scope) if mode != "lexical" else []
        lexical = self.lexical_ranking(query, depth, scope) if mode != "dense" else []
        if mode != "dense" and not lexical:
            notices.append(
                "No passage shares a searchable word with the query (stop words and punctuation are ignored)"
                + ("; the ranking is by meaning only." if mode == "hybrid" else ".")
            )
        ranked = self.weigh(self.fuse(query, dense, lexical)) if mode == "hybrid" else (dense or lexical)
        dense_ranks = {row: rank for rank, (row, _) in enumerate(dense, start=1)}
        lexical_ranks = {row: rank for rank, (row, _) in enumerate(lexical, start=1)}
        if filtering:
            ranked = [(row, score) for row, score in ranked if self._passes(row, where)]
        hits = tuple(
            self._hit(rank, score, row, dense_ranks.get(row), lexical_ranks.get(row))
            for rank, (row, score) in enumerate(ranked[:k], start=1)
        )
        return SearchResponse(label, hits, tuple(notices))

    def dense_ranking(self, query: str, depth: int, notices: list[str] | None = None, scope=None) -> Ranked:
        """(row, score) of the `depth` nearest chunks to the language-neutral query (see
        index/language_direction.py); a too-long query adds a notice."""
        notices = [] if notices is None else notices
        tokens = self.embedder.count_tokens([query])[0]
        if tokens > self.embedder.max_tokens:
            notices.append(
                f"The query is {tokens} tokens long; the model reads only the first "
                f"{self.embedder.max_tokens}, so the rest was ignored."
            )
        return self.dense_ranking_for(self.embedder.embed_query(query), depth, scope)

    def dense_ranking_for(self, vector: np.ndarray, depth: int, scope=None) -> Ranked:
        """(row, score) of the `depth` nearest chunks to a query vector, made language-neutral;
        `scope` is a store's own filter (Milvus: an expression), applied inside its search."""
        vector = without_direction(np.asarray(vector, dtype=np.float32), self.language_direction)
        with _one_faiss_thread():
            scores, rows = self.index.vectors.search(vector[None, :], min(depth, self.index.vectors.ntotal), **_in(scope))
        return [(int(row), float(score)) for score, row in zip(scores[0], rows[0]) if row >= 0]

    def fuse(self, query: str, dense: Ranked, lexical: Ranked, settings: FusionSettings | None = None) -> Ranked:
        """One ranking from both, weighed for the query's language; passages in another script
        than the query are not penalised for sharing no words with it (see search/fusion.py)."""
        settings = (settings or self.fusion).for_language(query_language(query))
        return fuse(dense, lexical, settings, other_script=self._cjk != (script_of(query) == "cjk"))

    def weigh(self, ranked: Ranked, settings: EvidenceSettings | None = None) -> Ranked:
        """A fused ranking with reference lists down-weighted and each file's other strong
        passages counted (search/evidence.py); reads two columns for the candidate rows only."""
        if not ranked:
            return ranked
        rows = pa.array([row for row, _ in ranked], pa.int64())
        paths = self._passages.column("path").take(rows).to_pylist()
        references = pc.equal(self._passages.column("role").take(rows), REFERENCES)
        return weigh(ranked, paths, pc.fill_null(references, False).to_numpy(zero_copy_only=False),
                     settings or self.evidence)

    def lexical_ranking(self, query: str, depth: int, scope=None) -> Ranked:
        """(row, BM25 score) of up to `depth` chunks sharing a word with the query."""
        rows, scores = self.index.lexical.search(self.tokenizer.tokenize(query), depth, **_in(scope))
        return [(int(row), float(score)) for row, score in zip(rows, scores)]

    def _item_rows(self, target: LikeTarget) -> tuple[list[int], set[int]]:
        """The rows whose vectors describe the item, and the rows to leave out of its results."""
        if target.chunk_id is not None:
            rows = self._where(pc.equal(self._passages.column("chunk_id"), target.chunk_id))
            if not rows:
                raise UnknownItemError(
                    f"No passage {target.chunk_id} in the index; it may have changed in a rebuild. Search again."
                )
            return rows, set(rows)
        if target.paper_id is not None:
            return self._paper_rows(target.paper_id)
        return self._file_rows(target)

    def _file_rows(self, target: LikeTarget) -> tuple[list[int], set[int]]:
        path = target.path
        rows = self._where(pc.equal(self._passages.column("path"), path))
        if not rows:
            raise UnknownItemError(
                f"{path} is not in the index: give a file's path relative to the library, as search results show "
                "it (a file added since the last build needs a build first)."
            )
        if target.page is not None:
            pages = sorted({_optional_int(self._row(row)["page"]) for row in rows} - {None})
            if not pages:
                raise UnknownItemError(f"{path} is a note and has no pages; name a section instead: {path}#Heading.")
            chosen = [row for row in rows if _optional_int(self._row(row)["page"]) == target.page]
            if not chosen:
                raise UnknownItemError(
                    f"{path} has no indexed text on page {target.page}; pages with text: {_ranges(pages)}."
                )
            return chosen, set(chosen)
        if target.heading is not None:
            chosen = [row for row in rows if heading_matches(self._row(row)["heading"], target.heading)]
            if not chosen:
                headings = list(dict.fromkeys(self._row(row)["heading"] for row in rows if self._row(row)["heading"]))
                if not headings:
                    raise UnknownItemError(f"{path} has no headings; use the whole file, or #page=N for a PDF.")
                shown = "; ".join(headings[:8]) + ("; ..." if len(headings) > 8 else "")
                raise UnknownItemError(f"{path} has no section '{target.heading}'. Its sections: {shown}.")
            return chosen, set(chosen)
        return rows, set(rows)

    def _paper_rows(self, paper_id: str) -> tuple[list[int], set[int]]:
        record = self.index.catalog.paper(paper_id)
        if record is None:
            raise UnknownItemError(
                f"No paper with id '{paper_id}' in the index; `python cli.py papers --json` lists the papers and "
                "search results carry each passage's paper_id."
            )
        files = set(record.files)
        in_files = pc.is_in(self._passages.column("path"), pa.array(sorted(files), pa.string()))
        own = self._where(in_files)
        notes = self._where(pc.and_(pc.equal(self._passages.column("kind"), "note"), pc.invert(in_files)))
        about = [row for row in notes if (paper := self._paper(row)) is not None and paper.paper_id == paper_id]
        source = own or about
        if not source:
            raise UnknownItemError(f"Paper '{paper_id}' ({record.title}) has no indexed passage to compare with.")
        return source, set(own) | set(about)

    def _where(self, mask) -> list[int]:
        """The rows where a boolean column over all passages is true (vectorised, no row loop)."""
        return np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False)).tolist()

    def _row(self, row: int) -> dict:
        """One passage as Python values; only rows that are shown, filtered or compared become these."""
        return self._passages.slice(row, 1).to_pylist()[0]

    def _hit(self, rank: int, score: float, row: int, dense_rank: int | None, lexical_rank: int | None) -> Hit:
        chunk = self._row(row)
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
            role=chunk.get("role") or "body",
        )

    def _passes(self, row: int, where: ResultFilter) -> bool:
        return where.accepts(self._passages.column("kind")[row].as_py(), self._paper(row))

    def _paper(self, row: int) -> PaperRecord | None:
        if row not in self._papers:
            self._papers[row] = self._paper_of(self._row(row))
        return self._papers[row]

    def _paper_of(self, chunk: dict) -> PaperRecord | None:
        """A PDF is one paper; a note passage belongs to the list entry its lines fall in, else
        to the paper the note file is about."""
        return paper_of_passage(
            self.index.catalog, chunk["kind"], chunk["path"], _optional_int(chunk["start_line"]), chunk["text"]
        )


@contextmanager
def _one_faiss_thread():
    """One query is searched on one OpenMP thread: on a busy 2-core machine two threads wait on
    each other (exact search over 100k passages: 100 ms on two threads, 30 ms on one; bench/README.md,
    "Scale"), as torch did for query embedding. Builds keep every thread."""
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(threads)


def _in(scope) -> dict:
    """A store's filter scope as a keyword for its searches; the file store takes none."""
    return {} if scope is None else {"scope": scope}


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> '1-3, 7'."""
    parts, start = [], None
    for i, number in enumerate(numbers):
        if start is None:
            start = number
        if i + 1 == len(numbers) or numbers[i + 1] != number + 1:
            parts.append(str(start) if start == number else f"{start}-{number}")
            start = None
    return ", ".join(parts)


def _optional_int(value) -> int | None:
    """A passage's page or line: Arrow gives None for a missing one."""
    return None if value is None else int(value)


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
            "The query is not valid text: its bytes are neither UTF-8 nor GBK. Type it in a UTF-8 terminal, "
            "or save the query file as UTF-8."
        ) from None
