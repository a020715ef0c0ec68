"""Lexical tokenisation, BM25, fusion and search modes, with the fake embedder."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index import LexicalIndex
from corpus import LexicalTokenizer
from library import Library
from search import FusionSettings, ResultFilter, fuse
from tests.support.fakes import FakeEmbedder


def test_tokenizer_stems_english_drops_stop_words_and_keeps_identifiers_whole():
    tokens = LexicalTokenizer().tokenize("The BasicVSR++ model improves aligned features (arXiv 2203.17276, E2FGVI)")
    assert tokens == ["basicvsr++", "basicvsr", "model", "improv", "align", "featur", "arxiv", "2203.17276", "e2fgvi"]


def test_chinese_becomes_bigrams_or_jieba_words():
    assert LexicalTokenizer("bigram").tokenize("特征对齐") == ["特征", "征对", "对齐"]
    assert {"特征", "对齐"} <= set(LexicalTokenizer("jieba").tokenize("特征对齐的方法"))


def test_a_token_is_one_object_however_often_it_occurs_and_a_full_stem_memory_starts_again(monkeypatch):
    """A first build holds every passage's tokens until BM25 is fitted: one string per distinct token."""
    texts = ["Aligned features align frames; aligning BasicVSR++ 2203.17276 特征", "特征对齐 aligned 特征 2203.17276 basicvsr++"]
    first, second = LexicalTokenizer().tokenize_many(texts)
    shared = set(first) & set(second)
    assert {"align", "特征", "2203.17276", "basicvsr++"} <= shared
    assert all(next(t for t in first if t == token) is next(t for t in second if t == token) for token in shared)
    monkeypatch.setattr("corpus.lexical_tokens._STEMS_KEPT", 2)
    small = LexicalTokenizer()
    assert small.tokenize_many(texts * 3) == [first, second] * 3 and len(small._stems) <= 2


@pytest.mark.parametrize("query", ["the of and", "?!…，。", "🙂🚀", ""])
def test_stop_words_punctuation_and_emoji_give_no_tokens(query):
    assert LexicalTokenizer().tokenize(query) == []


def test_bm25_ranks_matching_rows_and_ignores_unknown_words(tmp_path):
    tokenizer = LexicalTokenizer()
    texts = ["deformable convolution aligns frames", "diffusion adds gaussian noise", "optical flow warping"]
    index = LexicalIndex.fit(tokenizer.tokenize_many(texts))
    rows, scores = index.search(tokenizer.tokenize("noise in diffusion models"), k=3)
    assert rows.tolist() == [1] and scores[0] > 0
    index.save(tmp_path / "lex")
    again = LexicalIndex.load(tmp_path / "lex")
    assert again.search(tokenizer.tokenize("zzzz unknown"), k=3)[0].tolist() == []
    assert again.search(tokenizer.tokenize("flow"), k=3)[0].tolist() == [2]


def test_rrf_rewards_agreement_and_convex_uses_score_margins():
    dense = [(1, 0.9), (2, 0.8), (3, 0.1)]
    lexical = [(2, 12.0), (4, 11.0)]
    assert [row for row, _ in fuse(dense, lexical, FusionSettings(method="rrf", dense_weight=1.0))][:2] == [2, 1]
    convex = fuse(dense, lexical, FusionSettings(method="convex", dense_weight=0.5))
    assert convex[0][0] == 2 and dict(convex)[3] == 0.0


@pytest.mark.parametrize("method", ["convex", "rrf"])
def test_a_passage_in_another_script_is_not_penalised_for_sharing_no_words(method):
    """Row 1 is an English paper, rows 2-3 Chinese notes, the query Chinese: BM25 can only ever
    match the notes, so its silence about the paper must not sink the paper."""
    dense = [(1, 0.9), (2, 0.5), (3, 0.1)]
    lexical = [(2, 5.0), (3, 4.0)]
    settings = FusionSettings(method, dense_weight=0.5 if method == "convex" else 1.0)
    other_script = np.array([False, True, False, False])
    assert fuse(dense, lexical, settings)[0][0] == 2
    aware = fuse(dense, lexical, settings, other_script=other_script)
    assert [row for row, _ in aware] == [1, 2, 3]


def test_a_passage_in_another_script_keeps_the_words_it_does_share():
    """A Chinese note that names "BasicVSR" still gains from matching an English query's word."""
    dense = [(1, 0.9), (2, 0.8), (3, 0.1)]
    lexical = [(3, 9.0), (2, 8.0)]
    other_script = np.array([False, False, True, True])
    fused = dict(fuse(dense, lexical, FusionSettings("convex", dense_weight=0.5), other_script=other_script))
    assert fused[3] == pytest.approx(0.5 * 0.0 + 0.5 * 1.0)  # its own BM25 score, the best
    assert fused[2] == pytest.approx(0.5 * 0.875 + 0.5 * 0.875)  # no shared word: its dense score stands in


@pytest.fixture
def searcher(small_library, each_store):
    embedder = FakeEmbedder()
    lib = Library(small_library)
    lib.build(lib.plan(embedder.name), embedder)
    return lib.searcher(load=lambda _model: embedder)


def test_modes_report_which_component_found_each_passage(searcher):
    lexical = searcher.search("deformable offsets", k=3, mode="lexical").hits
    assert lexical[0].path == "notes/alignment.md" and lexical[0].dense_rank is None
    assert lexical[0].lexical_rank == 1
    dense = searcher.search("deformable offsets", k=3, mode="dense").hits
    assert all(h.lexical_rank is None and h.dense_rank == h.rank for h in dense)
    hybrid = searcher.search("deformable offsets", k=3, mode="hybrid").hits
    assert hybrid[0].dense_rank is not None and hybrid[0].lexical_rank is not None


def test_stop_word_query_explains_itself_and_still_ranks_by_meaning(searcher):
    response = searcher.search("the of and", k=3, mode="hybrid")
    assert response.hits and all(h.lexical_rank is None for h in response.hits)
    assert any("stop words" in notice for notice in response.notices)
    assert searcher.search("the of and", k=3, mode="lexical").hits == ()


@pytest.mark.usefixtures("each_store")
def test_changed_file_is_the_only_one_retokenised(small_library):
    embedder = FakeEmbedder()
    lib = Library(small_library)
    lib.build(lib.plan(embedder.name), embedder)
    before = lib.load().chunks.set_index("chunk_id")["lexical_tokens"].map(list).to_dict()
    (small_library / "notes" / "alignment.md").write_text("# Feature alignment\n\nflow-free alignment\n")
    lib.build(lib.plan(embedder.name), FakeEmbedder())
    stored = lib.load()
    after = stored.chunks.set_index("chunk_id")["lexical_tokens"].map(list).to_dict()
    assert {k: v for k, v in after.items() if k in before} == {k: before[k] for k in after if k in before}
    rows, _ = stored.lexical.search(["flow-free"], k=5)
    assert stored.chunks.iloc[rows[0]]["path"] == "notes/alignment.md"


@st.composite
def two_rankings(draw):
    """A dense and a lexical ranking over the same rows, each best first, and a reference depth."""
    rows = draw(st.lists(st.integers(0, 60), min_size=1, max_size=40, unique=True))
    scores = st.floats(0.0, 10.0, allow_nan=False, allow_infinity=False)
    def ranking():
        chosen = draw(st.permutations(rows))[: draw(st.integers(1, len(rows)))]
        values = sorted((draw(scores) for _ in chosen), reverse=True)
        return list(zip(chosen, values))
    return ranking(), ranking(), draw(st.integers(1, 12)), draw(st.floats(0.0, 1.0))


@settings(max_examples=300, deadline=None)
@given(two_rankings())
def test_reading_deeper_than_the_reference_never_reorders_what_the_reference_ranks(case):
    dense, lexical, reference, alpha = case
    fusion = FusionSettings("convex", dense_weight=alpha, candidates=reference)
    shallow = fuse(dense[:reference], lexical[:reference], fusion)
    deep = fuse(dense, lexical, fusion)
    assert {row for row, _ in deep[: len(shallow)]} == {row for row, _ in shallow}  # they come first
    assert dict(deep[: len(shallow)]) == pytest.approx(dict(shallow))  # with the same scores
    assert all(score < 0 for _, score in deep[len(shallow):])


@pytest.mark.usefixtures("each_store")
def test_more_results_or_a_filter_never_reorder_the_results(small_library):
    """k=2 gives the first 2 of k=20, and a filter removes results without reordering the rest,
    even when the rankings are read far past the fusion's reference depth."""
    embedder = FakeEmbedder()
    lib = Library(small_library)
    lib.build(lib.plan(embedder.name), embedder)
    searcher = lib.searcher(load=lambda _model: embedder, fusion=FusionSettings(candidates=2))
    query = "frames aligned with optical flow before fusion 噪声"
    every = searcher.search(query, k=20).hits
    assert len(every) > 4
    key = lambda hit: (hit.chunk_id, round(hit.score, 9))  # noqa: E731
    assert [key(h) for h in searcher.search(query, k=2).hits] == [key(h) for h in every[:2]]
    notes = searcher.search(query, k=20, where=ResultFilter(kind="note")).hits
    assert [key(h) for h in notes] == [key(h) for h in every if h.kind == "note"]
