"""The paper catalog (papers/) and PDF paper info (papers/pdf_info.py, papers/pdf_title.py).

Unit tests build small libraries by hand: note texts plus fake PdfPaperInfo. The integration
test runs over ../shared/data/notes + ../shared/data/pdfs and checks links verified by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from corpus import Document, HeadLine, PdfHead, Section, read_document, read_pdf_head
from papers import (
    FUZZY_THRESHOLD,
    Catalog,
    PdfPaperInfo,
    build_catalog,
    health,
    pdf_paper_info,
    title_from_pdf_filename,
    title_match_score,
)
from tests.support.paths import shared_path


def pdf(title=None, arxiv=None, year=None, source="first_page") -> PdfPaperInfo:
    return PdfPaperInfo(title=title, arxiv_id=arxiv, year=year, title_source=source if title else None)


def same_paper(catalog: Catalog, a: str, b: str) -> bool:
    ra, rb = _record(catalog, a), _record(catalog, b)
    return ra is not None and rb is not None and ra.paper_id == rb.paper_id


def _record(catalog: Catalog, key: str):
    if catalog.paper_for_file(key) is not None:
        return catalog.paper_for_file(key)
    path, _, line = key.rpartition(":")
    return catalog.paper_for_line(path, int(line)) if line.isdigit() else None


DDPM_NOTE = "notes/2020_06_NIPS_Denoising-Diffusion-Probabilistic-Models_Note.md"
DDPM_NOTE_TEXT = (
    "# Denoising Diffusion Probabilistic Models\n"
    "\n"
    '> "Denoising Diffusion Probabilistic Models" NIPS, 2020 Jun 19\n'
    "> [paper](http://arxiv.org/abs/2006.11239v2) [code](https://github.com/hojonathanho/diffusion)\n"
    "\n"
    "## Key-point\n"
    "\n"
    "前向加噪，反向去噪。\n"
    "\n"
    '- "Deep Unsupervised Learning using Nonequilibrium Thermodynamics" ICML, 2015 Mar\n'
    "  [paper](http://arxiv.org/abs/1503.03585v8) [note](./2015_03_ICML_Deep-Unsupervised-Learning-using-Nonequilibrium-Thermodynamics_Note.md)\n"
    "\n"
    "训练目标是预测噪声。\n"
)
SOHL_NOTE = "notes/2015_03_ICML_Deep-Unsupervised-Learning-using-Nonequilibrium-Thermodynamics_Note.md"
SOHL_NOTE_TEXT = (
    "# Nonequilibrium Thermodynamics\n"
    "\n"
    '> "Deep Unsupervised Learning using Nonequilibrium Thermodynamics" ICML, 2015 Mar 12\n'
    "\n"
    "扩散模型的起点。\n"
)


# --------------------------------------------------------------------------- linking methods


def test_explicit_link_relative_to_the_entry_file():
    notes = {
        "notes/reading.md": (
            "# 读过的\n\n"
            '- [x] "Video Restoration with Something Special" CVPR, 2021 Jun\n'
            "  [paper local pdf](../pdfs/vrss.pdf)\n"
        )
    }
    catalog = build_catalog(notes, {"pdfs/vrss.pdf": pdf("Video Restoration With Something Special")})
    assert catalog.link_counts["explicit_link"] == 1
    record = catalog.paper_for_file("pdfs/vrss.pdf")
    assert record is not None and record.files == ("pdfs/vrss.pdf",)
    assert [(e.path, e.line) for e in record.entries] == [("notes/reading.md", 3)]
    assert record.read is True and record.venue == "CVPR" and (record.year, record.month) == (2021, 6)


def test_explicit_link_found_by_file_name_anywhere_and_missing_links_reported():
    # the list was written at the repository root; here it sits in lists/, the note in notes/
    notes = {
        "notes/lists/vsr.md": (
            "## VSR\n\n"
            '- [x] "Bi-level Feature Alignment for Versatile Image Translation and Manipulation" ECCV, 2021 Jul\n'
            "  [paper](https://arxiv.org/abs/2107.03021) "
            "[note](./2021_07_ECCV_Bi-level-Feature-Alignment-for-Versatile-Image-Translation-and-Manipulation_Note.md)\n"
            "\n"
            '- [ ] "A Paper Whose PDF Went Missing" CVPR, 2020 Jan\n'
            "  [pdf](./2020_01_CVPR_A-Paper-Whose-PDF-Went-Missing.pdf)\n"
        ),
        "notes/2021_07_ECCV_Bi-level-Feature-Alignment-for-Versatile-Image-Translation-and-Manipulation_Note.md": (
            "# RABIT\n\n"
            "> [2021_07_ECCV_Bi-level-Feature-Alignment.pdf](./2021_07_ECCV_Bi-level-Feature-Alignment.pdf)\n\n"
            "对齐。\n"
        ),
    }
    catalog = build_catalog(notes, {})
    note = "notes/2021_07_ECCV_Bi-level-Feature-Alignment-for-Versatile-Image-Translation-and-Manipulation_Note.md"
    assert same_paper(catalog, "notes/lists/vsr.md:3", note)
    assert catalog.link_counts["explicit_link"] >= 1
    missing = {(u.path, u.line, u.target) for u in catalog.unresolved_links}
    assert ("notes/lists/vsr.md", 6, "./2020_01_CVPR_A-Paper-Whose-PDF-Went-Missing.pdf") in missing
    report = health(catalog, list(notes))
    assert any(u.line == 6 for u in report.missing_link_targets)


def test_same_arxiv_id_links_a_pdf_whatever_its_title_reading():
    notes = {
        "lists/a.md": '- [ ] "Attention Is All You Need" NIPS, 2017 Jun\n  [paper](https://arxiv.org/abs/1706.03762)\n'
    }
    pdfs = {"pdfs/1706.03762v7.pdf": pdf("Provided proper attribution is provided", arxiv="1706.03762", year=2017)}
    catalog = build_catalog(notes, pdfs)
    assert catalog.link_counts["arxiv"] == 1
    record = catalog.paper_for_file("pdfs/1706.03762v7.pdf")
    assert record.title == "Attention Is All You Need"  # a note's spelling beats the PDF's reading
    assert record.arxiv == "1706.03762" and record.paper_id == "arxiv-1706.03762"


def test_same_arxiv_id_under_unrelated_titles_is_reported_not_merged():
    notes = {
        "lists/a.md": (
            "- [x] A Toolbox for Video Restoration: VR-Baseline. CVPR NTIRE 3rd award\n"
            "  [paper](https://arxiv.org/abs/2201.01893) [code](https://github.com/linjing7/VR-Baseline)\n"
            "\n"
            '- "Flow-Guided Sparse Transformer for Video Deblurring" ICML, 2022 Jan\n'
            "  [paper](https://arxiv.org/abs/2201.01893)\n"
        )
    }
    catalog = build_catalog(notes, {})
    assert not same_paper(catalog, "lists/a.md:1", "lists/a.md:4")
    assert any("2201.01893" in a.reason for a in catalog.ambiguous)
    suspects = health(catalog, list(notes)).duplicate_suspects
    assert any("same arXiv id" in s["reason"] for s in suspects)


def test_per_paper_note_name_and_top_entry_and_pdf_named_after_the_title():
    notes = {
        DDPM_NOTE: DDPM_NOTE_TEXT.replace("[paper](http://arxiv.org/abs/2006.11239v2) ", ""),
        "lists/diffusion.md": '- [ ] "Denoising Diffusion Probabilistic Models" NeurIPS, 2020 Dec, **DDPM**\n',
    }
    pdfs = {"pdfs/Denoising Diffusion Probabilistic Models.pdf": pdf(None)}  # e.g. a scan: no text
    catalog = build_catalog(notes, pdfs)
    assert catalog.link_counts["note_file"] == 1
    assert catalog.link_counts["filename"] >= 2
    record = catalog.paper_for_file(DDPM_NOTE)
    assert record.files == (DDPM_NOTE, "pdfs/Denoising Diffusion Probabilistic Models.pdf")
    assert {(e.path, e.line) for e in record.entries} == {(DDPM_NOTE, 3), ("lists/diffusion.md", 1)}
    assert record.abbreviation == "DDPM" and record.venue == "NeurIPS" and (record.year, record.month) == (2020, 6)
    assert record.read is False


def test_windows_style_pdf_name_with_underscore_for_colon():
    notes = {"lists/a.md": '- [ ] "PaSa: An LLM Agent for Comprehensive Academic Paper Search" arXiv, 2025 Jan\n'}
    pdfs = {"pdfs/PaSa_ An LLM Agent for Comprehensive Academic Paper Search.pdf": pdf(None)}
    catalog = build_catalog(notes, pdfs)
    assert same_paper(catalog, "lists/a.md:1", "pdfs/PaSa_ An LLM Agent for Comprehensive Academic Paper Search.pdf")
    assert catalog.link_counts["filename"] == 1


def test_fuzzy_title_links_a_misspelling_but_not_a_different_paper():
    notes = {
        "lists/a.md": '- [x] "Denoising Diffusion Probabilistic Models" NeurIPS, 2020 Dec\n',
        "lists/b.md": (
            '- [ ] "Denoising Diffusion Probablistic Models" NeurIPS, 2020\n'
            "\n"
            '- [ ] "Improved Denoising Diffusion Probabilistic Models" ICML, 2021\n'
        ),
    }
    catalog = build_catalog(notes, {})
    assert same_paper(catalog, "lists/a.md:1", "lists/b.md:1")
    assert not same_paper(catalog, "lists/a.md:1", "lists/b.md:3")
    assert catalog.link_counts["title_fuzzy"] == 1
    assert len(catalog.papers) == 2


def test_two_close_candidates_are_ambiguous_and_left_unlinked():
    notes = {
        "lists/a.md": (
            '- [ ] "Deep Video Prior for Temporal Consistency" CVPR, 2020\n'
            "  [paper](https://arxiv.org/abs/2010.11838)\n"
            "\n"
            '- [ ] "Deep Video Priors for Temporal Consistency" TPAMI, 2021\n'
            "  [paper](https://arxiv.org/abs/2110.00001)\n"
        ),
        "lists/b.md": '- [ ] "Deep Video Prior for Temporal Consistancy" 2021\n',
    }
    catalog = build_catalog(notes, {})
    record_b = _record(catalog, "lists/b.md:1")
    assert not same_paper(catalog, "lists/b.md:1", "lists/a.md:1")
    assert not same_paper(catalog, "lists/b.md:1", "lists/a.md:4")
    assert record_b is not None and len(record_b.entries) == 1
    [case] = [a for a in catalog.ambiguous if a.subject == "lists/b.md:1"]
    assert len(case.candidates) == 2 and all(score >= FUZZY_THRESHOLD for _, _, score in case.candidates)


def test_title_match_score_rules():
    assert title_match_score("Pik-Fix: Restoring and Colorizing Old Photo", "Pik Fix Restoring and Colorizing Old Photos") >= FUZZY_THRESHOLD
    assert title_match_score("super reso lution network", "super resolution network") == 100
    # a whole added word makes another paper, however close the characters
    assert title_match_score("Deep exemplar-based colorization", "Deep Exemplar-based Video Colorization") == 0
    assert title_match_score("Bringing Old Films Back to Life", "Bringing Old Photos Back to Life") < FUZZY_THRESHOLD
    # a note file name often drops the subtitle
    assert title_match_score(
        "Bitstream corrupted Video Recovery", "Bitstream-Corrupted Video Recovery: A Novel Benchmark Dataset and Method"
    ) >= FUZZY_THRESHOLD


# --------------------------------------------------------------------------- record fields


def test_read_marks_aggregate_over_entries():
    notes = {
        "lists/a.md": '- [ ] "Paper One About Video" CVPR, 2020\n\n- [ ] "Paper Two About Images" ICCV, 2021\n',
        "lists/b.md": '- [x] "Paper One About Video" CVPR, 2020\n\n- "Paper Three Without Checkbox" ECCV, 2022\n',
    }
    catalog = build_catalog(notes, {})
    assert _record(catalog, "lists/a.md:1").read is True  # read in one list, unread in another
    assert _record(catalog, "lists/a.md:3").read is False
    assert _record(catalog, "lists/b.md:3").read is None
    only_pdf = build_catalog({}, {"pdfs/x.pdf": pdf("Some Paper Title")})
    assert only_pdf.paper_for_file("pdfs/x.pdf").read is None


def test_topics_annotation_links_and_stable_ids():
    notes = {
        "lists/a.md": (
            "# 视频\n\n## 超分\n\n"
            '- [x] "BasicVSR++: Improving Video Super-Resolution with Enhanced Propagation and Alignment" CVPR, 2021 Apr, **BasicVSR++**\n'
            "  [paper](https://arxiv.org/abs/2104.13371) [github repo](https://github.com/ckkelvinchan/BasicVSR_PlusPlus)\n"
            "  > 二阶传播 + flow-guided deformable 对齐\n"
        ),
        "lists/b.md": '## 对齐\n\n- [ ] "Understanding Deformable Alignment in Video Super-Resolution" AAAI, 2021\n',
    }
    catalog = build_catalog(notes, {})
    record = _record(catalog, "lists/a.md:5")
    assert record.paper_id == "arxiv-2104.13371"
    assert record.topics == (("视频", "超分"),)
    assert record.annotation == "二阶传播 + flow-guided deformable 对齐"
    assert record.links["code"] == ("https://github.com/ckkelvinchan/BasicVSR_PlusPlus",)
    again = build_catalog(dict(reversed(list(notes.items()))), {})
    assert sorted(p.paper_id for p in again.papers) == sorted(p.paper_id for p in catalog.papers)
    other = _record(catalog, "lists/b.md:3")
    assert other.paper_id.startswith("title-") and other.arxiv is None


# --------------------------------------------------------------------------- line lookups


def test_paper_for_line_in_lists_and_per_paper_notes():
    notes = {
        DDPM_NOTE: DDPM_NOTE_TEXT,
        SOHL_NOTE: SOHL_NOTE_TEXT,
        "lists/a.md": (
            "# Diffusion\n"  # 1
            "\n"  # 2
            '- [x] "Denoising Diffusion Implicit Models" ICLR, 2020 Oct\n'  # 3
            "  [paper](https://arxiv.org/abs/2010.02502)\n"  # 4
            "  > 确定性采样\n"  # 5
            "\n"  # 6
            "Some prose about sampling speed.\n"  # 7
            "\n"  # 8
            '- [ ] "Score-Based Generative Modeling through Stochastic Differential Equations" ICLR, 2021\n'  # 9
        ),
    }
    catalog = build_catalog(notes, {})
    ddim = catalog.paper_for_line("lists/a.md", 3)
    assert ddim.title == "Denoising Diffusion Implicit Models"
    assert catalog.paper_for_line("lists/a.md", 5) is ddim
    assert catalog.paper_for_line("lists/a.md", 7) is None  # prose between entries
    assert catalog.paper_for_line("lists/a.md", 9).year == 2021
    ddpm = catalog.paper_for_file(DDPM_NOTE)
    assert catalog.paper_for_line(DDPM_NOTE, 8) is ddpm  # the note's own text
    cited = catalog.paper_for_line(DDPM_NOTE, 11)  # the cited paper's link line
    assert cited is catalog.paper_for_file(SOHL_NOTE) and cited is not ddpm
    assert catalog.paper_for_line(DDPM_NOTE, 13) is ddpm
    assert [(e.line, e.end_line) for e in ddim.entries] == [(3, 5)]
    assert [p.year for p in catalog.papers_for_lines("lists/a.md", 4, 9)] == [2020, 2021]
    assert catalog.papers_for_lines(DDPM_NOTE, 8, 12) == [ddpm, cited]


# --------------------------------------------------------------------------- health


def test_health_reports_unreadable_unmentioned_and_near_duplicates():
    notes = {
        "lists/a.md": (
            '- [ ] "Deep Exemplar-based Video Colorization" CVPR, 2019\n\n'
            '- [ ] "Deep exemplar-based colorization" TOG, 2018\n\n'
            '- [ ] "Group Normalization" ECCV, 2018\n'
        )
    }
    pdfs = {
        "pdfs/Group Normalization.pdf": pdf("Group Normalization", arxiv="1803.08494"),
        "pdfs/scan.pdf": pdf(None),
        "pdfs/Layer Normalization.pdf": pdf("Layer Normalization", arxiv="1607.06450"),
    }
    catalog = build_catalog(notes, pdfs)
    report = health(catalog, list(notes) + list(pdfs), unreadable_pdfs={"pdfs/scan.pdf"})
    assert report.unreadable_pdfs == ["pdfs/scan.pdf"]
    assert report.unmentioned_pdfs == ["pdfs/Layer Normalization.pdf", "pdfs/scan.pdf"]
    [suspect] = [s for s in report.duplicate_suspects if "colorization" in s["titles"][0].lower()]
    assert "whole word" in suspect["reason"]
    assert report.summary()["unreadable_pdfs"] == 1


# --------------------------------------------------------------------------- PDF paper info


def _head(*lines, metadata=None) -> PdfHead:
    return PdfHead(metadata=metadata or {}, lines=tuple(HeadLine(t, s) for t, s in lines))


def test_title_from_the_largest_lines_at_the_top_of_page_one():
    head = _head(
        ("Provided proper attribution is provided, Google hereby grants permission to", 12.0),
        ("scholarly works.", 12.0),
        ("ImageNet Classification with Deep Convolutional", 17.2),
        ("Neural Networks", 17.2),
        ("Alex Krizhevsky", 10.0),
        ("University of Toronto", 10.0),
        ("arXiv:1706.03762v7 [cs.CL] 6 Dec 2017", 20.0),
    )
    info = pdf_paper_info(None, None, head=head)
    assert info.title == "ImageNet Classification with Deep Convolutional Neural Networks"
    assert info.title_source == "first_page"
    assert (info.arxiv_id, info.year, info.year_source) == ("1706.03762", 2017, "arxiv_id")


def test_metadata_title_used_when_real_and_agreeing():
    head = _head(("MoE-Mamba: Efficient Selective State Space Models", 14.3), ("Maciej Pióro 1 2", 10.0),
                 metadata={"/Title": "MoE-Mamba: Efficient Selective State Space Models"})
    assert pdf_paper_info(None, None, head=head).title_source == "metadata"
    junk = _head(("Group Normalization", 14.3), ("Yuxin Wu Kaiming He", 12.0),
                 metadata={"/Title": "Microsoft Word - gn.docx", "/CreationDate": "D:20180613004130Z"})
    info = pdf_paper_info(None, None, head=junk)
    assert (info.title, info.title_source) == ("Group Normalization", "first_page")
    assert (info.year, info.year_source) == (2018, "metadata_date")


def test_all_caps_title_and_venue_year():
    head = _head(
        ("Published as a conference paper at ICLR 2018", 10.0),
        ("mixup: BEYOND EMPIRICAL RISK MINIMIZATION", 17.2),
        ("Hongyi Zhang", 10.0),
        ("MIT", 10.0),
    )
    info = pdf_paper_info(None, None, head=head)
    assert info.title == "mixup: Beyond Empirical Risk Minimization"
    assert (info.year, info.year_source) == (2018, "first_page")


def test_chinese_thesis_title_label_and_file_name():
    head = _head(("山 东 农 业 大 学", 25.0), ("毕 业 论 文", 46.0),
                 ("题 目 基于卷积神经网络的肾小球图像分割方法研究", 16.0), ("学 院 信息科学与工程学院", 16.0))
    assert pdf_paper_info(None, None, head=head).title == "基于卷积神经网络的肾小球图像分割方法研究"
    assert title_from_pdf_filename("pdfs/毕业论文_基于RISC-V架构的实时操作系统RVOS设计与应用.pdf") == "基于RISC-V架构的实时操作系统RVOS设计与应用"
    assert title_from_pdf_filename("pdfs/2017_06_NIPS_Attention-Is-All-You-Need.pdf") == "Attention Is All You Need"
    assert title_from_pdf_filename("pdfs/1706.03762v7.pdf") is None
    assert title_from_pdf_filename("pdfs/paper.pdf") is None


def test_document_only_mode_confirms_a_hint_and_reads_the_arxiv_stamp():
    document = Document(
        path="pdfs/Transformers are RNNs_ Fast Autoregressive Transformers with Linear Attention.pdf",
        kind="pdf",
        title="Transformers are RNNs  Fast Autoregressive Transformers with Linear Attention",
        sections=(
            Section(
                text="Transformers are RNNs: Fast Autoregressive Transformers with Linear Attention "
                "Angelos Katharopoulos 1 2 Apoorv Vyas 1 2 Abstract Transformers achieve ... "
                "arXiv:2006.16236v3 [cs.LG] 31 Aug 2020",
                page=1,
            ),
        ),
    )
    info = pdf_paper_info(document)
    assert info.title == "Transformers are RNNs: Fast Autoregressive Transformers with Linear Attention"
    assert info.title_source == "first_page"
    assert (info.arxiv_id, info.year) == ("2006.16236", 2020)
    renamed = pdf_paper_info(Document(path="pdfs/x.pdf", kind="pdf", title="x", sections=document.sections))
    assert renamed.title is None and renamed.arxiv_id == "2006.16236"


def test_read_pdf_head_on_a_real_file(tmp_path: Path):
    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", size=10)
    doc.cell(0, 6, "Under review as a conference paper at ICLR 2024", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=20)
    doc.cell(0, 10, "Sparse Sampling Transformer with Uncertainty", new_x="LMARGIN", new_y="NEXT")
    doc.cell(0, 10, "Driven Ranking", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=11)
    for line in ("Sixiang Chen1, Tian Ye1", "1 Jimei University", "Abstract", "We propose a transformer."):
        doc.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "2308.14153v1.pdf"
    doc.output(str(path))
    head = read_pdf_head(path)
    assert head is not None and head.lines[1].size > head.lines[0].size
    info = pdf_paper_info(None, path)
    assert info.title == "Sparse Sampling Transformer with Uncertainty Driven Ranking"
    assert info.arxiv_id == "2308.14153"  # from the file name
    assert info.year == 2023


def _count_pdf_opens(monkeypatch) -> list[str]:
    """Patch pypdf.PdfReader (where corpus uses it) to record every construction. Reading runs
    in this process (no page time limit), so every opening is seen."""
    import pypdf

    import corpus.pdf_text
    import corpus.pdf_worker

    monkeypatch.setattr(corpus.pdf_worker, "PAGE_TIME_LIMIT", None)

    opened: list[str] = []
    real = pypdf.PdfReader

    class CountingReader(real):
        def __init__(self, stream, *args, **kwargs):
            opened.append(str(stream))
            super().__init__(stream, *args, **kwargs)

    monkeypatch.setattr(pypdf, "PdfReader", CountingReader)
    monkeypatch.setattr(corpus.pdf_text, "PdfReader", CountingReader)
    return opened


def test_a_pdf_build_opens_the_file_once(tmp_path: Path, monkeypatch):
    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", size=20)
    doc.cell(0, 10, "Sparse Sampling Transformer with Uncertainty", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=11)
    doc.cell(0, 6, "Sixiang Chen1, Tian Ye1", new_x="LMARGIN", new_y="NEXT")
    doc.cell(0, 6, "We propose a transformer.", new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "2308.14153v1.pdf"
    doc.output(str(path))
    opened = _count_pdf_opens(monkeypatch)

    document = read_document(path, path.name)
    info = pdf_paper_info(document)  # the head came with the Document: no second open
    assert len(opened) == 1
    assert document.pdf_head is not None and document.pdf_head.lines[0].size == 20.0
    assert info.title == "Sparse Sampling Transformer with Uncertainty"
    assert pdf_paper_info(document, path) == info  # a path is only a fallback
    assert len(opened) == 1


def test_a_scanned_pdf_keeps_its_head_on_the_error(monkeypatch, tmp_path):
    from corpus import UnreadableFileError

    path = shared_path("pdfs", "Legewie-Fagan_Aggressive-Policing_p231_scanned.pdf")
    monkeypatch.setenv("PATH", str(tmp_path))  # no Tesseract: the PDF stays unreadable
    opened = _count_pdf_opens(monkeypatch)
    with pytest.raises(UnreadableFileError) as raised:
        read_document(path, path.name)
    assert raised.value.pdf_head is not None
    info = pdf_paper_info(None, path, head=raised.value.pdf_head)
    assert len(opened) == 1
    assert info == pdf_paper_info(None, path)  # the same as opening the file again


# --------------------------------------------------------------------------- shared data


HAND_CHECKED_SAME = [
    ("notes/2017_06_NIPS_Attention-Is-All-You-Need_Note.md", "pdfs/Attention Is All You Need.pdf"),
    (
        "notes/2017_03_ICCV_Unpaired-Image-to-Image-Translation-using-Cycle-Consistent-Adversarial-Networks_Note.md",
        "pdfs/Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks.pdf",
    ),
    # the "Generative adversarial nets" citation ↔ the PDF saved as "Generative Adversarial Networks.pdf"
    (
        "notes/2019_07_NIPS_Generative-Modeling-by-Estimating-Gradients-of-the-Data-Distribution_Note.md:47",
        "pdfs/Generative Adversarial Networks.pdf",
    ),
    (
        "notes/2020_06_NIPS_Denoising-Diffusion-Probabilistic-Models_Note.md:19",
        "notes/2015_03_ICML_Deep-Unsupervised-Learning-using-Nonequilibrium-Thermodynamics_Note.md",
    ),
    (
        "notes/2019_11_CVPR_SuperGlue--Learning-Feature-Matching-with-Graph-Neural-Networks_Note.md:27",
        "notes/2017_12_CVPR-workshop_SuperPoint--Self-Supervised-Interest-Point-Detection-and-Description_Note.md",
    ),
    ("notes/lists/003_8a1da7aefe1ec2fb.md:7", "notes/2022_03_CVPR_Bringing-Old-Films-Back-to-Life_Note.md"),
    ("notes/lists/002_d5da7178f62cc3c6.md:38", "notes/2020_CVPR_Bringing-Old-Photos-Back-to-Life_Note.md"),
    ("notes/lists/002_d5da7178f62cc3c6.md:46", "notes/lists/002_d5da7178f62cc3c6.md:253"),
]
HAND_CHECKED_DIFFERENT = [
    ("notes/2022_03_CVPR_Bringing-Old-Films-Back-to-Life_Note.md", "notes/2020_CVPR_Bringing-Old-Photos-Back-to-Life_Note.md"),
    (
        "notes/2023_06_TheVisualComputer_AddCR--a-data-driven-cartoon-remastering_Note.md:37",
        "notes/2019_07_CVPR_Deep-Exemplar-based-Video-Colorization_Note.md",
    ),
    ("notes/lists/000_4315f8a62ac25295.md:95", "notes/lists/000_4315f8a62ac25295.md:103"),
    ("pdfs/Group Normalization.pdf", "notes/lists/003_8a1da7aefe1ec2fb.md:24"),
]


@pytest.fixture(scope="module")
def shared_catalog():
    notes_dir = shared_path("notes")
    pdfs_dir = shared_path("pdfs")
    root = notes_dir.parent
    notes = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(notes_dir.rglob("*.md"))}
    # pdf_paper_info reads only the metadata and page 1 here (~0.1 s a PDF), not the whole file
    pdfs = {p.relative_to(root).as_posix(): pdf_paper_info(None, p) for p in sorted(pdfs_dir.glob("*.pdf"))}
    return build_catalog(notes, pdfs), notes, pdfs


@pytest.mark.parametrize("a,b", HAND_CHECKED_SAME)
def test_shared_data_links_checked_by_hand(shared_catalog, a, b):
    catalog, _, _ = shared_catalog
    assert same_paper(catalog, a, b)


@pytest.mark.parametrize("a,b", HAND_CHECKED_DIFFERENT)
def test_shared_data_lookalikes_kept_apart(shared_catalog, a, b):
    catalog, _, _ = shared_catalog
    assert not same_paper(catalog, a, b)


def test_shared_data_catalog_shape(shared_catalog):
    catalog, notes, pdfs = shared_catalog
    attention = catalog.paper_for_file("pdfs/Attention Is All You Need.pdf")
    assert attention.arxiv == "1706.03762" and attention.venue == "NeurIPS" and attention.year == 2017
    assert attention.files == ("notes/2017_06_NIPS_Attention-Is-All-You-Need_Note.md", "pdfs/Attention Is All You Need.pdf")
    per_paper = [p for p in notes if not p.startswith("notes/lists/")]
    assert all(catalog.paper_for_file(p) is not None for p in per_paper)
    assert pdfs["pdfs/Generative Adversarial Networks.pdf"].title == "Generative Adversarial Nets"
    report = health(catalog, list(notes) + list(pdfs), {"pdfs/Legewie-Fagan_Aggressive-Policing_p231_scanned.pdf"})
    assert "pdfs/Legewie-Fagan_Aggressive-Policing_p231_scanned.pdf" in report.unmentioned_pdfs
    assert "pdfs/Attention Is All You Need.pdf" not in report.unmentioned_pdfs


def test_catalog_round_trips_through_json():
    import json

    notes = {DDPM_NOTE: DDPM_NOTE_TEXT, SOHL_NOTE: SOHL_NOTE_TEXT}
    catalog = build_catalog(notes, {"pdfs/Denoising Diffusion Probabilistic Models.pdf": pdf(None)})
    loaded = Catalog.from_dict(json.loads(json.dumps(catalog.to_dict(), ensure_ascii=False)))
    assert loaded.papers == catalog.papers
    assert loaded.paper_for_file(DDPM_NOTE) == catalog.paper_for_file(DDPM_NOTE)
    assert loaded.paper_for_line(DDPM_NOTE, 11) == catalog.paper_for_file(SOHL_NOTE)
    assert loaded.link_counts == catalog.link_counts


def test_a_utf16_paper_list_feeds_the_catalog_like_any_note(tmp_path: Path):
    """The catalog reads notes as the note reader does (Windows Notepad saves UTF-16 with a BOM);
    a note it cannot decode is left to the build's skip list."""
    from corpus import ChunkSettings
    from index.catalog_build import note_facts
    from index.planner import BuildPlan

    text = '- [x] "Deformable Convolutional Networks" ICCV, 2017 Oct\n'
    (tmp_path / "utf16.md").write_bytes(text.encode("utf-16"))
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02" * 10)
    files = {"utf16.md": tmp_path / "utf16.md", "binary.md": tmp_path / "binary.md"}
    plan = BuildPlan(tmp_path, files, {name: "not hashed" for name in files}, "model", ChunkSettings())
    facts = note_facts(plan)
    assert list(facts) == ["utf16.md"]
    assert [p.title for p in build_catalog(facts, {}).papers] == ["Deformable Convolutional Networks"]
