"""Reference entries are matched to catalog papers (papers/citations.py) for precision: ids first,
then a whole title between punctuation; and the catalog carries cites / cited_by
(papers/citation_links.py)."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from papers import CITATIONS_VERSION, Catalog, CitationMatcher, PaperRecord, with_citations
from papers.citations import _normalise_ascii, _normalise_chars, hyphen_split_words, normalise_words
from tests.support.paths import shared_path


def _paper(paper_id: str, title: str, arxiv: str | None = None, doi: str | None = None, files=()) -> PaperRecord:
    links = {"paper": (f"https://doi.org/{doi}",)} if doi else {}
    return PaperRecord(paper_id=paper_id, title=title, venue=None, year=None, month=None, arxiv=arxiv, read=None,
                       abbreviation=None, topics=(), annotation=None, links=links, files=tuple(files), entries=(),
                       titles=(title,))


PAPERS = [
    _paper("gan", "Generative Adversarial Nets"),
    _paper("resnet", "Deep Residual Learning for Image Recognition", arxiv="1512.03385"),
    _paper("cyclegan", "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks"),
    _paper("doi-paper", "Some Journal Study of Things", doi="10.1109/TIP.2003.819861"),
    _paper("mixup", "Mixup"),
    _paper("zh", "基于卷积神经网络的图像分割方法研究"),
]
MATCHER = CitationMatcher(PAPERS)


def _matched(entry: str) -> str | None:
    found = MATCHER.match(entry)
    return found.paper_id if found else None


def test_an_arxiv_id_or_doi_in_the_entry_names_the_paper():
    assert _matched("K. He et al. Some other spelling. arXiv preprint arXiv:1512.03385, 2015.") == "resnet"
    assert MATCHER.match("Z. Wang. Image quality. IEEE TIP, 2004. doi:10.1109/tip.2003.819861.").method == "doi"


def test_a_whole_title_between_punctuation_names_the_paper():
    assert _matched("I. Goodfellow, J. Pouget-Abadie. Generative adversarial nets. In NIPS, 2014.") == "gan"
    assert _matched('I. Goodfellow, "Generative adversarial nets," in Proc. NIPS, 2014.') == "gan"
    assert _matched("Goodfellow, I.: Generative adversarial nets. In: NIPS (2014)") == "gan"
    # hyphens and a word broken at a line end do not matter
    assert _matched("J. Zhu. Unpaired image-to-image translation using cycle-consistent adver-\nsarial "
                    "networks. In ICCV, 2017.") == "cyclegan"
    assert _matched("张三. 基于卷积神经网络的图像分割方法研究[D]. 某大学, 2020.") == "zh"


def test_a_title_inside_a_longer_title_is_not_the_paper():
    assert _matched("M. Mirza. Conditional generative adversarial nets. arXiv, 2014.") is None
    assert _matched("A. Creswell. Generative adversarial nets: an overview. IEEE SPM, 2018.") is None
    assert _matched("H. Zhang. Mixup: beyond empirical risk minimization. In ICLR, 2018.") is None  # one word: too little
    assert _matched("A. B. Deep residual learning for image recognition with attention. 2020.") is None
    assert _matched("Unrelated entry about radio astronomy, 2019.") is None


def test_a_typo_in_a_long_title_still_matches_but_not_a_different_word():
    assert _matched("J. Zhu. Unpaired image-to-image translaton using cycle-consistent adversarial networks. "
                    "ICCV 2017.") == "cyclegan"
    assert _matched("J. Zhu. Paired image-to-image translation using cycle-consistent adversarial networks "
                    "and more words that make it another paper entirely. 2017.") is None


def test_two_papers_with_the_same_title_are_not_guessed():
    twins = CitationMatcher([_paper("a", "Video Restoration Transformer"), _paper("b", "Video Restoration Transformer")])
    assert twins.match("J. Liang. Video restoration transformer. arXiv, 2022.") is None


def test_the_catalog_carries_cites_and_cited_by_and_no_self_citation():
    papers = [_paper("gan", "Generative Adversarial Nets", files=("pdfs/gan.pdf",)),
              _paper("resnet", "Deep Residual Learning for Image Recognition", files=("pdfs/resnet.pdf",))]
    catalog = Catalog(papers=papers, link_counts={}, ambiguous=[], _by_id={p.paper_id: p for p in papers},
                      _by_file={"pdfs/gan.pdf": "gan", "pdfs/resnet.pdf": "resnet"})
    references = {
        "pdfs/resnet.pdf": ["[1] I. Goodfellow. Generative adversarial nets. In NIPS, 2014.\n"
                            "[2] K. He. Deep residual learning for image recognition. In CVPR, 2016.\n"
                            "[3] Y. LeCun. Gradient-based learning. 1998.\n"],
    }
    linked, _ = with_citations(catalog, references)
    assert linked.paper("resnet").cites == ("gan",) and linked.paper("gan").cited_by == ("resnet",)
    assert linked.paper("gan").cites == () and linked.citations_version == CITATIONS_VERSION
    again = Catalog.from_dict(linked.to_dict())
    assert again.paper("gan").cited_by == ("resnet",) and again.citations_version == CITATIONS_VERSION


def test_a_reused_title_years_later_or_as_a_subtitle_is_another_work():
    dated = CitationMatcher([PaperRecord(**{**PAPERS[0].__dict__, "year": 2014})])
    assert dated.match("I. Goodfellow et al. Generative adversarial nets. Communications of the ACM, 63(11), 2020.") is None
    assert dated.match("I. Goodfellow et al. Generative adversarial nets. In NIPS, 2014.").paper_id == "gan"
    assert dated.match("I. Goodfellow. NIPS 2016 tutorial: Generative adversarial nets. arXiv, 2016.") is None
    assert dated.match("Goodfellow, I., Bengio, Y.: Generative adversarial nets. In: NIPS (2014)").paper_id == "gan"


def test_spacing_hyphens_and_stray_accents_do_not_matter():
    matcher = CitationMatcher([_paper("clip", "StyleCLIP Text Driven Manipulation of StyleGAN Imagery"),
                               _paper("ldm", "High-Resolution Image Synthesis with Latent Diffusion Models")])
    assert matcher.match("O. Patashnik. Styleclip: Text-driven manipulation of stylegan imagery. In ICCV, 2021.").paper_id == "clip"
    assert matcher.match("R. Rombach. High- \u0308 resolution image synthesis with latent diffusion models. CVPR 2022.").paper_id == "ldm"
    assert matcher.match("A. B. Learned high-resolution image synthesis with latent diffusion models. 2022.") is None


# normalise_words takes an ASCII text a word at a time (_normalise_ascii) and any other a character
# at a time (_normalise_chars): on ASCII text the two must give the same words and offsets.
_ASCII_TEXT = st.lists(st.sampled_from(list("abZ09 -`^.,;:()[]'\"\t\n\x1c/&") + ["Self", "net", "--"]),
                       max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(_ASCII_TEXT)
def test_ascii_text_normalises_as_it_does_a_character_at_a_time(text):
    assert _normalise_ascii(text) == _normalise_chars(text)
    assert hyphen_split_words(text) == set(_normalise_chars(re.sub("-", " ", text))[0].split())


def test_real_ascii_text_normalises_as_it_does_a_character_at_a_time():
    """SciFact's abstracts (hyphens, ranges, punctuation of real writing) and the shared notes' lines."""
    lines = []
    with shared_path("scifact", "corpus.jsonl").open(encoding="utf-8") as corpus:
        for number, line in enumerate(corpus):
            if number == 2000:
                break
            lines.append(json.loads(line)["text"])
    for note in sorted(shared_path("notes").rglob("*.md")):
        lines += note.read_text(encoding="utf-8", errors="replace").splitlines()
    ascii_lines = [line for line in lines if line.isascii()]
    assert len(ascii_lines) > 2000 and sum("-" in line for line in ascii_lines) > 500
    for line in ascii_lines:
        assert _normalise_ascii(line) == _normalise_chars(line), line
        assert hyphen_split_words(line) == set(_normalise_chars(re.sub("-", " ", line))[0].split()), line
    assert normalise_words("Self-  Supervised   Learn- ^ing, at 10-20 Hz")[0] == "selfsupervised learning at 1020 hz"
