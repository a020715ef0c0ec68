""""More like this" (Searcher.similar) and long-text queries (Searcher.search_text), in the
library and on the command line, with the fake embedder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import cli
from library import Library
from search import ResultFilter, Searcher, UnknownItemError, query_windows
from tests.support.fakes import FakeEmbedder, use_fake_models
from tests.support.pdf_factory import write_pdf

OPTICS = "lens aperture focal length refraction prism telescope"
COOKING = "bread dough yeast oven flour knead crust"


@pytest.fixture
def related_library(tmp_path: Path) -> Path:
    """Two optics files, two cooking files, and a paper list whose entry links a PDF."""
    library = tmp_path / "related"
    (library / "notes").mkdir(parents=True)
    (library / "pdfs").mkdir()
    (library / "notes" / "optics.md").write_text(
        f"# Optics notes\n\n## Lenses\n\n{OPTICS} lens focal.\n\n## Prisms\n\nprism refraction spectrum light.\n",
        encoding="utf-8",
    )
    (library / "notes" / "telescopes.md").write_text(
        "# Telescopes\n\n## Mirrors\n\ntelescope lens aperture mirror focal length.\n", encoding="utf-8"
    )
    (library / "notes" / "baking.md").write_text(
        f"# Baking\n\n## Dough\n\n{COOKING}.\n\n## Oven\n\noven heat crust bread.\n", encoding="utf-8"
    )
    (library / "notes" / "pasta.md").write_text("# Pasta\n\nflour dough water knead boil.\n", encoding="utf-8")
    (library / "notes" / "reading-list.md").write_text(
        "# Reading list\n\n## Optics\n\n"
        '- [x] "Lens Design Basics" CVPR, 2021 Jun, **LDB** [pdf](../pdfs/lens-design.pdf)\n'
        "  > aperture focal length lens refraction\n",
        encoding="utf-8",
    )
    write_pdf(
        library / "pdfs" / "lens-design.pdf",
        title="Lens Design Basics",
        pages=[f"Lens Design Basics. {OPTICS}.", "Chapter two: bread dough yeast oven flour knead crust."],
    )
    return library


@pytest.fixture
def searcher(related_library, each_store) -> Searcher:
    embedder = FakeEmbedder()
    lib = Library(related_library)
    lib.build(lib.plan(embedder.name), embedder)
    return lib.searcher(load=lambda _model: embedder)


def paths(response) -> list[str]:
    return list(dict.fromkeys(hit.path for hit in response.hits))


def test_more_like_a_file_leaves_it_out_and_ranks_related_files_first(searcher):
    response = searcher.similar(path="notes/optics.md", k=20)
    found = paths(response)
    assert "notes/optics.md" not in found
    assert set(found[:2]) <= {"notes/telescopes.md", "pdfs/lens-design.pdf", "notes/reading-list.md"}
    assert found.index("notes/telescopes.md") < found.index("notes/baking.md")
    assert [hit.rank for hit in response.hits] == list(range(1, len(response.hits) + 1))
    assert all(hit.dense_rank is not None for hit in response.hits)
    assert response.query == "like notes/optics.md"


def test_more_like_a_passage_leaves_out_only_that_passage(searcher):
    source = searcher.search("bread dough yeast", k=1, mode="lexical").hits[0]
    response = searcher.similar(chunk_id=source.chunk_id, k=30)
    assert source.chunk_id not in {hit.chunk_id for hit in response.hits}
    assert response.hits[0].path in {"notes/pasta.md", "notes/baking.md", "pdfs/lens-design.pdf"}
    assert paths(response).index("notes/pasta.md") < paths(response).index("notes/telescopes.md")


def test_more_like_a_pdf_page_or_a_note_section(searcher):
    page_two = searcher.similar(path="pdfs/lens-design.pdf", page=2, k=30)
    assert all(not (hit.path == "pdfs/lens-design.pdf" and hit.page == 2) for hit in page_two.hits)
    assert page_two.hits[0].path in {"notes/baking.md", "notes/pasta.md"}
    prisms = searcher.similar("notes/optics.md#prisms", k=30)  # a heading, any case
    assert all(hit.heading != "Optics notes > Prisms" for hit in prisms.hits)
    assert any(hit.heading == "Optics notes > Lenses" for hit in prisms.hits)  # the rest of the file may come back
    page_one = searcher.similar("pdfs/lens-design.pdf#page=1", k=30)
    assert page_one.hits and all(hit.page != 1 for hit in page_one.hits if hit.path == "pdfs/lens-design.pdf")


def test_more_like_a_paper_leaves_out_all_its_files_and_entries(searcher):
    paper = searcher.search("Lens Design Basics", k=1, where=ResultFilter(kind="pdf")).hits[0]
    assert paper.paper_id is not None
    response = searcher.similar(paper_id=paper.paper_id, k=30)
    assert all(hit.paper_id != paper.paper_id for hit in response.hits)
    assert "pdfs/lens-design.pdf" not in paths(response)
    assert paths(response)[0] in {"notes/optics.md", "notes/telescopes.md"}


def test_more_like_this_honours_filters(searcher):
    notes_only = searcher.similar(path="notes/optics.md", k=30, where=ResultFilter(kind="note"))
    assert notes_only.hits and all(hit.kind == "note" for hit in notes_only.hits)
    pdfs_only = searcher.similar(path="notes/optics.md", k=30, where=ResultFilter(kind="pdf"))
    assert pdfs_only.hits and {hit.path for hit in pdfs_only.hits} == {"pdfs/lens-design.pdf"}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"path": "notes/nowhere.md"}, "notes/nowhere.md is not in the index"),
        ({"path": "pdfs/lens-design.pdf", "page": 9}, "no indexed text on page 9; pages with text: 1-2"),
        ({"path": "notes/optics.md", "page": 1}, "is a note and has no pages"),
        ({"path": "notes/optics.md", "heading": "Mirrors"}, "no section 'Mirrors'. Its sections: Optics notes > Lenses"),
        ({"paper_id": "no-such-paper"}, "No paper with id 'no-such-paper'"),
        ({"chunk_id": "0123456789abcdef0123"}, "No passage 0123456789abcdef0123"),
    ],
)
def test_unknown_items_are_domain_errors(searcher, item, message):
    with pytest.raises(UnknownItemError, match=message.replace("(", r"\(").replace(")", r"\)")):
        searcher.similar(**item)


def test_exactly_one_item(searcher):
    with pytest.raises(ValueError):
        searcher.similar(path="notes/optics.md", paper_id="x")
    with pytest.raises(ValueError):
        searcher.similar()


def long_text(words: int) -> str:
    vocabulary = (OPTICS + " " + COOKING).split()
    return " ".join(f"{vocabulary[i % len(vocabulary)]}{i}" if i % 7 == 0 else vocabulary[i % len(vocabulary)]
                    for i in range(words))


def test_a_long_text_is_read_in_windows_none_longer_than_the_model_reads_and_nothing_dropped(searcher):
    embedder = searcher.embedder
    text = long_text(600) + " 光学 透镜 焦距"  # 600 words + CJK characters: several windows
    windows = query_windows(text, embedder)
    assert len(windows) >= 5
    assert max(embedder.count_tokens(windows)) <= embedder.max_tokens
    tokens = [text[s:e] for s, e in embedder.token_spans(text)]
    assert [text_ for w in windows for text_ in (w[s:e] for s, e in embedder.token_spans(w))] == tokens
    embedder.queries.clear()
    response = searcher.search(text, k=5)
    assert len(embedder.queries) == len(windows) and embedder.queries == windows
    assert all(count <= embedder.max_tokens for count in embedder.count_tokens(embedder.queries))
    assert response.hits and any("read in" in notice and "parts" in notice for notice in response.notices)
    assert not any("only the first" in notice for notice in response.notices)


def test_windows_are_averaged_as_unit_vectors(searcher):
    embedder = searcher.embedder
    text = long_text(300)
    windows = query_windows(text, embedder)
    vectors = np.stack([embedder.embed_query(w) for w in windows])
    expected = vectors.mean(axis=0) / np.linalg.norm(vectors.mean(axis=0))
    ranked = searcher.dense_ranking_for(expected, 5)
    response = searcher.search(text, k=5, mode="dense")
    assert [hit.dense_rank for hit in response.hits] == [1, 2, 3, 4, 5]
    assert [hit.score for hit in response.hits] == [round(score, 6) for _, score in ranked]


def test_a_short_text_is_answered_exactly_as_search(searcher):
    assert searcher.search("lens aperture", k=5) == searcher.search("lens aperture", k=5)


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def fakes() -> list[FakeEmbedder]:
    """Every embedder the CLI loaded, in order."""
    return []


@pytest.fixture
def built(related_library, monkeypatch, fakes) -> Path:
    def load(name: str) -> FakeEmbedder:
        fakes.append(FakeEmbedder(name=name))
        return fakes[-1]

    use_fake_models(monkeypatch, load)
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    monkeypatch.delenv("PAPERSEARCH_INDEX", raising=False)
    assert run("build", "--library", related_library).exit_code == 0
    return related_library


def run(*args, input=None):
    return CliRunner().invoke(cli.main, [str(a) for a in args], input=input)


def test_cli_like_a_file_page_section_and_paper(built):
    result = run("search", "--like", "notes/optics.md", "--library", built, "--json")
    assert result.exit_code == 0, result.output
    passages = json.loads(result.stdout)
    assert passages and "notes/optics.md" not in {p["path"] for p in passages}
    page = json.loads(run("search", "--like", "pdfs/lens-design.pdf#page=2", "--library", built, "--json").stdout)
    assert page[0]["path"] in {"notes/baking.md", "notes/pasta.md"}
    absolute = run("search", "--like", f"{built / 'notes' / 'optics.md'}#Lenses", "--library", built, "--passages")
    assert absolute.exit_code == 0 and "notes/optics.md  [Prisms" in absolute.output
    paper_id = next(p["paper_id"] for p in passages if p["path"] == "pdfs/lens-design.pdf")
    paper = json.loads(run("search", "--like-paper", paper_id, "--library", built, "--json").stdout)
    assert paper and all(p["paper_id"] != paper_id for p in paper)
    human = run("search", "--like", "notes/optics.md", "--library", built, "-k", "2")
    assert human.exit_code == 0 and "1. " in human.output


def test_cli_reads_a_long_query_from_a_file_or_stdin(built, fakes, tmp_path):
    text = long_text(500)
    query_file = tmp_path / "abstract.txt"
    query_file.write_text("\ufeff" + text, encoding="utf-8")
    from_file = run("search", "--query-file", query_file, "--library", built, "--json")
    assert from_file.exit_code == 0, from_file.output
    assert "read in" in from_file.stderr
    embedder = fakes[-1]
    assert len(embedder.queries) >= 4 and max(embedder.count_tokens(embedder.queries)) <= embedder.max_tokens
    from_stdin = run("search", "-", "--library", built, "--json", input=text.encode())
    assert from_stdin.exit_code == 0 and json.loads(from_stdin.stdout) == json.loads(from_file.stdout)
    chinese = run("search", "-", "--library", built, "--json", input="透镜 焦距".encode("gbk"))
    assert chinese.exit_code == 0, chinese.output
    notepad = tmp_path / "notepad.txt"  # Windows Notepad's "Unicode": UTF-16 with a BOM
    notepad.write_bytes(text.encode("utf-16"))
    from_notepad = run("search", "--query-file", notepad, "--library", built, "--json")
    assert from_notepad.exit_code == 0 and json.loads(from_notepad.stdout) == json.loads(from_file.stdout)


@pytest.mark.parametrize("option", ["--venue", "--topic"])
def test_an_empty_filter_value_is_refused_with_its_option(built, option):
    result = run("search", "lens", "--library", built, option, " ")
    assert result.exit_code == 2 and option in result.output and "give a name" in result.output


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (("--like", "notes/nowhere.md"), "Error: notes/nowhere.md is not in the index", 1),
        (("--like", "pdfs/lens-design.pdf#page=7"), "Error: pdfs/lens-design.pdf has no indexed text on page 7", 1),
        (("--like", "pdfs/lens-design.pdf#page=two"), "is not a page", 1),
        (("--like", "notes/optics.md#Mirrors"), "Error: notes/optics.md has no section 'Mirrors'", 1),
        (("--like-paper", "nope"), "Error: No paper with id 'nope'", 1),
        (("-",), "Error: The query is empty", 1),
        (("x", "--like", "notes/optics.md"), "Give one of QUERY, --query-file, --like or --like-paper", 2),
        ((), "Give one of QUERY", 2),
        (("--like", "notes/optics.md", "--mode", "lexical"), "rank by meaning only", 2),
    ],
)
def test_cli_errors_are_one_line(built, args, message, code):
    result = run("search", *args, "--library", built, input=b"  \n")
    assert result.exit_code == code, result.output
    assert message in result.output and "Traceback" not in result.output
