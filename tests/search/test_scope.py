"""A search within one paper, one list file, one folder or one tag (search/scope.py)."""

import numpy as np
import pytest

from index.milvus_index import filter_scope
from library import Library
from search import ResultFilter, UnknownItemError
from search.filters import clean_folder, in_folder
from search.scope import WIDE, scope_mask, scope_rows

LIST = "notes/video_restoration_reading_list.md"
DCN = "arxiv-1703.06211"  # Deformable Convolutional Networks: a note of its own and an entry in LIST


@pytest.fixture
def searcher(demo_library_copy, fake_embedder, each_store):
    lib = Library(demo_library_copy)
    lib.build(lib.plan(fake_embedder.name), fake_embedder)
    return lib.searcher(load=lambda _model: fake_embedder)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_each_scope_keeps_only_its_passages(searcher, mode):
    query = "deformable alignment video attention"
    in_list = searcher.search(query, k=20, mode=mode, where=ResultFilter(file=LIST)).hits
    assert in_list and {hit.path for hit in in_list} == {LIST}
    in_pdfs = searcher.search(query, k=20, mode=mode, where=ResultFilter(folder="./pdfs/")).hits
    assert in_pdfs and all(hit.path.startswith("pdfs/") for hit in in_pdfs)
    of_paper = searcher.search(query, k=50, mode=mode, where=ResultFilter(paper=DCN)).hits
    assert of_paper and {hit.paper_id for hit in of_paper} == {DCN}
    # its own note and its entry in the list, but none of the list's other entries
    assert {hit.path for hit in of_paper} == {LIST, "notes/2017_03_ICCV_Deformable-Convolutional-Networks_Note.md"}
    unscoped = searcher.search(query, k=20, mode=mode).hits
    assert {hit.path for hit in unscoped} - {LIST} - {hit.path for hit in in_pdfs}  # the scopes did narrow


def test_a_scope_and_a_filter_combine(searcher):
    hits = searcher.search("video restoration", k=50, where=ResultFilter(file=LIST, year_from=2021)).hits
    assert hits and all(hit.path == LIST and hit.year >= 2021 for hit in hits)


def test_a_tag_scope_follows_the_marks_file(searcher, demo_library_copy):
    lib = Library(demo_library_copy)
    where = ResultFilter(tag="alignment")
    assert not searcher.search("deformable", k=10, where=where).hits  # nobody tagged anything yet
    lib.mark(DCN, add_tags=["Alignment"])
    hits = lib.with_marks(searcher).search("deformable", k=10, where=where).hits
    assert hits and {hit.paper_id for hit in hits} == {DCN}


@pytest.mark.parametrize("where, message", [
    (ResultFilter(paper="arxiv-0000.00000"), "No paper 'arxiv-0000.00000'"),
    (ResultFilter(file="notes/nowhere.md"), "No file 'notes/nowhere.md' is in the index"),
    (ResultFilter(folder="nowhere"), "No indexed file is in the folder 'nowhere'"),
])
def test_a_scope_the_index_has_nothing_of_is_said(searcher, where, message):
    with pytest.raises(UnknownItemError, match=message):
        searcher.search("video", where=where)


def test_ranking_within_rows_is_the_whole_ranking_cut_to_them(demo_library_copy, fake_embedder):
    """The scoped rankings give exactly the order the whole library's ranking gives those rows."""
    lib = Library(demo_library_copy)
    lib.build(lib.plan(fake_embedder.name), fake_embedder)
    searcher = lib.searcher(load=lambda _model: fake_embedder)
    assert searcher.index.ranks_within_rows  # the file store
    total = searcher.index.passages.num_rows
    rows = np.arange(0, total, 3)
    query = "deformable alignment video frames"
    vector = fake_embedder.embed_query(query)
    whole = [(row, score) for row, score in searcher.dense.rank_vector(vector, total) if row % 3 == 0]
    within = searcher.dense.rank_vector(vector, total, rows=rows)
    assert [row for row, _ in within] == [row for row, _ in whole]
    assert np.allclose([s for _, s in within], [s for _, s in whole], atol=1e-5)
    whole = [(row, score) for row, score in searcher.lexical.rank(query, total) if row % 3 == 0]
    within = searcher.lexical.rank(query, 5, rows=rows)
    assert within == whole[:5]


def test_a_wide_scope_ranks_the_whole_library():
    mask = np.zeros(100, dtype=bool)
    mask[: int(100 * WIDE)] = True
    assert list(scope_rows(mask)) == list(range(int(100 * WIDE)))
    mask[: int(100 * WIDE) + 1] = True
    assert scope_rows(mask) is None


def test_scope_mask_takes_the_papers_files_and_their_marks(searcher):
    import pyarrow as pa

    paths = pa.array(["pdfs/a.pdf", "zotero/user/ABCD2345/EFGH6789/a.pdf", "zotero/user/ABCD2345/EFGH6789/annotation-K1", "zotero/user/ABCD2345/EFGH6788/x"])

    class Catalog:  # the one paper whose PDF is a Zotero attachment
        def paper(self, paper_id):
            return type("Record", (), {"paper_id": paper_id, "title": "T"})()

        def files_of_papers(self):
            return {"p": frozenset({"zotero/user/ABCD2345/EFGH6789/a.pdf"})}

    assert scope_mask(paths, ResultFilter(paper="p"), Catalog()).tolist() == [False, True, True, False]


def test_folders_are_cleaned_and_matched_whole():
    assert clean_folder("./notes//lists/") == clean_folder("notes\\lists") == "notes/lists"
    assert ResultFilter(folder="/notes/").folder == "notes"
    assert in_folder("notes/lists/a.md", "notes") and not in_folder("notes2/a.md", "notes")
    assert in_folder("a.md", "") and not in_folder(None, "notes")


def test_milvus_narrows_a_file_or_folder_scope_inside_its_search():
    scope, covered = filter_scope(ResultFilter(file='notes/"x".md', folder="notes", paper="p", tag="t"))
    assert covered == {"file", "folder", "paper"}  # the tag (the marks file's) is checked on the rows
    assert scope.expression == 'path == "notes/\\"x\\".md" and paper_id == "p" and path like "notes/%"'
    assert filter_scope(ResultFilter(folder="my_notes"))[1] == frozenset()  # a LIKE wildcard: checked on the rows
