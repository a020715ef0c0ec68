import csv
import io

import pytest

from export import hits_to_csv
from library import Library, model_for_search
from index import ModelMismatchError
from search import EmptyQueryError, Searcher
from tests.support.fakes import FakeEmbedder


@pytest.fixture
def searcher(small_library, fake_embedder, each_store) -> Searcher:
    lib = Library(small_library)
    lib.build(lib.plan(fake_embedder.name), fake_embedder)
    return lib.searcher(load=lambda _model: fake_embedder)


def test_ranked_passages_point_to_their_source(searcher):
    response = searcher.search("misaligned neighbouring frames deformable offsets", k=3)
    top = response.hits[0]
    assert (top.rank, top.path, top.kind) == (1, "notes/alignment.md", "note")
    assert top.heading == "Feature alignment > Deformable convolution" and top.start_line == 5
    assert [h.rank for h in response.hits] == [1, 2, 3]
    assert [h.score for h in response.hits] == sorted((h.score for h in response.hits), reverse=True)


def test_chinese_query_finds_chinese_note_and_pdf_hits_carry_pages(searcher):
    assert searcher.search("高斯噪声 去噪", k=1).hits[0].path == "notes/扩散模型.md"
    pdf_hit = searcher.search("multi-head attention parallel", k=1).hits[0]
    assert pdf_hit.path == "pdfs/transformers.pdf" and pdf_hit.page == 2 and pdf_hit.heading is None


def test_grouped_view_gives_one_result_per_file(searcher):
    documents = searcher.search("alignment frames noise attention", k=50).by_document(limit=10, passages_per_document=1)
    paths = [d.path for d in documents]
    assert len(paths) == len(set(paths)) == 3
    assert all(len(d.hits) == 1 and d.score == d.hits[0].score for d in documents)


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_queries_are_refused(searcher, query):
    with pytest.raises(EmptyQueryError, match="query is empty"):
        searcher.search(query)


def test_very_long_query_is_answered_with_a_notice(searcher):
    response = searcher.search("alignment " * 2000)  # 20,000 characters: read in windows
    assert response.hits and response.hits[0].path == "notes/alignment.md"
    assert any("read in" in notice and "parts" in notice for notice in response.notices)


@pytest.mark.usefixtures("each_store")
def test_query_model_must_match_index_model(small_library, fake_embedder):
    lib = Library(small_library)
    lib.build(lib.plan(fake_embedder.name), fake_embedder)
    with pytest.raises(ModelMismatchError, match="built with model 'fake-hash-64'"):
        lib.searcher(load=lambda _model: FakeEmbedder(name="other-model"))
    with pytest.raises(ModelMismatchError, match="'other-model' was requested"):
        model_for_search("other-model", lib.manifest())
    assert model_for_search(None, lib.manifest()) == "fake-hash-64"


def test_csv_has_bom_fixed_columns_and_round_trips_chinese(searcher):
    hits = searcher.search("高斯噪声", k=5).hits
    data = hits_to_csv(hits)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == ["rank", "score", "kind", "title", "path", "page", "start_line", "heading", "text",
                            "paper_id", "paper_title", "venue", "year", "arxiv", "url", "read"]
    assert [row["path"] for row in rows] == [h.path for h in hits]
    assert rows[0]["text"] == hits[0].text and "噪声" in data.decode("utf-8-sig")



def test_the_topic_choices_are_headings_not_paper_titles(demo):
    """A per-paper note's title heading names its paper; the Topic list keeps the lists' sections."""
    from search import facet_values

    catalog = Library(demo).load().catalog
    topics = facet_values(catalog)["topics"]
    assert "EDVR: Video Restoration with Enhanced Deformable Convolutional Networks" in {
        t[-1] for p in catalog.papers for t in p.topics}  # the EDVR note's own title heading
    assert "Video Restoration" in topics and not {paper.title for paper in catalog.papers} & set(topics)
