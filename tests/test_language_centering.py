"""Language centering: exact against a brute-force formula, and it does what it is for."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from index.language_centering import LanguageCentering, script_of

RNG = np.random.default_rng(7)


def scripts(texts: list[str]) -> list[str]:
    return [script_of(text) for text in texts]


def flat(vectors: np.ndarray) -> faiss.Index:
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors.astype(np.float32))
    return index


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("基于可变形卷积的视频超分辨率 BasicVSR++ EDVR", "cjk"),
        ("视频", "cjk"),
        ("ビデオ超解像", "cjk"),
        ("비디오 초해상도", "cjk"),
        ("Attention is all you need, 注意力", "latin"),
        ("Deformable convolution aligns neighbouring frames", "latin"),
        ("", "latin"),
        ("2203.17276 ++ !!", "latin"),
    ],
)
def test_script_of(text, script):
    assert script_of(text) == script


def test_rank_equals_brute_force_centred_scores():
    vectors = RNG.normal(size=(60, 16)).astype(np.float32)
    texts = ["中文段落" if row % 3 == 0 else "an English passage" for row in range(60)]
    centering = LanguageCentering.fit(flat(vectors), scripts(texts), prior=0)
    query, query_text = RNG.normal(size=16).astype(np.float32), "中文查询"

    chinese = np.array([script_of(t) == "cjk" for t in texts])
    means = {True: vectors[chinese].mean(axis=0), False: vectors[~chinese].mean(axis=0)}
    expected = [(query - means[True]) @ (vectors[row] - means[bool(chinese[row])]) for row in range(60)]
    ranked = centering.rank(flat(vectors), query, query_text, depth=60)

    assert [row for row, _ in ranked] == list(np.argsort(expected)[::-1])
    np.testing.assert_allclose([score for _, score in ranked], sorted(expected, reverse=True), rtol=1e-4, atol=1e-5)


def test_rank_returns_at_most_depth_rows_across_scripts():
    vectors = RNG.normal(size=(30, 8)).astype(np.float32)
    texts = ["中文" if row < 5 else "English" for row in range(30)]
    ranked = LanguageCentering.fit(flat(vectors), scripts(texts)).rank(flat(vectors), vectors[0], "English", depth=12)
    assert len(ranked) == 12
    assert len({row for row, _ in ranked}) == 12
    assert [score for _, score in ranked] == sorted((score for _, score in ranked), reverse=True)


def test_a_chinese_query_finds_the_english_passage_with_its_meaning():
    """Two strong language directions plus weak meanings: raw cosine prefers any text in the
    query's language; centred scores prefer the same meaning in the other language."""
    dimension, meanings = 32, 10
    language = {"cjk": RNG.normal(size=dimension) * 3, "latin": RNG.normal(size=dimension) * 3}
    meaning = RNG.normal(size=(meanings, dimension))
    english = meaning + language["latin"] + RNG.normal(scale=0.1, size=(meanings, dimension))
    chinese = RNG.normal(size=(meanings, dimension)) + language["cjk"]  # other topics, in Chinese
    vectors = np.vstack([english, chinese]).astype(np.float32)
    texts = ["English paper"] * meanings + ["中文笔记"] * meanings
    query = (meaning[3] + language["cjk"]).astype(np.float32)
    index = flat(vectors)

    raw_best = int(index.search(query[None, :], 1)[1][0, 0])
    centred_best = LanguageCentering.fit(index, scripts(texts), prior=0).rank(index, query, "中文问题", depth=1)[0][0]

    assert raw_best >= meanings  # the failure this module exists for: a Chinese note wins
    assert centred_best == 3


def test_a_script_with_few_passages_is_shrunk_towards_the_overall_mean():
    vectors = np.vstack([np.ones((1, 4)), np.zeros((99, 4))]).astype(np.float32)
    texts = ["中文"] + ["English"] * 99
    centering = LanguageCentering.fit(flat(vectors), scripts(texts), prior=50)
    overall = vectors.mean(axis=0)
    np.testing.assert_allclose(centering.mean_for("cjk"), (vectors[0] + 50 * overall) / 51, rtol=1e-6)
    np.testing.assert_allclose(centering.mean_for("latin"), (0 + 50 * overall) / 149, rtol=1e-6)


def test_a_query_script_missing_from_the_library_uses_the_overall_mean():
    vectors = RNG.normal(size=(20, 8)).astype(np.float32)
    centering = LanguageCentering.fit(flat(vectors), ["latin"] * 20)
    np.testing.assert_allclose(centering.mean_for("cjk"), vectors.mean(axis=0), rtol=1e-5, atol=1e-6)
    assert centering.rank(flat(vectors), vectors[4], "中文问题", depth=3)[0][0] >= 0


def test_an_empty_index_ranks_nothing():
    index = faiss.IndexFlatIP(8)
    assert LanguageCentering.fit(index, []).rank(index, np.ones(8, dtype=np.float32), "q", depth=5) == []
