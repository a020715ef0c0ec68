"""The blind dev sets in bench/quality load with the project's gold loader (evaluation.load_gold)
against the files of the shared library, so every graded path names a real note, list or PDF, and
their lang/type/cross fields hold the values the evaluation scripts group by."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evaluation import load_gold
from tests.support.paths import REPO, shared_path

QUALITY = REPO / "bench" / "quality"
CJK, LATIN = re.compile(r"[\u3400-\u9fff]"), re.compile(r"[A-Za-z]")


def _library_paths(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for folder in ("notes", "notes/lists", "pdfs")
            for path in (root / folder).iterdir() if path.is_file()}


def _script_lang(query: str) -> str:
    """The rule the sets were written with: CJK and Latin letters -> mixed, CJK only -> zh."""
    cjk, latin = bool(CJK.search(query)), bool(LATIN.search(query))
    return "mixed" if cjk and latin else "zh" if cjk else "en"


@pytest.mark.parametrize("name", ["gold_dev_topical.jsonl", "gold_dev_zh.jsonl"])
def test_dev_set_loads_and_every_graded_path_is_a_shared_library_file(name):
    known = _library_paths(shared_path())
    gold = QUALITY / name
    queries = load_gold(gold, known)  # raises on any path that is not a file of the library
    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(queries) == len(rows) >= 90
    assert len({row["query"] for row in rows}) == len(rows)
    for row in rows:
        assert row["lang"] == _script_lang(row["query"]), row["query"]
        assert row["type"] in {"specific", "topical"}
        assert row["cross"] in {"zh->en_pdf", "en->zh_note", "none"}
        assert 2 in row["relevant"].values(), row["query"]


def test_topical_set_has_the_composition_it_was_written_for():
    rows = [json.loads(line) for line in (QUALITY / "gold_dev_topical.jsonl").read_text(encoding="utf-8").splitlines()]
    count = {(lang, kind): sum(row["lang"] == lang and row["type"] == kind for row in rows)
             for lang in ("zh", "en", "mixed") for kind in ("topical", "specific")}
    assert count["zh", "topical"] >= 35 and count["en", "topical"] >= 15
    assert count["mixed", "topical"] + count["mixed", "specific"] >= 15
    assert sum(row["type"] == "specific" and row["cross"] != "none" for row in rows) >= 25
    earlier = {json.loads(line)["query"].strip().lower() for name in ("gold_dev_zh.jsonl", "gold_dev_blind.jsonl",
               "gold_shared_bilingual.jsonl") for line in (QUALITY / name).read_text(encoding="utf-8").splitlines()}
    assert not earlier & {row["query"].strip().lower() for row in rows}
