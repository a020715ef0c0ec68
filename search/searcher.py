"""Answer a query from a loaded index: rank (dense, lexical) → fuse → weigh evidence → filter → hits.

The core every kind of search shares; the rankings (search/dense.py, search/lexical.py), the
passages (search/passages.py) and "more like this" items (search/similar.py) live beside it.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from corpus import REFERENCES, STUB
from embed import Embedder
from index import LoadedIndex, ModelMismatchError, stored_direction
from papers import Catalog
from search.closeness import nothing_close_notice
from search.dense import DenseRanker, Ranked
from search.errors import UnknownItemError
from search.evidence import EvidenceSettings, weigh
from search.filters import ResultFilter
from search.fusion import FusionSettings, fuse
from search.glossary import cedict
from search.term_bridge import TermBridge
from search.lexical import LexicalRanker
from search.long_text import mean_direction
from search.marks import MARK_KIND, mark_rows
from search.passages import PassageRows
from search.query_text import normalise_query
from search.results import SearchResponse
from search.scope import has_scope, scope_mask, scope_rows
from search.script import query_language, script_of
from search.similar import LikeTarget, item_rows, parse_like

Mode = Literal["dense", "lexical", "hybrid"]
_POOL_LOCK = threading.Lock()
MODES: tuple[Mode, ...] = ("hybrid", "dense", "lexical")


class Searcher:
    """Binds a loaded index to the embedder that must have built it."""

    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        fusion: FusionSettings | None = None,
        neutral_language: bool = True,
        evidence: EvidenceSettings | None = None,
        companion: Callable[[], Embedder] | None = None,
    ):
        """`companion` loads the second encoder whose vectors the index keeps (index/companion.py);
        it is called once, by the first query that weighs it (Chinese and mixed ones)."""
        manifest = index.manifest
        if embedder.name != manifest.model or embedder.dimension != manifest.dimension:
            raise ModelMismatchError(manifest.model, embedder.name, f" ({manifest.dimension} dimensions)")
        self.index = index
        self.embedder = embedder
        self.fusion = fusion or FusionSettings()
        self.evidence = evidence or EvidenceSettings()
        # The model's English→Chinese direction (embed/language_direction.py); off only to measure it.
        direction = stored_direction(index.language_direction, embedder) if neutral_language else None
        self.language_direction = direction
        self.dense = DenseRanker(index.vectors, embedder, direction)
        self.lexical = LexicalRanker(index.lexical, manifest.lexical_settings.get("chinese", "bigram"))
        self.tokenizer = self.lexical.tokenizer
        self.passages = PassageRows(index.passages, index.catalog)
        self.base_catalog = index.catalog  # as the build wrote it; with_catalog lays marks over this one
        self._load_companion = companion if index.companion is not None else None
        self._companion: DenseRanker | None = None
        self._bridge: TermBridge | None = None  # the title terms a Chinese query's words may name (made with the companion)
        # English queries weigh the companion only where it can find something BM25 and e5 miss:
        # a Chinese passage (search/fusion.py companion_latin); an English library is untouched.
        self._holds_chinese = bool(self.passages.cjk.any())
        self._pool: ThreadPoolExecutor | None = None  # started by the first query that weighs the companion

    def with_catalog(self, catalog: Catalog) -> "Searcher":
        """This searcher over the same vectors and passages with another view of the same papers
        (the researcher's marks laid over them, library/marks.py): marks change between builds,
        and loading the index again for each would cost seconds. Models and rankers are shared."""
        clone = copy.copy(self)
        clone.index = copy.copy(self.index)
        clone.index.catalog = catalog
        clone.passages = self.passages.with_catalog(catalog)
        return clone

    def search(
        self, text: str, k: int = 10, mode: Mode = "hybrid", where: ResultFilter | None = None
    ) -> SearchResponse:
        """The k best passages for a query of any length; with `where`, the k best of those that
        pass the filter. A text longer than the model reads at once is read in windows whose
        meanings are averaged (search/long_text.py); BM25 reads the whole text."""
        text = normalise_query(text)

        def dense(depth: int, notices: list[str], scope=None, rows=None) -> Ranked:
            return self.dense.rank_text(text, depth, notices, scope, rows)

        def companion(depth: int, notices: list[str], rows=None) -> Callable[[], Ranked] | None:
            ranker = self.companion_ranker() if self._weighs_companion(text) else None
            if ranker is None:
                return None

            def second() -> Ranked:  # the title terms too: the second encoder embeds on this thread only
                ranked = ranker.rank_text(text, depth, [], None, rows)
                if self._glosses(text):
                    self._title_terms(text)
                return ranked
            return self._beside(second)

        return self._answer(text, text, k, mode, where, dense, companion, judge_closeness=True)

    def similar(
        self, target: LikeTarget | str | None = None, k: int = 10, where: ResultFilter | None = None, **item
    ) -> SearchResponse:
        """"More like this": the k passages nearest to an item, the item itself left out.

        The item is a LikeTarget, a spec `PATH`, `PATH#page=N` or `PATH#heading text`, or the
        keywords of a LikeTarget: a passage (`chunk_id`), a file (`path`, with `page` or
        `heading`) or a paper (`paper_id`). The search vector is the normalised mean of the
        item's stored vectors, made language-neutral like a query; results are ranked by meaning
        only and `where` is honoured. Raises UnknownItemError for an item the index does not hold."""
        if target is None:
            target = LikeTarget(**item)
        elif isinstance(target, str):
            skipped = {item.path: item.reason for item in self.index.manifest.skipped}
            target = parse_like(target, frozenset(pc.unique(self.passages.column("path")).to_pylist()), skipped)
        if self.index.passages.num_rows == 0:
            raise UnknownItemError(f"The index is empty, so it holds no {target.label()}.")
        source, excluded = item_rows(target, self.passages)
        source = [row for row in source if row < self.index.vectors.ntotal]
        if not source:
            raise UnknownItemError(
                f"The {target.label()} is not embedded yet: the index is still being built. Search it by keyword "
                "meanwhile, or try again when the build is done.")
        vector = mean_direction(self.index.vectors.reconstruct_batch(np.asarray(source, dtype=np.int64)))
        label = f"like {target.label()}"

        def dense(depth: int, notices: list[str], scope=None, rows=None) -> Ranked:
            ranked = self.dense.rank_vector(vector, depth + len(excluded), scope, rows)
            return [(row, score) for row, score in ranked if row not in excluded]

        return self._answer(label, label, k, "dense", where, dense)

    def _answer(self, label: str, query: str, k: int, mode: Mode, where: ResultFilter | None, dense_fn,
                companion_fn=None, judge_closeness: bool = False) -> SearchResponse:
        """Rank, fuse, filter and cut to k. `dense_fn(depth, notices, scope, rows)` gives the dense
        ranking; `companion_fn(depth, notices, rows)` starts the second encoder's and returns what waits
        for it (hybrid only; None when it is not weighed); `query` is the text BM25 and script detection read. `judge_closeness`: say
        when the nearest passage is far from the query in meaning (search/closeness.py)."""
        if k < 1:
            raise ValueError("k must be at least 1")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        notices: list[str] = []
        if self.index.passages.num_rows == 0:
            notices.append("The index is empty: the library had no readable files when it was built.")
            return SearchResponse(label, (), tuple(notices))
        embedded = self.index.vectors.ntotal  # rows past it have no vector yet (a staged build under way)
        if embedded < self.index.passages.num_rows:
            notices.append(still_embedding(embedded, self.index.passages.num_rows))
        filtering = filtered = where is not None and not where.is_empty()
        depth = max(k, self.fusion.candidates) * (5 if filtering else 1)
        scope = rows = within = None
        if filtering:  # a store may filter inside its searches (Milvus); the rest is checked below
            # a scope names something the index holds (else UnknownItemError) and, where the store
            # can, is ranked within (search/scope.py)
            within = scope_mask(self.passages.column("path"), where, self.index.catalog) if has_scope(where) else None
            scope, covered = self.index.filter_scope(where)
            where = replace(where, **{name: None for name in covered})
            filtering = not where.is_empty()
            if within is not None and scope is None and self.index.ranks_within_rows:
                rows = scope_rows(within)
        # the second encoder ranks while the model does (search/searcher.py _beside)
        second_later = (companion_fn(depth, notices, rows) if mode == "hybrid" and companion_fn is not None and not scope
                        else None)
        dense = dense_fn(depth, notices, scope, rows) if mode != "lexical" else []
        if judge_closeness and dense:
            nearest = dense[0][1] if within is None else next((score for row, score in dense if within[row]), None)
            far = nothing_close_notice(self.index.manifest.model, nearest, scoped=within is not None)
            notices.extend([far] if far else [])
        # BM25 waits for the worker: a Chinese query's title terms are made there (search/term_bridge.py)
        second = second_later() if second_later is not None else None
        english, times, glossing = self._dictionary(query) if second_later is not None else ("", 0, False)
        lexical = self.lexical.rank(query, depth, scope, rows, english, times) if mode != "dense" else []
        # Under a scope (a store that filters inside its searches) an empty ranking may only mean that
        # nothing passes the filters: that is said below, never "no shared word".
        unfiltered_words = mode != "dense" and not lexical and scope is not None and bool(self.lexical.rank(query, 1))
        no_shared_word = mode != "dense" and not lexical and not unfiltered_words
        # after the worker is done too: beside it, this Python work would wait its turns at the interpreter
        glossed = self.lexical.rank(english, depth, scope, rows) if glossing and english else None
        ranked = (self.weigh(self.fuse(query, dense, lexical, companion=second, glossed=glossed)) if mode == "hybrid"
                  else (dense or lexical))
        dense_ranks = {row: rank for rank, (row, _) in enumerate(dense, start=1)}
        lexical_ranks = {row: rank for rank, (row, _) in enumerate(lexical, start=1)}
        if filtering:
            ranked = [(row, score) for row, score in ranked if self.passages.passes(row, where)]
        hits = tuple(
            self.passages.hit(rank, score, row, dense_ranks.get(row), lexical_ranks.get(row), embedded=row < embedded)
            for rank, (row, score) in enumerate(ranked[:k], start=1)
        )
        if filtered and not hits:
            notices.append("No passage passes the filters; widen or clear them.")
        elif no_shared_word or unfiltered_words:
            notices.append(
                ("No passage that passes the filters" if unfiltered_words else "No passage")
                + " shares a searchable word with the query (stop words and punctuation are ignored)"
                + ("; the ranking is by meaning only." if mode == "hybrid" else ".")
            )
        return SearchResponse(label, hits, tuple(notices))

    def fuse(self, query: str, dense: Ranked, lexical: Ranked, settings: FusionSettings | None = None,
             companion: Ranked | None = None, glossed: Ranked | None = None) -> Ranked:
        """One ranking from both (or all three, with the second encoder's; four with `glossed`, BM25's
        ranking of a Chinese query's dictionary English), weighed for the query's language;
        passages in another script than the query are not penalised for sharing no words with it
        (see search/fusion.py)."""
        settings = (settings or self.fusion).for_language(query_language(query), companion is not None)
        return fuse(dense, lexical, settings, other_script=self.passages.cjk != (script_of(query) == "cjk"),
                    companion=companion, glossed=glossed)

    def _dictionary(self, query: str) -> tuple[str, int, bool]:
        """For a Chinese query (search/glossary.py): the English CC-CEDICT gives for its words, how
        many times each of its tokens counts in BM25's expanded query (0: not expanded), and whether
        BM25's ranking of that English is fused too; ("", 0, False) for a query that uses neither."""
        settings = self._gloss_settings(query)
        if settings is None:
            return "", 0, False
        english = [*cedict().english(query), *self._title_terms(query)]
        return " ".join(english), settings.expansion, settings.dictionary_weight > 0

    def _glosses(self, query: str) -> bool:
        """Whether the query's words are given in English (a Chinese query: search/fusion.py)."""
        return self._gloss_settings(query) is not None

    def _gloss_settings(self, query: str) -> FusionSettings | None:
        """The fusion settings of a query whose words are given in English; None for any other."""
        settings = self.fusion.for_language(query_language(query), True)
        return settings if settings.expansion > 0 or settings.dictionary_weight > 0 else None

    def _title_terms(self, query: str) -> tuple[str, ...]:
        """The library's title terms that name the query's Chinese terms (search/term_bridge.py);
        none without the second encoder or an index that keeps its title terms."""
        terms = self.index.companion_terms
        if terms is None or self.companion_ranker() is None:
            return ()
        if self._bridge is None:
            self._bridge = TermBridge(terms.terms, terms.vectors, self.companion_ranker().embedder)
        return self._bridge.english(query)

    def glossed_ranking(self, query: str, depth: int) -> Ranked | None:
        """BM25's ranking of a Chinese query's dictionary English as a hybrid search fuses it; None
        for a query that does not weigh it or whose words the dictionary does not know."""
        english, _, glossing = self._dictionary(query)
        return self.lexical.rank(english, depth) if glossing and english else None

    def expanded_lexical_ranking(self, query: str, depth: int) -> Ranked:
        """BM25's ranking as a hybrid search with the companion fuses it (expanded for a Chinese query)."""
        english, times, _ = self._dictionary(query)
        return self.lexical.rank(query, depth, None, None, english, times)

    def _beside(self, work: Callable[..., Ranked], *args) -> Callable[[], Ranked]:
        """`work(*args)` started on the searcher's one worker thread; returns what waits for it. The
        model's ONNX run releases the interpreter, so the second encoder's tokenizing and ranking
        overlap it: an English query in a library with Chinese notes weighs USE too, and would
        otherwise pay its ~20 ms in full (bench/RETRIEVAL.md, issue #20)."""
        with _POOL_LOCK:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="papersearch-companion")
        return self._pool.submit(work, *args).result

    def _weighs_companion(self, query: str) -> bool:
        language = query_language(query)
        if self._load_companion is None or (language == "latin" and not self._holds_chinese):
            return False
        return self.fusion.for_language(language, True).companion_weight > 0

    def companion_ranker(self) -> DenseRanker | None:
        """The second encoder's ranking over the index's companion vectors, loaded on first use."""
        if self._companion is None and self._load_companion is not None:
            embedder = self._load_companion()
            manifest = self.index.manifest
            if embedder.name != manifest.companion_model or embedder.dimension != manifest.companion_dimension:
                raise ModelMismatchError(manifest.companion_model, embedder.name, f" ({manifest.companion_dimension} dimensions)")
            self._companion = DenseRanker(self.index.companion, embedder, self.index.companion_direction)
        return self._companion

    def weigh(self, ranked: Ranked, settings: EvidenceSettings | None = None) -> Ranked:
        """A fused ranking with reference lists down-weighted, each file's other strong passages
        counted and the pages the reader marked lifted (search/evidence.py); reads the columns it
        needs for the candidate rows only (the pages only when a mark is among them)."""
        if not ranked:
            return ranked
        rows = pa.array([row for row, _ in ranked], pa.int64())
        paths = self.passages.column("path").take(rows).to_pylist()
        roles = self.passages.column("role").take(rows)
        references, stubs = (pc.fill_null(pc.equal(roles, role), False).to_numpy(zero_copy_only=False)
                             for role in (REFERENCES, STUB))
        kinds = self.passages.column("kind").take(rows)
        marks = None
        if pc.any(pc.equal(kinds, MARK_KIND)).as_py():
            pages = self.passages.column("page").take(rows).to_pylist()
            marks = mark_rows(kinds.to_pylist(), paths, pages)
        return weigh(ranked, paths, references, settings or self.evidence, stubs, marks)

    # The rankings alone, for benchmarks and tests that study one side.
    def dense_ranking(self, query: str, depth: int, notices: list[str] | None = None) -> Ranked:
        return self.dense.rank_truncated(query, depth, [] if notices is None else notices)

    def dense_ranking_for(self, vector: np.ndarray, depth: int, scope=None) -> Ranked:
        return self.dense.rank_vector(vector, depth, scope)

    def lexical_ranking(self, query: str, depth: int, scope=None) -> Ranked:
        return self.lexical.rank(query, depth, scope)


def still_embedding(embedded: int, total: int) -> str:
    """The notice of a search in an index whose first build is still embedding."""
    return (f"The index is still being built: search by meaning covers {embedded:,} of {total:,} passages so far; "
            "keyword search covers all of them. Results marked \"keyword match only\" are not embedded yet.")
