from pathlib import Path

import pytest

from corpus import ChunkSettings, Document, Section, chunk_document, discover_files, read_document
from tests.support.fakes import FakeEmbedder
from tests.support.paths import shared_path


def note(text: str, heading=("Paper", "methods"), title="Paper", start_line=10) -> Document:
    return Document(path="n.md", kind="note", title=title, sections=(Section(text, heading_path=heading, start_line=start_line),))


def test_chunks_respect_the_token_budget_and_overlap():
    tokenizer = FakeEmbedder(max_tokens=126)
    lines = [f"line {i} talks about alignment number {i}" for i in range(60)]
    chunks = chunk_document(note("\n".join(lines)), tokenizer, ChunkSettings(chunk_tokens=64, overlap_tokens=10))
    assert len(chunks) > 5
    counts = tokenizer.count_tokens([c.embed_text for c in chunks])
    assert max(counts) <= 64
    for before, after in zip(chunks, chunks[1:]):
        assert before.text.splitlines()[-1] == after.text.splitlines()[0]  # one shared line


def test_chunk_never_exceeds_model_limit_even_if_settings_ask_for_more():
    tokenizer = FakeEmbedder(max_tokens=40)
    chunks = chunk_document(note("word " * 500), tokenizer, ChunkSettings(chunk_tokens=512, overlap_tokens=0))
    assert max(tokenizer.count_tokens([c.embed_text for c in chunks])) <= 40


def test_chinese_without_spaces_is_split_by_tokens_not_words():
    tokenizer = FakeEmbedder(max_tokens=126)
    text = "视频修复需要对齐相邻帧的特征" * 40  # 560 characters, no spaces, one line
    chunks = chunk_document(note(text), tokenizer, ChunkSettings(chunk_tokens=64, overlap_tokens=0))
    assert len(chunks) >= 9
    assert "".join(c.text for c in chunks) == text


def test_shown_text_is_original_and_embedded_text_is_clean_with_context():
    text = "see [code](https://github.com/x/y) and ![fig](docs/f.png)\n> **RVRT** uses clips"
    (chunk,) = chunk_document(note(text), FakeEmbedder(), ChunkSettings())
    assert chunk.text == text
    assert chunk.embed_text == "Paper > methods\nsee code and\nRVRT uses clips"
    assert chunk.heading == "Paper > methods" and chunk.start_line == 10
    assert chunk.links == ("https://github.com/x/y",)


def test_start_line_points_at_the_chunk_first_line():
    text = "\n".join(f"sentence number {i} with several words in it" for i in range(40))
    chunks = chunk_document(note(text, start_line=5), FakeEmbedder(), ChunkSettings(chunk_tokens=40, overlap_tokens=0))
    for chunk in chunks:
        first_line = chunk.text.splitlines()[0]
        assert text.splitlines()[chunk.start_line - 5] == first_line


def test_pdf_pages_split_at_sentences_and_keep_page():
    sentences = " ".join(f"Sentence {i} explains one more detail of the method." for i in range(30))
    document = Document("p.pdf", "pdf", "A Paper", (Section(sentences, page=7),))
    chunks = chunk_document(document, FakeEmbedder(), ChunkSettings(chunk_tokens=48, overlap_tokens=0))
    assert len(chunks) > 3 and all(c.page == 7 for c in chunks)
    assert all(c.text.startswith("Sentence") and c.text.endswith(".") for c in chunks)


def test_chunk_ids_are_stable_and_content_derived():
    settings = ChunkSettings(chunk_tokens=40, overlap_tokens=5)
    text = "\n".join(f"line {i} of the note" for i in range(30))
    first = [c.chunk_id for c in chunk_document(note(text), FakeEmbedder(), settings)]
    again = [c.chunk_id for c in chunk_document(note(text), FakeEmbedder(), settings)]
    edited = [c.chunk_id for c in chunk_document(note(text.replace("line 29", "LINE 29")), FakeEmbedder(), settings)]
    assert first == again and len(set(first)) == len(first)
    assert first[0] == edited[0] and first[-1] != edited[-1]


def test_invalid_settings_are_refused():
    with pytest.raises(ValueError):
        ChunkSettings(chunk_tokens=100, overlap_tokens=60)


def test_discovery_skips_hidden_and_index_folders_and_survives_symlink_loops(tmp_path: Path):
    (tmp_path / "notes" / "deep").mkdir(parents=True)
    (tmp_path / "notes" / "a.md").write_text("a")
    (tmp_path / "notes" / "deep" / "b.markdown").write_text("b")
    (tmp_path / "paper.PDF").write_bytes(b"%PDF")
    (tmp_path / "skip.docx").write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.md").write_text("c")
    (tmp_path / "myindex").mkdir()
    (tmp_path / "myindex" / "d.txt").write_text("d")
    (tmp_path / "notes" / "deep" / "loop").symlink_to(tmp_path / "notes")
    found = discover_files(tmp_path, exclude=(tmp_path / "myindex",))
    assert list(found) == ["notes/a.md", "notes/deep/b.markdown", "paper.PDF"]


@pytest.mark.slow
def test_real_tokenizer_keeps_every_shared_note_chunk_within_the_model_limit():
    from embed import SentenceTransformerEmbedder

    notes = shared_path("notes")
    embedder = SentenceTransformerEmbedder()
    settings = ChunkSettings(chunk_tokens=512, overlap_tokens=32)  # asks for more than the model takes
    chunks = []
    for relative, path in discover_files(notes).items():
        chunks += chunk_document(read_document(path, relative), embedder, settings)
    counts = embedder.count_tokens([c.embed_text for c in chunks])
    assert len(chunks) > 500
    assert max(counts) <= embedder.max_tokens


def test_a_note_passage_with_almost_no_body_is_a_stub(tmp_path):
    from corpus import BODY, STUB, read_document

    note = tmp_path / "template.md"
    note.write_text("# Some paper\n\n## Summary\n\n> learn what\n\n## Method\n\n" + "Deformable offsets align each "
                    "frame to its neighbours before the features are fused, which removes the need for flow. " * 3,
                    encoding="utf-8")
    chunks = chunk_document(read_document(note, "template.md"), FakeEmbedder(), ChunkSettings())
    roles = {chunk.heading.split(" > ")[-1]: chunk.role for chunk in chunks}
    assert roles == {"Summary": STUB, "Method": BODY}
