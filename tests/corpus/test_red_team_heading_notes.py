"""Red team L14: a note made only of headings (an outline, a reading plan) was skipped as "no
searchable text"; its headings are text a researcher searches for, so they are indexed."""

from __future__ import annotations

from corpus import ChunkSettings, chunk_document, read_document
from library import Library
from tests.support.fakes import FakeEmbedder

OUTLINE = (
    "# Reading plan 2024\n\n"
    "## Week 1\n"
    "### Deformable alignment\n"
    "### Optical flow warping\n\n"
    "## Week 2 ![](cover.png)\n"
    "### Diffusion models for deblurring\n"
)


def test_an_outline_note_reads_as_its_headings(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text(OUTLINE, encoding="utf-8")
    document = read_document(path, "plan.md")
    assert document.title == "Reading plan 2024"
    (section,) = document.sections
    assert section.start_line == 1
    assert "Deformable alignment" in section.text and "Diffusion models for deblurring" in section.text
    assert section.text in OUTLINE  # the source as written, so a passage's lines point home
    embedded = "\n".join(c.embed_text for c in chunk_document(document, FakeEmbedder(), ChunkSettings()))
    assert "Deformable alignment" in embedded and "![]" not in embedded and "cover.png" not in embedded


def test_an_outline_note_is_chunked_with_the_lines_of_its_headings(tmp_path):
    path = tmp_path / "plan.md"
    outline = OUTLINE + "".join(f"## Week {n}\n### Topic number {n} on video restoration\n\n" for n in range(3, 30))
    path.write_text(outline, encoding="utf-8")
    tokenizer = FakeEmbedder(max_tokens=64)
    chunks = chunk_document(read_document(path, "plan.md"), tokenizer, ChunkSettings(chunk_tokens=32, overlap_tokens=0))
    assert len(chunks) >= 2  # a long outline is several passages
    lines = outline.splitlines()
    for chunk in chunks:  # each passage points at the line its first heading is on
        assert chunk.text.splitlines()[0] in lines[chunk.start_line - 1]
    assert any("Optical flow warping" in chunk.embed_text for chunk in chunks)


def test_a_note_with_headings_over_image_only_bodies_keeps_its_headings(tmp_path):
    path = tmp_path / "figures.md"
    path.write_text("# Figures\n\n## Flow field example\n\n![](flow.png)\n", encoding="utf-8")
    (section,) = read_document(path, "figures.md").sections
    assert "Flow field example" in section.text


def test_a_note_with_body_text_is_read_as_before(tmp_path):
    path = tmp_path / "note.md"
    path.write_text("# Title\n\n## Empty\n\n## Methods\n\nWe warp frames.\n", encoding="utf-8")
    (section,) = read_document(path, "note.md").sections
    assert section.text == "We warp frames." and section.heading_path == ("Title", "Methods")


def test_an_outline_note_is_built_and_searchable(tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    (library / "plan.md").write_text(OUTLINE, encoding="utf-8")
    embedder = FakeEmbedder()
    lib = Library(library)
    report = lib.build(lib.plan(embedder.name), embedder)
    assert report.chunks_total >= 1
    assert "plan.md" in set(lib.load().chunks["path"])
