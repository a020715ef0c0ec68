"""The JSON the commands print is what docs/schemas/ says (docs/json-schema.md): real output of
`search --json` (every mode), `papers --json`, `papers --health --json` and `status --json`,
validated with jsonschema; and the schemas name exactly the fields the code writes."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import cli
from export import paper_to_dict
from index.build_progress import PROGRESS_FILE, Estimate
from library import Library
from search import Hit
from tests.support.fakes import use_fake_models

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


def schema(name: str) -> dict:
    loaded = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


def valid(data, name: str):
    jsonschema.Draft202012Validator(schema(name), format_checker=jsonschema.FormatChecker()).validate(data)
    return data


def run(*args) -> str:
    result = CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def invoke(*args) -> object:
    return json.loads(run(*args))


@pytest.fixture
def demo(demo_library_copy, monkeypatch):
    """The demo library plus what makes the optional fields appear: a GBK note (a warning) and a
    binary .md (a skipped file)."""
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    (demo_library_copy / "notes" / "gbk.md").write_bytes("# 光流笔记\n\n本文用金字塔结构估计大位移光流。\n".encode("gbk"))
    (demo_library_copy / "notes" / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    return demo_library_copy


def test_status_before_and_after_the_first_build(demo):
    # Before a build `status` says "Build it first" (exit 1); the server's status gives this object.
    before = valid(Library(demo).status().to_dict(), "status")
    assert before["built"] is False and set(before) == {"library", "index", "store", "built"}
    run("build", "--library", demo)
    after = valid(invoke("status", "--library", demo, "--json"), "status")
    assert after["skipped"] and after["warnings"]["notes/gbk.md"]  # the optional parts were checked too
    assert set(after) == set(schema("status")["properties"]) - {"building"}  # no build runs now


def test_status_while_a_build_runs(demo, tmp_path):
    """A running build (here: this process, as progress.json names it) is described in `building`."""
    run("build", "--library", demo)
    lib = Library(demo)
    progress = Estimate()
    progress("Embedding chunks", 40, 100)
    (lib.index_dir / PROGRESS_FILE).write_text(json.dumps(progress.snapshot().to_dict()), encoding="utf-8")
    during = valid(Library(demo).status().to_dict(), "status")
    assert during["building"]["text"].startswith("Embedding chunks: 40 of 100")
    assert set(during) == set(schema("status")["properties"])


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_search_json_in_every_mode(demo, mode):
    run("build", "--library", demo)
    for query in ("deformable alignment for video", "光流 金字塔"):
        hits = valid(invoke("search", query, "--library", demo, "--json", "--mode", mode, "-k", "20"), "search")
        assert hits and [hit["rank"] for hit in hits] == list(range(1, len(hits) + 1))
        assert {hit["kind"] for hit in hits} <= {"pdf", "note"}


def test_papers_and_health_json(demo):
    run("build", "--library", demo)
    records = valid(invoke("papers", "--library", demo, "--json"), "papers")
    assert records and any(record["entries"] for record in records)
    assert valid(invoke("papers", "--library", demo, "--json", "--year-from", "2020"), "papers")
    valid(invoke("papers", "--library", demo, "--health", "--json"), "health")


def test_the_schemas_name_exactly_the_fields_the_code_writes():
    search_item = schema("search")["items"]
    assert set(search_item["required"]) == set(search_item["properties"]) == {f.name for f in fields(Hit)}
    hit = Hit(rank=1, score=0.5, kind="note", path="n.md", title="t", page=None, heading="t", start_line=3,
              text="x", chunk_id="c")
    assert set(hit.to_dict()) == set(search_item["properties"])
    paper = schema("papers")["items"]
    assert set(paper["required"]) == set(paper["properties"])
    from papers import PaperRecord

    record = PaperRecord(paper_id="p", title="T", venue=None, year=None, month=None, arxiv=None, read=None,
                         abbreviation=None, topics=(), annotation=None, links={}, files=(), entries=(), titles=())
    assert set(paper_to_dict(record)) == set(paper["properties"])


def test_a_field_the_schema_does_not_know_is_refused():
    hit = Hit(rank=1, score=1.2, kind="pdf", path="a.pdf", title="t", page=2, heading=None, start_line=None,
              text="x", chunk_id="c").to_dict()
    valid([hit], "search")
    with pytest.raises(jsonschema.ValidationError):
        valid([{**hit, "new_field": 1}], "search")
    with pytest.raises(jsonschema.ValidationError):
        valid([{key: value for key, value in hit.items() if key != "role"}], "search")
