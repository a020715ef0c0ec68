"""A Chinese question's terms named by the library's own title terms (search/term_bridge.py,
index/title_terms.py): the spans it embeds, the terms it takes, and, with the real second
encoder, the field's terms CC-CEDICT does not know."""

from __future__ import annotations

import numpy as np
import pytest

from index.title_terms import TitleTerms, terms_of_titles, title_terms
from search.term_bridge import MATCH, TermBridge, chinese_spans
from tests.support.fakes import FakeEmbedder


class TableEncoder:
    """Texts to unit vectors from a table; anything else is orthogonal to every entry."""

    dimension = 4

    def __init__(self, table: dict[str, list[float]]):
        self.table = {text: np.asarray(vector, dtype=np.float32) / np.linalg.norm(vector) for text, vector in table.items()}
        self.asked: list[list[str]] = []

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        self.asked.append(list(texts))
        return np.stack([self.table.get(text, np.array([0, 0, 0, 1], dtype=np.float32)) for text in texts])


def test_title_terms_are_the_runs_of_up_to_three_words_not_bounded_by_stop_words():
    terms = terms_of_titles(["Video Deblurring with the Optical Flow", "视频去模糊", None, "Video  deblurring"])
    assert terms == sorted(terms)
    assert {"video", "deblurring", "video deblurring", "optical flow", "the optical flow"} - set(terms) == {
        "the optical flow"}  # a run may not start (or end) with a stop word
    assert "deblurring with the" not in terms and "with" not in terms
    assert not terms_of_titles(["视频去模糊", "", None])


def test_past_the_limit_the_terms_most_titles_hold_are_kept():
    titles = [f"Optical Flow for Scene {chr(65 + i)}{chr(65 + j)}" for i in range(5) for j in range(5)]
    kept = terms_of_titles(titles, most=5)
    assert len(kept) == 5 and {"optical", "flow", "optical flow", "scene", "flow for scene"} == set(kept)
    assert len(terms_of_titles(titles)) > 5


def test_a_later_build_embeds_only_the_title_terms_it_has_not_seen():
    class Counting(FakeEmbedder):
        embedded: list[str] = []

        def embed_documents(self, texts):
            self.embedded.extend(texts)
            return super().embed_documents(texts)

    encoder = Counting(name="fake-hash-32", dimension=32)
    first = title_terms(["Optical Flow Estimation"], encoder)
    encoder.embedded.clear()
    second = title_terms(["Optical Flow Estimation", "Video Deblurring"], encoder, first)
    assert set(encoder.embedded) == {"video", "deblurring", "video deblurring"}
    fresh = title_terms(["Optical Flow Estimation", "Video Deblurring"], Counting(name="fake-hash-32", dimension=32))
    assert second.terms == fresh.terms and np.array_equal(second.vectors, fresh.vectors)


def test_spans_are_one_to_three_dictionary_words_two_to_four_characters_long():
    spans = chinese_spans("视频去模糊 x")
    texts = [text for _, _, text in spans]
    assert {"视频", "视频去", "去模糊", "模糊"} <= set(texts) and "视频去模糊" not in texts  # five characters
    assert all(2 <= len(text) <= 4 for text in texts)
    assert chinese_spans("optical flow only") == []


def test_a_run_of_whole_words_is_no_span_but_a_word_the_dictionary_splits_is():
    texts = {text for _, _, text in chinese_spans("深度模型超分辨率")}
    assert {"深度", "模型", "超分辨率"} <= texts  # 超 + 分辨率: a single character in the run
    assert "深度模型" not in texts  # 深度 + 模型: the dictionary gives both words' English


def test_spans_never_cross_punctuation_and_say_where_they_are_in_the_query():
    query = "用 RAFT 估计光流，再去模糊"
    spans = chinese_spans(query)
    assert all(query[start:end] == text for start, end, text in spans)
    texts = {text for _, _, text in spans}
    assert "光流" in texts and "去模糊" in texts and not any("，" in text or "流再" in text for text in texts)


def test_the_closest_term_of_each_span_is_taken_best_first_without_overlap():
    terms = ("deblurring", "optical flow", "video")
    vectors = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], dtype=np.float32)
    encoder = TableEncoder({"去模糊": [1, 0, 0, 0], "视频": [0, 0.3, 1, 0], "视频去": [1, 0, 0.9, 0],
                            "光流": [0, 1, 0, 0]})
    bridge = TermBridge(terms, vectors, encoder)
    assert bridge.english("视频去模糊") == ("deblurring", "video")  # 视频去 overlaps the better 去模糊
    assert bridge.english("光流") == ("optical flow",)
    assert bridge.english("完全无关") == ()  # nothing at MATCH or above
    asked = len(encoder.asked)
    assert bridge.english("视频去模糊") == ("deblurring", "video") and len(encoder.asked) == asked  # remembered
    assert len(encoder.asked[0]) == len(chinese_spans("视频去模糊"))  # one batch per question
    assert 0 < MATCH < 1


def test_an_index_without_title_terms_bridges_nothing():
    bridge = TermBridge((), np.zeros((0, 4), dtype=np.float32), TableEncoder({}))
    assert bridge.english("视频去模糊") == ()
    with pytest.raises(ValueError):
        TitleTerms(("a",), np.zeros((0, 4), dtype=np.float32))


@pytest.mark.slow
def test_the_second_encoder_names_field_terms_the_dictionary_does_not_know():
    """multilingual USE, as a build makes the terms and a search embeds the question's spans."""
    from embed.use_multilingual import UseMultilingualEmbedder
    from search.glossary import cedict

    use = UseMultilingualEmbedder()
    titles = ["Real-Time Intermediate Flow Estimation for Video Frame Interpolation",
              "Image Super-Resolution Using Deep Convolutional Networks", "Optical Flow Estimation with Transformers",
              "Denoising Diffusion Probabilistic Models", "Spatio-Temporal Filter Adaptive Network for Video Deblurring"]
    made = title_terms(titles, use)
    bridge = TermBridge(made.terms, made.vectors, use)
    assert "optical flow" in bridge.english("光流")
    assert "flow" in " ".join(bridge.english("光流估计的方法"))
    assert any("super-resolution" in term for term in bridge.english("超分辨率"))
    assert "optical" not in " ".join(cedict().english("超分辨率"))
    assert any("deblurring" in term for term in bridge.english("视频去模糊"))
    assert not cedict().english("去模糊") or "deblurring" not in cedict().english("去模糊")
