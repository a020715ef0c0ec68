"""The page's recent searches (library/recent_searches.py): bounded, newest first, kept by a
rebuild, a damaged file read as an empty list with a message, never a secret."""

import json

import pytest

from library import Library, RecentSearch, RecentSearches, RecentSearchesError
from library.recent_searches import MAX_FILE_BYTES, RECENT_FILE, worth_keeping


def test_newest_first_bounded_and_a_repeat_moves_up(tmp_path):
    store = RecentSearches(tmp_path, limit=5)
    for number in range(8):
        store.add(RecentSearch(f"query {number}"))
    assert [s.query for s in store.load()[0]] == ["query 7", "query 6", "query 5", "query 4", "query 3"]
    store.add(RecentSearch("query 4 "))  # the same search again (spaces aside): one entry, now first
    store.add(RecentSearch("query 4", mode="lexical"))  # another ranking is another search
    searches, problem = store.load()
    assert problem is None
    assert [(s.query, s.mode) for s in searches] == [("query 4", "lexical"), ("query 4 ", "hybrid"), ("query 7", "hybrid"),
                                                     ("query 6", "hybrid"), ("query 5", "hybrid")]
    assert all(s.at for s in searches)


def test_a_scope_is_kept_with_its_label_and_is_part_of_the_search(tmp_path):
    store = RecentSearches(tmp_path)
    store.add(RecentSearch("对齐", paper="arxiv-1703.06211", scope_label="paper: Deformable Convolutional Networks"))
    store.add(RecentSearch("对齐"))
    searches, _ = store.load()
    assert [(s.paper, s.scope_label) for s in searches] == [
        (None, None), ("arxiv-1703.06211", "paper: Deformable Convolutional Networks")]
    text = (tmp_path / RECENT_FILE).read_text(encoding="utf-8")
    assert "对齐" in text and json.loads(text)["version"] == 1  # plain, readable JSON


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00", b'{"searches": [{"query": 3}]}', b"[1, 2]",
                                     b'{"searches": [{"query": "x", "mode": {"a": 1}}]}', b"x" * (MAX_FILE_BYTES + 1)])
def test_a_damaged_file_reads_as_an_empty_list_with_a_message_and_starts_afresh(tmp_path, content):
    (tmp_path / RECENT_FILE).write_bytes(content)
    store = RecentSearches(tmp_path)
    searches, problem = store.load()
    assert searches == [] and "damaged" in problem and RECENT_FILE in problem
    store.add(RecentSearch("after the damage"))
    assert [s.query for s in store.load()[0]] == ["after the damage"] and store.load()[1] is None


@pytest.mark.parametrize("query", [
    "password: hunter2", "my api_key=abc", "token = 123", "sk-abcdefghijklmnopqrstuvwx", "ghp_0123456789abcdefghijABCDEFGHIJ",
    "AKIAIOSFODNN7EXAMPLE", "a8F3kq9ZxL0pW2mN7vB4cR6tY1uI5oE3", "   ", "x" * 301,
])
def test_secrets_blank_and_pasted_texts_are_not_kept(tmp_path, query):
    assert not worth_keeping(query)
    store = RecentSearches(tmp_path)
    store.add(RecentSearch(query))
    assert store.load() == ([], None) and not (tmp_path / RECENT_FILE).exists()


@pytest.mark.parametrize("query", ["token merging for ViT", "扩散模型 去噪", "arXiv 2207.08494", "BasicVSR++ alignment",
                                   "password-free authentication survey"])
def test_ordinary_queries_are_kept(query):
    assert worth_keeping(query)


def test_a_folder_it_cannot_write_is_said(tmp_path):
    not_a_folder = tmp_path / "index"
    not_a_folder.write_text("a file where the index folder should be", encoding="utf-8")
    with pytest.raises(RecentSearchesError, match="cannot be saved"):
        RecentSearches(not_a_folder).add(RecentSearch("deformable"))
    assert not_a_folder.read_text(encoding="utf-8") == "a file where the index folder should be"


def test_the_list_survives_a_rebuild(small_library, fake_embedder):
    lib = Library(small_library)
    lib.build(lib.plan(fake_embedder.name), fake_embedder)
    lib.recent_searches.add(RecentSearch("deformable offsets", folder="notes", scope_label="folder: notes"))
    (small_library / "notes" / "new.md").write_text("# New\n\nA new note on optical flow.\n", encoding="utf-8")
    report = lib.update(fake_embedder.name, load_embedder=lambda _name: fake_embedder)
    assert report.wrote_index
    assert [(s.query, s.folder) for s in Library(small_library).recent_searches.load()[0]] == [("deformable offsets", "notes")]
