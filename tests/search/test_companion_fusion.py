"""When the second encoder's ranking (index/companion.py) is weighed: Chinese and mixed queries
always, English queries only in a library that holds Chinese passages (search/fusion.py
companion_latin, search/searcher.py). Fake encoders: this checks the wiring, not the ranking
(tests/search/test_cross_lingual.py ranks with the real models)."""

from __future__ import annotations

import pytest

from embed import registry
from library import Library
from search import FusionSettings
from tests.support.fakes import FakeEmbedder

MAIN, SECOND = "fake-main-64", "fake-second-32"


@pytest.fixture
def encoders():
    main, second = FakeEmbedder(MAIN, 64), FakeEmbedder(SECOND, 32)
    registry.register(MAIN, lambda _name: main, companion=SECOND)
    registry.register(SECOND, lambda _name: second)
    yield {MAIN: main, SECOND: second}
    registry.unregister(MAIN)
    registry.unregister(SECOND)


def searcher_of(library, index, encoders):
    lib = Library(library, index)
    lib.update(MAIN, load_embedder=encoders.__getitem__)
    encoders[SECOND].queries.clear()  # the build embedded its language-direction probes
    loads = []

    def load(name):
        loads.append(name)
        return encoders[name]

    searcher = lib.searcher(load=load)
    loads.remove(MAIN)
    return searcher, loads


def test_english_queries_weigh_a_little_of_the_companion_and_only_with_it():
    settings = FusionSettings()
    with_second = settings.for_language("latin", companion=True)
    assert (with_second.dense_weight, with_second.companion_weight) == settings.companion_latin == (0.4, 0.05)
    alone = settings.for_language("latin", companion=False)
    assert (alone.dense_weight, alone.companion_weight) == (0.5, 0.0)


def test_an_english_query_in_a_library_with_chinese_notes_is_ranked_by_the_companion_too(small_library, tmp_path, encoders):
    searcher, loads = searcher_of(small_library, tmp_path / "index", encoders)
    assert searcher.index.manifest.companion_model == SECOND
    searcher.search("deformable convolution offsets", k=5)
    assert loads.count(SECOND) == 1 and encoders[SECOND].queries == ["deformable convolution offsets"]
    searcher.search("扩散模型 去噪", k=5)
    assert loads.count(SECOND) == 1 and encoders[SECOND].queries[-1] == "扩散模型 去噪"  # loaded once


def test_an_english_library_never_loads_the_companion_for_english_queries(small_library, tmp_path, encoders):
    (small_library / "notes" / "扩散模型.md").unlink()
    searcher, loads = searcher_of(small_library, tmp_path / "index", encoders)
    assert searcher.index.manifest.companion_model == SECOND  # the index keeps it all the same
    response = searcher.search("deformable convolution offsets", k=5)
    assert loads == [] and encoders[SECOND].queries == []
    dense = searcher.dense_ranking("deformable convolution offsets", 400)
    lexical = searcher.lexical_ranking("deformable convolution offsets", 400)
    expected = searcher.weigh(searcher.fuse("deformable convolution offsets", dense, lexical))
    assert [hit.chunk_id for hit in response.hits] == [
        searcher.passages.column("chunk_id")[row].as_py() for row, _ in expected[:5]]
    searcher.search("扩散模型 去噪", k=5)  # a Chinese query still weighs it
    assert loads == [SECOND]


@pytest.mark.parametrize("query", ["deformable convolution offsets", "扩散模型 去噪"])
def test_the_companion_ranked_on_the_worker_thread_is_the_one_fused(small_library, tmp_path, encoders, query):
    searcher, _ = searcher_of(small_library, tmp_path / "index", encoders)
    response = searcher.search(query, k=5)
    second = searcher.companion_ranker().rank_text(query, 400, [])
    fused = searcher.fuse(query, searcher.dense_ranking(query, 400), searcher.lexical_ranking(query, 400), companion=second)
    expected = searcher.weigh(fused)
    assert [hit.chunk_id for hit in response.hits] == [
        searcher.passages.column("chunk_id")[row].as_py() for row, _ in expected[:5]]
    without = searcher.weigh(searcher.fuse(query, searcher.dense_ranking(query, 400), searcher.lexical_ranking(query, 400)))
    assert [score for _, score in expected[:5]] != [score for _, score in without[:5]]  # the companion changed the fusion


def test_a_chinese_query_weighs_bm25_over_its_dictionary_english_and_others_do_not(small_library, tmp_path, encoders):
    searcher, _ = searcher_of(small_library, tmp_path / "index", encoders)
    query = "特征对齐"  # CC-CEDICT: characteristic ... align: BM25 meets the English note's "aligns"
    ranking = searcher.glossed_ranking(query, 400)
    paths = searcher.passages.column("path").to_pylist()
    assert ranking and {paths[row] for row, _ in ranking} == {"notes/alignment.md"}
    response = searcher.search(query, k=5)
    dense, lexical = searcher.dense_ranking(query, 400), searcher.expanded_lexical_ranking(query, 400)
    # BM25's own ranking is expanded by the same English: the English note matches it too
    assert {paths[row] for row, _ in lexical} - {paths[row] for row, _ in searcher.lexical_ranking(query, 400)} == {
        "notes/alignment.md"}
    second = searcher.companion_ranker().rank_text(query, 400, [])
    expected = searcher.weigh(searcher.fuse(query, dense, lexical, companion=second, glossed=ranking))
    assert [hit.chunk_id for hit in response.hits] == [
        searcher.passages.column("chunk_id")[row].as_py() for row, _ in expected[:5]]
    # without the dictionary (its ranking, and BM25 of the bigrams alone) the fusion differs
    plain = searcher.lexical_ranking(query, 400)
    without = searcher.weigh(searcher.fuse(query, dense, plain, companion=second))
    assert [score for _, score in expected[:5]] != [score for _, score in without[:5]]
    for other in ("特征对齐 alignment", "feature alignment"):  # mixed and English queries: no dictionary
        assert searcher.glossed_ranking(other, 400) is None
        assert searcher.expanded_lexical_ranking(other, 400) == searcher.lexical_ranking(other, 400)
