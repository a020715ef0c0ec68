"""An update matches again only the reference lists the change can reach (papers.CitationMemo):
whatever changed in the catalog (papers added, removed, retitled, redated, given an arXiv id or
DOI) and in the lists, the citations must be those of matching every list afresh."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import papers.citation_links as citation_links
from papers import Catalog, PaperRecord, cite_links

WORDS = ("video deformable alignment recurrent propagation diffusion denoising flow optical warping "
         "transformer attention sparse window restoration burst super resolution").split()


def _paper(paper_id: str, title: str, year: int | None, arxiv: str | None, doi: str | None) -> PaperRecord:
    links = {"paper": (f"https://doi.org/{doi}",)} if doi else {}
    return PaperRecord(paper_id=paper_id, title=title, venue=None, year=year, month=None, arxiv=arxiv, read=None,
                       abbreviation=None, topics=(), annotation=None, links=links, files=(f"pdfs/{paper_id}.pdf",),
                       entries=(), titles=(title,))


def _catalog(papers: list[PaperRecord]) -> Catalog:
    return Catalog(papers=papers, link_counts={}, ambiguous=[], _by_id={p.paper_id: p for p in papers},
                   _by_file={p.files[0]: p.paper_id for p in papers})


def _random_paper(rng: random.Random, number: int) -> PaperRecord:
    title = " ".join(rng.sample(WORDS, rng.randint(2, 6))).capitalize()
    arxiv = f"2{rng.randint(100, 115)}.{rng.randint(10000, 10030)}" if rng.random() < 0.3 else None
    doi = f"10.1000/j.{rng.randint(1, 30)}" if rng.random() < 0.2 else None
    return _paper(f"p{number}", title, rng.choice([None, 2019, 2021, 2023]), arxiv, doi)


def _entry(rng: random.Random, papers: list[PaperRecord], number: int) -> str:
    """A reference entry naming a paper of the catalog (by title, arXiv id or DOI), or words alone."""
    paper = rng.choice(papers)
    kind = rng.random()
    if kind < 0.5:
        named = paper.title
    elif kind < 0.65 and paper.arxiv:
        named = f"arXiv:{paper.arxiv}"
    elif kind < 0.75 and paper.links:
        named = paper.links["paper"][0]
    else:
        named = " ".join(rng.sample(WORDS, rng.randint(2, 7)))
    return f"[{number}] A. Author. {named}. In CVPR, {rng.choice([2018, 2020, 2022, 2024])}."


def _lists(rng: random.Random, papers: list[PaperRecord], pool: list[PaperRecord]) -> dict[str, list[str]]:
    return {paper.files[0]: ["\n".join(_entry(rng, pool, i + 1) for i in range(rng.randint(1, 8)))]
            for paper in papers if rng.random() < 0.8}


def _changed(rng: random.Random, papers: list[PaperRecord], next_id: int) -> list[PaperRecord]:
    changed = [paper for paper in papers if rng.random() > 0.1]  # some removed
    for i, paper in enumerate(changed):
        roll = rng.random()
        if roll < 0.1:  # retitled
            changed[i] = _paper(paper.paper_id, " ".join(rng.sample(WORDS, 3)).capitalize(), paper.year, paper.arxiv,
                                None)
        elif roll < 0.2:  # redated or given an arXiv id
            changed[i] = _paper(paper.paper_id, paper.title, rng.choice([None, 2020]),
                                paper.arxiv or f"2{rng.randint(100, 115)}.{rng.randint(10000, 10030)}", None)
    return changed + [_random_paper(rng, next_id + n) for n in range(rng.randint(0, 4))]  # some added


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_an_update_with_the_memo_cites_what_matching_afresh_cites(seed):
    rng = random.Random(seed)
    before = [_random_paper(rng, n) for n in range(rng.randint(3, 14))]
    lists = _lists(rng, before, before)
    _, memo = cite_links(_catalog(before), lists)
    after = _changed(rng, before, len(before))
    lists = {path: texts for path, texts in lists.items() if rng.random() > 0.2}  # some lists gone or kept
    lists.update({path: texts for path, texts in _lists(rng, after, after).items() if rng.random() < 0.4})
    fresh, fresh_memo = cite_links(_catalog(after), lists)
    remembered, updated_memo = cite_links(_catalog(after), lists, memo)
    assert remembered == fresh
    assert updated_memo.keys == fresh_memo.keys and updated_memo.pdfs.keys() == fresh_memo.pdfs.keys()
    for path, known in fresh_memo.pdfs.items():
        assert updated_memo.pdfs[path].matched == known.matched


def test_only_the_lists_a_change_can_reach_are_matched_again(monkeypatch):
    gan = _paper("gan", "Generative Adversarial Nets", 2014, None, None)
    resnet = _paper("resnet", "Deep Residual Learning for Image Recognition", 2016, "1512.03385", None)
    vit = _paper("vit", "An Image Is Worth 16x16 Words", 2021, None, None)
    lists = {
        "pdfs/resnet.pdf": ["[1] I. Goodfellow. Generative adversarial nets. In NIPS, 2014."],
        "pdfs/vit.pdf": ["[1] K. He. Deep residual learning. arXiv:1512.03385, 2016.\n"
                         "[2] A. Vaswani. Attention is all you need. In NIPS, 2017.\n"
                         "[3] Y. LeCun. Gradient-based learning. 1998.\n"],
    }
    _, memo = cite_links(_catalog([gan, resnet, vit]), lists)
    matched: list[int] = []
    real = citation_links._match_pdf
    monkeypatch.setattr(citation_links, "_match_pdf", lambda *args: matched.append(1) or real(*args))
    # a paper no list's words reach: nothing is matched again
    other = _paper("nerf", "Neural Radiance Fields for View Synthesis", 2020, None, None)
    cites, memo = cite_links(_catalog([gan, resnet, vit, other]), lists, memo)
    assert matched == [] and cites == {"resnet": {"gan"}, "vit": {"resnet"}}
    # a paper whose title words one list holds: that list alone
    attention = _paper("transformer", "Attention Is All You Need", 2017, None, None)
    cites, memo = cite_links(_catalog([gan, resnet, vit, attention]), lists, memo)
    assert len(matched) == 1 and cites == {"resnet": {"gan"}, "vit": {"resnet", "transformer"}}
    # the arXiv id a list names goes: that list alone
    matched.clear()
    resnet_without_id = _paper("resnet", resnet.title, 2016, None, None)
    cites, _ = cite_links(_catalog([gan, resnet_without_id, vit, attention]), lists, memo)
    assert len(matched) == 1 and cites == {"resnet": {"gan"}, "vit": {"transformer"}}


def test_word_hashes_are_sorted_unique_and_stable():
    hashes = citation_links.word_hashes(["video", "flow", "video", "视频"])
    assert hashes.dtype == np.uint32 and len(hashes) == 3 and np.all(np.diff(hashes.astype(np.int64)) > 0)
    assert np.array_equal(hashes, citation_links.word_hashes(["视频", "flow", "video"]))
