"""A fused ranking weighed by what else it knows (search/evidence.py), and the fusion weight by
the query's language (search/fusion.py, search/script.py)."""

from __future__ import annotations

import numpy as np

from search import EvidenceSettings, FusionSettings, query_language, weigh

NONE = EvidenceSettings(reference_weight=1.0, file_gain=0.0)


def test_without_weights_the_ranking_is_unchanged():
    ranked = [(7, 0.9), (3, 0.8), (5, 0.4)]
    assert weigh(ranked, ["a", "b", "a"], np.zeros(3, bool), NONE) == ranked


def test_a_reference_passage_drops_below_the_papers_own_text():
    ranked = [(1, 0.9), (2, 0.7)]
    weighed = weigh(ranked, ["citing.pdf", "cited.pdf"], np.array([True, False]),
                    EvidenceSettings(reference_weight=0.5, file_gain=0.0))
    assert [row for row, _ in weighed] == [2, 1] and weighed[1][1] == 0.45


def test_a_file_with_several_strong_passages_overtakes_one_strong_passage():
    ranked = [(1, 1.0), (2, 0.95), (3, 0.9), (4, 0.85)]
    paths = ["once.md", "paper.pdf", "paper.pdf", "paper.pdf"]
    weighed = weigh(ranked, paths, np.zeros(4, bool), EvidenceSettings(reference_weight=1.0, file_gain=0.2, file_decay=0.5))
    assert weighed[0][0] == 2  # 0.95 + 0.2 * (0.9 + 0.5 * 0.85)
    assert np.isclose(weighed[0][1], 0.95 + 0.2 * (0.9 + 0.425))
    assert [row for row, _ in weighed if paths[row - 1] == "paper.pdf"] == [2, 3, 4]  # order within a file kept


def test_weak_passages_are_not_evidence():
    ranked = [(1, 1.0), (2, 0.9), (3, 0.2), (4, 0.2), (5, 0.2)]
    paths = ["a.md", "b.pdf", "b.pdf", "b.pdf", "b.pdf"]
    weighed = weigh(ranked, paths, np.zeros(5, bool), EvidenceSettings(reference_weight=1.0, file_gain=0.5, file_near=0.5))
    assert weighed[0] == (1, 1.0)


def test_query_language_and_its_fusion_weight():
    assert query_language("deformable attention") == "latin"
    assert query_language("非对齐特征融合") == "cjk"
    assert query_language("RVRT 的循环结构") == "mixed"
    assert query_language("2203.17276") == "latin"
    settings = FusionSettings(dense_weight=0.5, dense_weight_cjk=0.6, dense_weight_mixed=0.55)
    assert [settings.for_language(lang).dense_weight for lang in ("latin", "cjk", "mixed")] == [0.5, 0.6, 0.55]


def test_hybrid_search_weighs_and_the_parts_do_not(small_library, tmp_path, fake_embedder):
    from library import Library
    from search import Searcher

    lib = Library(small_library, tmp_path / "index")
    lib.update(fake_embedder.name, load_embedder=lambda name: fake_embedder)
    plain = Searcher(lib.load(), fake_embedder, evidence=NONE)
    weighed = Searcher(lib.load(), fake_embedder, evidence=EvidenceSettings(reference_weight=1.0, file_gain=5.0, file_near=0.0))
    query = "video frames alignment"
    assert [h.chunk_id for h in plain.search(query, k=5, mode="dense").hits] == [
        h.chunk_id for h in weighed.search(query, k=5, mode="dense").hits]
    fused = plain.search(query, k=50).hits
    counts = {}
    for hit in fused:
        counts[hit.path] = counts.get(hit.path, 0) + 1
    crowded = max(counts, key=counts.get)
    assert weighed.search(query, k=1).hits[0].path == crowded


def test_why_says_a_reference_passage_counts_half():
    from ui.explain import why

    assert why(3, None) == "Found by meaning (embedding rank 3)."
    assert why(3, 7, "references").endswith("It is in the paper's reference list, so it counts half.")


def test_a_stub_passage_counts_less_than_one_that_says_something():
    ranked = [(1, 1.0), (2, 0.9)]
    weighed = weigh(ranked, ["template.md", "real.md"], np.zeros(2, bool),
                    EvidenceSettings(stub_weight=0.85, file_gain=0.0), stubs=np.array([True, False]))
    assert [row for row, _ in weighed] == [2, 1] and weighed[1][1] == 0.85
