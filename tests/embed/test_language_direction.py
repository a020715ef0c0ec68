"""The language direction: found from the calibration pairs, removed exactly, and it does what
it is for on a toy bilingual model whose language offset is known."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from embed.base import Embedder, normalise_rows
from embed.language_direction import language_direction, without_direction
from embed.language_pairs import CALIBRATION_PAIRS
from search.script import script_of

DIMENSION = 48


class ToyBilingualEmbedder(Embedder):
    """vector = meaning + language offset. A calibration pair shares one meaning; any other text
    gets the meaning named by its last word ("topic-3"), so translations can be built at will."""

    def __init__(self, name: str, language_strength: float = 3.0):
        self.name, self.dimension, self.max_tokens = name, DIMENSION, 512
        rng = np.random.default_rng(11)
        self.offset = {"cjk": rng.normal(size=DIMENSION) * language_strength,
                       "latin": rng.normal(size=DIMENSION) * language_strength}
        self.meaning_of = {text: index for index, pair in enumerate(CALIBRATION_PAIRS) for text in pair}

    def meaning(self, text: str) -> np.ndarray:
        key = self.meaning_of.get(text, text.split()[-1])
        seed = int.from_bytes(hashlib.md5(str(key).encode()).digest()[:4], "little")
        return np.random.default_rng(seed).normal(size=DIMENSION)

    def _vector(self, text: str) -> np.ndarray:
        return normalise_rows(self.meaning(text) + self.offset[script_of(text)])[0]

    def embed_documents(self, texts):
        return np.stack([self._vector(text) for text in texts])

    def embed_query(self, text):
        return self._vector(text)

    def count_tokens(self, texts):
        return [len(text.split()) for text in texts]

    def token_spans(self, text):
        return []


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


def test_the_calibration_pairs_are_one_english_and_one_chinese_sentence_each():
    assert len(CALIBRATION_PAIRS) >= 30
    assert all(script_of(english) == "latin" and script_of(chinese) == "cjk" for english, chinese in CALIBRATION_PAIRS)


def test_removing_a_direction_is_exact():
    rng = np.random.default_rng(3)
    direction = normalise_rows(rng.normal(size=16))[0]
    query, document = rng.normal(size=16).astype(np.float32), rng.normal(size=16)
    neutral = without_direction(query, direction)
    assert neutral @ direction == pytest.approx(0.0, abs=1e-5)
    assert neutral @ document == pytest.approx(query @ document - (query @ direction) * (direction @ document), rel=1e-5)
    assert without_direction(query, None) is query


def test_the_direction_found_is_the_models_language_offset():
    embedder = ToyBilingualEmbedder("toy-direction")
    found = language_direction(embedder)
    true = embedder.offset["cjk"] - embedder.offset["latin"]
    assert found @ true / np.linalg.norm(true) > 0.95
    assert np.linalg.norm(found) == pytest.approx(1.0, rel=1e-5)


def test_a_model_that_ignores_language_has_no_direction():
    assert language_direction(ToyBilingualEmbedder("toy-monolingual", language_strength=0.0)) is None


def test_without_the_direction_a_chinese_query_finds_the_english_passage_with_its_meaning():
    embedder = ToyBilingualEmbedder("toy-search")
    english = embedder.embed_documents([f"an English paper about topic-{n}" for n in range(10)])
    chinese = embedder.embed_documents([f"一篇中文笔记 topic-{n}" for n in range(10, 20)])
    passages = np.vstack([english, chinese])
    query = embedder.embed_query("中文问题 topic-3")

    assert int(np.argmax(passages @ query)) >= 10  # raw: any Chinese note beats the English answer
    neutral = without_direction(query, language_direction(embedder))
    assert int(np.argmax(passages @ neutral)) == 3
