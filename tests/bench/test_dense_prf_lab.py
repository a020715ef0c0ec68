"""The pure parts of the fourth-round lab (bench/experiments/dense_prf_lab.py): Rocchio feedback over
exact search, the dictionary translation it scores, the expanded BM25 ranking, and the per-language
choice on folds."""

from __future__ import annotations

import numpy as np
import pytest

from bench.experiments.dense_prf_lab import Exact, choose_per_language, top_of, translate
from index.lexical import LexicalIndex
from search.glossary import Glossary

CEDICT = """\
視頻 视频 [shi4 pin2] /video/
對齊 对齐 [dui4 qi2] /to align/
對 对 [dui4] /right/correct/
"""


def test_exact_search_ranks_by_inner_product_and_feedback_moves_towards_the_first_rows():
    matrix = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [0.6, 0.8]], dtype=np.float32)
    exact = Exact(matrix, None)
    assert [row for row, _ in exact.rank(np.array([1.0, 0.0]), depth=3)] == [0, 1, 3]
    first = [(2, 1.0)]  # feedback from row 2 pulls the query towards [0, 1]
    moved = exact.feedback(np.array([1.0, 0.0]), first, k=1, a=5.0)  # q + 5 * [0, 1]
    assert [row for row, _ in moved][:2] == [2, 3]
    unmoved = exact.feedback(np.array([1.0, 0.0]), first, k=1, a=0.0)
    assert [row for row, _ in unmoved][:3] == [0, 1, 3]


def test_translation_by_maximum_matching_leaves_single_characters_out_when_asked():
    glossary = Glossary.from_cedict(CEDICT)
    english, share = translate("视频对齐对", glossary, "maxmatch", min_chars=2)
    assert english == ["video", "align"] and share == pytest.approx(2 / 3)
    assert translate("only English", glossary) == ([], 0.0)


def test_each_language_takes_the_setting_best_on_the_other_folds():
    queries = [{"id": f"q{i}", "language": "cjk" if i < 8 else "latin"} for i in range(12)]
    folds = {q["id"]: i % 4 for i, q in enumerate(queries)}
    # column 0 "today"; column 1 better for Chinese queries only, column 2 better for English ones only
    matrix = np.array([[0.5, 0.9, 0.1] if q["language"] == "cjk" else [0.5, 0.2, 0.8] for q in queries])
    held, picks = choose_per_language(queries, matrix, ["today", "a", "b"], 0, folds)
    assert picks["cjk"] == ["a"] * 4 and picks["latin"] == ["b"] * 4 and "mixed" not in picks  # no such query
    assert all(held[q["id"]] == (0.9 if q["language"] == "cjk" else 0.8) for q in queries)


def test_the_expanded_ranking_is_the_product_one_bm25_search_of_repeated_tokens():
    """The lab adds the English words' scores times a factor to the bigrams'; the product repeats the
    English tokens in one search (search/lexical.py): the same ranking."""
    index = LexicalIndex.fit([["特征", "征对"], ["align", "featur"], ["特征", "align"], ["video"]])
    bm25 = index._bm25
    lab = top_of(bm25.get_scores(["特征", "征对"]) + 3 * bm25.get_scores(["align"]))
    rows, scores = index.search(["特征", "征对"] + ["align"] * 3, 10)
    assert [row for row, _ in lab] == rows.tolist() == [2, 1, 0]
    assert [score for _, score in lab] == pytest.approx(scores.tolist(), rel=1e-5)
