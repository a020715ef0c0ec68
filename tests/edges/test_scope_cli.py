"""`search --in-paper / --in-file / --in-folder` on the demo library (fake embedder)."""

import json

from click.testing import CliRunner

import cli

LIST = "notes/video_restoration_reading_list.md"
DCN = "arxiv-1703.06211"  # Deformable Convolutional Networks: its own note and an entry in LIST


def invoke(*args, code=0):
    result = CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def paths(demo, *flags) -> set[str]:
    hits = json.loads(invoke("search", "deformable alignment video", "--library", demo, "--json", "-k", "30", *flags))
    assert hits
    return {hit["path"] for hit in hits}


def test_search_within_a_paper_a_list_and_a_folder(demo, monkeypatch):
    assert paths(demo, "--in-file", LIST) == {LIST}
    monkeypatch.chdir(demo)  # a path as the shell sees it is taken too
    assert paths(demo, "--in-file", f"./{LIST}") == {LIST}
    assert all(path.startswith("pdfs/") for path in paths(demo, "--in-folder", demo / "pdfs"))
    hits = json.loads(invoke("search", "deformable", "--library", demo, "--json", "--in-paper", DCN, "-k", "30"))
    assert {hit["paper_id"] for hit in hits} == {DCN} and LIST in {hit["path"] for hit in hits}


def test_an_unknown_scope_is_one_error_line(demo):
    said = invoke("search", "video", "--library", demo, "--in-folder", "nowhere", code=1)
    assert said.startswith("Error: No indexed file is in the folder 'nowhere'") and "Traceback" not in said
    said = invoke("search", "video", "--library", demo, "--in-paper", "nope", code=1)
    assert said.startswith("Error: No paper 'nope'")
