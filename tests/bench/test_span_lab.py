"""The span lab's rules: its last variant is the product's rule, so its table reads the product."""

from bench.experiments.span_lab import VARIANTS, spans_of
from search.term_bridge import SPAN_CHARACTERS, SPAN_WORDS, chinese_spans

QUESTIONS = ("视频超分辨率中的对齐，用可变形卷积", "深度模型超分辨率", "用 RAFT 估计光流，再去模糊", "optical flow", "")


def test_the_product_rule_is_the_labs_last_variant():
    rule = list(VARIANTS.values())[-1]
    assert rule == (SPAN_WORDS, SPAN_CHARACTERS[1], True, True)
    for question in QUESTIONS:
        assert spans_of(*rule)(question) == chinese_spans(question)


def test_the_ninth_sessions_rule_crossed_punctuation_and_the_later_ones_do_not():
    before, within = spans_of(*VARIANTS["ninth session (before)"]), spans_of(*VARIANTS["within punctuation"])
    question = "估计光流，再去模糊"
    assert any(text == "光流再" for _, _, text in before(question))
    assert not any(text == "光流再" for _, _, text in within(question))
    assert all(question[start:end] == text for start, end, text in within(question))
