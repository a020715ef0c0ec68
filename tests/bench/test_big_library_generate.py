"""The big-library generator (bench/big_library/generate.py) on a 12-file library: every file
differs, PDFs open with pypdf and have their planned pages, Chinese survives the PDF, the same
seed gives the same bytes, and queries.jsonl names files that exist and hold the query's text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdf
import pytest

from bench.big_library.generate import generate
from bench.big_library.sources import load_pool
from tests.support.paths import shared_path

FILES = 12


def _library_files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and path.suffix in {".pdf", ".md"}}


@pytest.fixture(scope="module")
def data() -> Path:
    return shared_path()


@pytest.fixture(scope="module")
def library(tmp_path_factory, data) -> Path:
    out = tmp_path_factory.mktemp("biglib") / "library"
    generate(FILES, out, seed=5, data=data, workers=1)
    return out


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_library_has_pdfs_and_notes_in_nested_folders_and_every_file_differs(library):
    files = _library_files(library)
    rows = _rows(library / "files.jsonl")
    assert len(files) == len(rows) == FILES
    assert sorted(files) == sorted(row["path"] for row in rows)
    assert sum(row["kind"] == "pdf" for row in rows) == round(FILES * 0.7)
    assert len(set(files.values())) == FILES
    assert len({row["digest"] for row in rows}) == FILES  # the text, not only the bytes
    assert all(name.count("/") >= 2 for name in files)


def test_pdfs_open_with_pypdf_with_their_planned_pages_and_a_title_on_page_one(library):
    for row in _rows(library / "files.jsonl"):
        if row["kind"] != "pdf":
            continue
        reader = pypdf.PdfReader(library / row["path"])
        assert 4 <= row["pages"] <= 16
        assert len(reader.pages) == row["pages"], row["path"]
        title = reader.metadata.title
        first_page = " ".join(reader.pages[0].extract_text().split())
        assert title and " ".join(title.split()[:3]) in first_page
        assert len(" ".join(page.extract_text() for page in reader.pages).split()) > 150 * row["pages"]


def test_chinese_text_round_trips_through_a_pdf(library, data):
    chinese_pdfs = [row for row in _rows(library / "files.jsonl") if row["kind"] == "pdf" and row["chinese"]]
    assert chinese_pdfs, "the generator puts Chinese passages into every 7th PDF"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(library / chinese_pdfs[0]["path"]).pages)
    runs = re.findall(r"[\u4e00-\u9fff]{6,}", text)
    assert sum(map(len, runs)) >= 50
    pool_text = "".join(load_pool(data).chinese_paragraphs)
    assert all(run in pool_text for run in runs[:20]), "Chinese read back from the PDF is the notes' Chinese"


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_files(library, data, tmp_path):
    again = tmp_path / "again"
    generate(FILES, again, seed=5, data=data, workers=2)
    assert _library_files(again) == _library_files(library)
    assert (again / "queries.jsonl").read_bytes() == (library / "queries.jsonl").read_bytes()
    other = tmp_path / "other"
    generate(FILES, other, seed=6, data=data, workers=1)
    assert not set(_library_files(other).values()) & set(_library_files(library).values())


def test_queries_point_to_files_of_the_library_that_hold_their_text(library):
    queries = _rows(library / "queries.jsonl")
    assert len(queries) == 20 and len({query["id"] for query in queries}) == 20
    assert {query["kind"] for query in queries} == {"title", "sentence", "chinese"}
    for query in queries:
        assert query["query"].strip()
        for path in [query["file"], *query["also_in"]]:
            assert (library / path).is_file(), path
        answer = library / query["file"]
        if answer.suffix == ".md":
            assert query["source"] in " ".join(answer.read_text(encoding="utf-8").split())
        else:
            page = re.sub(r"\s+", "", pypdf.PdfReader(answer).pages[query["page"] - 1].extract_text())
            assert all(word in page for word in query["query"].split()), query  # lines may break Chinese
