"""Shared fixtures: small libraries written on the fly, a fake embedder, each index store. Visible to
every test folder; the helpers they use are in tests/support/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from click.testing import CliRunner

from tests.support.fakes import FakeEmbedder, register_fake_models, use_fake_models
from tests.support.paths import DEMO_LIBRARY, shared_path
from tests.support.pdf_factory import write_pdf

register_fake_models()  # every fake-* model name loads the fake, through the registry like any model


@pytest.fixture(scope="session")
def milvus_lite_store(tmp_path_factory) -> str:
    """One Milvus Lite file for the session (each index folder gets its own alias and collections)."""
    return "milvus:" + str(tmp_path_factory.mktemp("milvus") / "papersearch.db")


@pytest.fixture(params=["file", "milvus"])
def each_store(request, monkeypatch) -> str:
    """Runs a test over the file store and over Milvus Lite: Library() reads $PAPERSEARCH_STORE."""
    value = "file" if request.param == "file" else request.getfixturevalue("milvus_lite_store")
    monkeypatch.setenv("PAPERSEARCH_STORE", value)
    return value


@pytest.fixture(autouse=True)
def _file_store_unless_asked(monkeypatch) -> None:
    """A developer's $PAPERSEARCH_STORE must not move the suite's indexes into Milvus."""
    monkeypatch.delenv("PAPERSEARCH_STORE", raising=False)


@pytest.fixture(scope="session")
def shared_library(tmp_path_factory) -> Path:
    """The shared library (../shared/data notes and PDFs) built once with the fake model."""
    import cli  # the command line, only for the tests that build through it

    notes, pdfs = shared_path("notes"), shared_path("pdfs")
    register_fake_models()
    library = tmp_path_factory.mktemp("shared") / "library"
    library.mkdir()
    (library / "notes").symlink_to(notes, target_is_directory=True)
    (library / "pdfs").symlink_to(pdfs, target_is_directory=True)
    result = CliRunner().invoke(cli.main, ["build", "--library", str(library), "--model", "fake-hash-64"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return library


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def small_library(tmp_path: Path) -> Path:
    """Two notes (English, Chinese) and one PDF: enough to exercise every reader."""
    library = tmp_path / "library"
    (library / "notes").mkdir(parents=True)
    (library / "pdfs").mkdir()
    (library / "notes" / "alignment.md").write_text(
        "# Feature alignment\n\n## Deformable convolution\n\nOffsets let the kernel sample "
        "misaligned neighbouring frames before fusion.\n\n## Optical flow\n\nWarping with "
        "estimated flow aligns frames explicitly.\n",
        encoding="utf-8",
    )
    (library / "notes" / "扩散模型.md").write_text(
        "# 扩散模型笔记\n\n## 前向过程\n\n逐步向图像加入高斯噪声，直到变成纯噪声。\n\n"
        "## 反向过程\n\n训练网络预测噪声，一步一步去噪得到图像。\n",
        encoding="utf-8",
    )
    write_pdf(
        library / "pdfs" / "transformers.pdf",
        title="Attention for Sequences",
        pages=[
            "Self-attention relates every token to every other token.\nIts cost grows quadratically with length.",
            "Multi-head attention runs several attention functions in parallel.",
        ],
    )
    return library


@pytest.fixture
def demo_library_copy(tmp_path: Path) -> Path:
    """The bundled demo library, copied so tests may build an index inside it."""
    target = tmp_path / "demo"
    shutil.copytree(DEMO_LIBRARY, target, ignore=shutil.ignore_patterns(".papersearch"))
    return target


@pytest.fixture
def demo(demo_library_copy, monkeypatch):
    """The demo library, built from the command line with the fake embedder."""
    import cli  # the command line, only for the tests that build through it

    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    assert CliRunner().invoke(cli.main, ["build", "--library", str(demo_library_copy)]).exit_code == 0
    return demo_library_copy
