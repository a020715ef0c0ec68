"""`papersearch mark` and the filters it feeds, on the demo library (fake embedder): marks kept in
the library's marks file, read by `papers` and `search`, kept by a rebuild; health in plain words."""

import json

from click.testing import CliRunner

import cli
from library import MARKS_FILE

RETHINKING = "arxiv-2207.08494"  # "- [ ]" in the demo's reading list, no note of its own
OFFSET = "Offset Attention: Flow-Free Temporal Alignment for Video Restoration"


def invoke(*args, code=0):
    result = CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def titles(demo, *flags) -> set[str]:
    return {p["title"] for p in json.loads(invoke("papers", "--library", demo, "--json", *flags))}


def test_mark_to_read_and_tag_then_filter_papers_and_search_even_after_a_rebuild(demo):
    assert titles(demo, "--to-read") == set()
    said = invoke("mark", RETHINKING, "--to-read", "--tag", "对齐", "--tag", "transformers", "--library", demo)
    assert "to read; tags: 对齐, transformers" in said and MARKS_FILE in said
    rethinking = "Rethinking Alignment in Video Super-Resolution Transformers"
    assert titles(demo, "--to-read") == {rethinking} == titles(demo, "--tag", "对齐")
    assert rethinking in titles(demo, "--unread") and rethinking not in titles(demo, "--read")
    hits = json.loads(invoke("search", "alignment transformers", "--library", demo, "--json", "--to-read", "-k", "50"))
    assert hits and {hit["paper_title"] for hit in hits} == {rethinking}
    invoke("mark", RETHINKING, "--read", "--untag", "transformers", "--library", demo)
    (demo / "notes" / "new.md").write_text("# New\n\nA new note.\n", encoding="utf-8")
    invoke("build", "--library", demo)
    record = next(p for p in json.loads(invoke("papers", "--library", demo, "--json")) if p["paper_id"] == RETHINKING)
    assert (record["read"], record["reading"], record["read_source"], record["marked_tags"]) == (True, "read", "marked",
                                                                                                ["对齐"])
    assert "[x] Rethinking Alignment" in invoke("papers", "--library", demo)


def test_an_own_note_counts_as_read_and_the_author_filter_takes_whole_words(demo):
    papers = {p["title"]: p for p in json.loads(invoke("papers", "--library", demo, "--json"))}
    edvr = papers["EDVR: Video Restoration with Enhanced Deformable Convolutional Networks"]
    assert (edvr["reading"], edvr["read_source"]) == ("read", "note")
    assert titles(demo, "--author", "mei lin") == {OFFSET}
    assert titles(demo, "--author", "lin") == {OFFSET} and titles(demo, "--author", "li") == set()


def test_mark_refuses_an_unknown_paper_and_an_empty_request(demo):
    assert "Error: No paper 'nope'" in invoke("mark", "nope", "--read", "--library", demo, code=1)
    assert "Say what to mark" in invoke("mark", RETHINKING, "--library", demo, code=2)
    assert not (demo / MARKS_FILE).exists()


def test_papers_health_speaks_plain_words_with_a_fix(demo):
    (demo / "notes" / "extra_list.md").write_text(
        '# Extra\n\n- [ ] "A Paper That Is Not Here" CVPR, 2023 Mar\n  [pdf](../pdfs/not-here.pdf)\n', encoding="utf-8"
    )
    invoke("build", "--library", demo)
    said = invoke("papers", "--library", demo, "--health")
    assert "1 link in your notes points to a file that is not there." in said
    assert "What to do: Correct the link in the note" in said
    assert 'notes/extra_list.md, line 3: link "pdf" to ../pdfs/not-here.pdf: no such file' in said
    assert "{" not in said  # no raw dicts
