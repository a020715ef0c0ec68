import pytest

from papers import (
    NoteFileInfo,
    PaperEntry,
    PaperLink,
    extract_arxiv_id,
    normalise_link_label,
    normalise_title,
    normalise_venue,
    paper_from_note_filename,
    parse_paper_entries,
)
from tests.support.paths import FIXTURES, shared_path

PAPER_LISTS = FIXTURES / "paper_lists"


def entry(**fields) -> PaperEntry:
    """A PaperEntry with the empty defaults most cases share."""
    defaults = dict(
        venue=None,
        venue_raw=None,
        year=None,
        month=None,
        abbreviation=None,
        read=None,
        links=(),
        arxiv_id=None,
        annotation=None,
        topic=(),
        path="list.md",
    )
    return PaperEntry(**{**defaults, **fields})


def parse(text: str) -> list[PaperEntry]:
    return parse_paper_entries(text, "list.md")


# --------------------------------------------------------------------------- list entries


def test_quoted_entry_with_every_field():
    text = (
        "# 阅读清单\n"
        "\n"
        "## 视频超分\n"
        "\n"
        '- [x] "BasicVSR++: Improving Video Super-Resolution with Enhanced Propagation and Alignment" '
        "CVPR oral, 2021 Apr, **BasicVSR++** :fire:\n"
        "  [paper](https://arxiv.org/abs/2104.13371) [github repo](https://github.com/ckkelvinchan/BasicVSR_PlusPlus)\n"
        "  > 二阶传播 + flow-guided deformable 对齐\n"
        "  >\n"
        "  > 训练比 BasicVSR 稳定\n"
    )
    assert parse(text) == [
        entry(
            title="BasicVSR++: Improving Video Super-Resolution with Enhanced Propagation and Alignment",
            venue="CVPR",
            venue_raw="CVPR oral",
            year=2021,
            month=4,
            abbreviation="BasicVSR++",
            read=True,
            links=(
                PaperLink("paper", "https://arxiv.org/abs/2104.13371"),
                PaperLink("code", "https://github.com/ckkelvinchan/BasicVSR_PlusPlus"),
            ),
            arxiv_id="2104.13371",
            annotation="二阶传播 + flow-guided deformable 对齐\n训练比 BasicVSR 稳定",
            topic=("阅读清单", "视频超分"),
            line=5,
        )
    ]


def test_unread_entry_with_typo_venue_and_code_span_abbreviation():
    text = '- [ ] "Denoising Diffusion Probabilistic Models" NeurlPS, 2020 Jun 19, `DDPM`\n'
    assert parse(text) == [
        entry(
            title="Denoising Diffusion Probabilistic Models",
            venue="NeurIPS",
            venue_raw="NeurlPS",
            year=2020,
            month=6,
            abbreviation="DDPM",
            read=False,
            line=1,
        )
    ]


def test_missing_venue_arxiv_spelling_and_plain_abbreviation():
    text = (
        '- [ ] "LightGlue: Local Feature Matching at Light Speed" 2023 Jun\n'
        '- [x] "Linformer: Self-Attention with Linear Complexity" Arxiv, 2020 June, Linformer\n'
        '- "Learning Texture Transformer Network for Image Super-Resolution"\n'
    )
    assert parse(text) == [
        entry(title="LightGlue: Local Feature Matching at Light Speed", year=2023, month=6, read=False, line=1),
        entry(
            title="Linformer: Self-Attention with Linear Complexity",
            venue="arXiv",
            venue_raw="Arxiv",
            year=2020,
            month=6,
            abbreviation="Linformer",
            read=True,
            line=2,
        ),
        entry(title="Learning Texture Transformer Network for Image Super-Resolution", line=3),
    ]


def test_chinese_month_and_nips_alias():
    text = (
        '- [ ] "Generative Modeling by Estimating Gradients of the Data Distribution" NIPS, 2019年7月\n'
        '- [ ] "Scalable Diffusion Models with Transformers" ICCV, 2023 十月\n'
    )
    found = [(e.venue, e.venue_raw, e.year, e.month) for e in parse(text)]
    assert found == [("NeurIPS", "NIPS", 2019, 7), ("ICCV", "ICCV", 2023, None)]


def test_unquoted_titles_followed_by_venue_and_year():
    text = (
        "- [ ] Deformable Convolutional Networks ICCV, 2017 Mar\n"
        "- Linformer: Self-Attention with Linear Complexity, arXiv 2020\n"
        "- [x] Improved Denoising Diffusion Probabilistic Models *Feb 2021*\n"
    )
    assert parse(text) == [
        entry(title="Deformable Convolutional Networks", venue="ICCV", venue_raw="ICCV", year=2017, month=3, read=False, line=1),
        entry(
            title="Linformer: Self-Attention with Linear Complexity",
            venue="arXiv",
            venue_raw="arXiv",
            year=2020,
            line=2,
        ),
        entry(title="Improved Denoising Diffusion Probabilistic Models", year=2021, month=2, read=True, line=3),
    ]


def test_unquoted_title_accepted_when_a_paper_link_follows():
    text = (
        "- [ ] Segment Anything\n"
        "  [paper](https://arxiv.org/abs/2304.02643v1) [code](https://github.com/facebookresearch/segment-anything)\n"
        "- [ ] Masked Siamese Networks\n"
        "  https://github.com/facebookresearch/msn\n"
    )
    assert parse(text) == [
        entry(
            title="Segment Anything",
            read=False,
            links=(
                PaperLink("paper", "https://arxiv.org/abs/2304.02643v1"),
                PaperLink("code", "https://github.com/facebookresearch/segment-anything"),
            ),
            arxiv_id="2304.02643",
            line=1,
        )
    ]


def test_links_on_continuation_lines_with_assorted_labels():
    text = (
        '- [x] "Deep Image Prior" CVPR, 2017 Nov\n'
        "\n"
        "  [Paper](http://arxiv.org/abs/1711.10925v4) [Project Page](https://dmitryulyanov.github.io/deep_image_prior)\n"
        "  [paper_local_pdf](./2017_11_CVPR_Deep-Image-Prior.pdf) [Our Note](./2017_11_CVPR_Deep-Image-Prior_Note.md)\n"
        "  [博客](https://zhuanlan.zhihu.com/p/403585029) [code: pytorch port](https://github.com/example/dip) "
        "[slides](https://example.org/dip.pdf)\n"
    )
    (found,) = parse(text)
    assert found.links == (
        PaperLink("paper", "http://arxiv.org/abs/1711.10925v4"),
        PaperLink("website", "https://dmitryulyanov.github.io/deep_image_prior"),
        PaperLink("pdf", "./2017_11_CVPR_Deep-Image-Prior.pdf"),
        PaperLink("note", "./2017_11_CVPR_Deep-Image-Prior_Note.md"),
        PaperLink("blog", "https://zhuanlan.zhihu.com/p/403585029"),
        PaperLink("code", "https://github.com/example/dip"),
        PaperLink("slides", "https://example.org/dip.pdf"),
    )
    assert found.arxiv_id == "1711.10925"


def test_title_inside_a_link():
    text = (
        "- [Attention Is All You Need](https://arxiv.org/pdf/1706.03762v7.pdf) NIPS 2017\n"
        "- [ ] [Generative Image Inpainting with Contextual Attention]"
        "(http://openaccess.thecvf.com/content_cvpr_2018/html/Yu_Generative_Image_Inpainting_CVPR_2018_paper.html) :star:\n"
        "- [ ] [2022_WACV_Pik-Fix--Restoring-and-Colorizing-Old-Photos.pdf](./2022_WACV_Pik-Fix--Restoring-and-Colorizing-Old-Photos.pdf)\n"
    )
    assert parse(text) == [
        entry(
            title="Attention Is All You Need",
            venue="NeurIPS",
            venue_raw="NIPS",
            year=2017,
            links=(PaperLink("paper", "https://arxiv.org/pdf/1706.03762v7.pdf"),),
            arxiv_id="1706.03762",
            line=1,
        ),
        entry(
            title="Generative Image Inpainting with Contextual Attention",
            read=False,
            links=(
                PaperLink(
                    "paper",
                    "http://openaccess.thecvf.com/content_cvpr_2018/html/Yu_Generative_Image_Inpainting_CVPR_2018_paper.html",
                ),
            ),
            line=2,
        ),
        entry(
            title="Pik Fix: Restoring and Colorizing Old Photos",
            venue="WACV",
            venue_raw="WACV",
            year=2022,
            read=False,
            links=(PaperLink("pdf", "./2022_WACV_Pik-Fix--Restoring-and-Colorizing-Old-Photos.pdf"),),
            line=3,
        ),
    ]


def test_nested_entries_keep_their_own_links_and_annotations():
    text = (
        "- [x] A Toolbox for Video Restoration. CVPR NTIRE workshop\n"
        "  [paper](https://arxiv.org/abs/2201.01893) [code](https://github.com/example/vr-toolbox)\n"
        "\n"
        '  1. "Flow-Guided Sparse Transformer for Video Deblurring" ICML, 2022 Jan\n'
        "     [paper](https://arxiv.org/abs/2201.01893)\n"
        "\n"
        "     > 稀疏窗口里按光流取 key\n"
        "\n"
        '  2. "Unsupervised Flow-Aligned Sequence-to-Sequence Learning for Video Restoration" ICML, 2022 May, **S2SVR**\n'
        "     [paper](https://arxiv.org/abs/2205.10195)\n"
        "\n"
        "  > 工具箱整体评价：代码结构清楚\n"
    )
    assert parse(text) == [
        entry(
            title="A Toolbox for Video Restoration",
            venue="CVPR",
            venue_raw="CVPR NTIRE workshop",
            read=True,
            links=(
                PaperLink("paper", "https://arxiv.org/abs/2201.01893"),
                PaperLink("code", "https://github.com/example/vr-toolbox"),
            ),
            arxiv_id="2201.01893",
            annotation="工具箱整体评价：代码结构清楚",
            line=1,
        ),
        entry(
            title="Flow-Guided Sparse Transformer for Video Deblurring",
            venue="ICML",
            venue_raw="ICML",
            year=2022,
            month=1,
            links=(PaperLink("paper", "https://arxiv.org/abs/2201.01893"),),
            arxiv_id="2201.01893",
            annotation="稀疏窗口里按光流取 key",
            line=4,
        ),
        entry(
            title="Unsupervised Flow-Aligned Sequence-to-Sequence Learning for Video Restoration",
            venue="ICML",
            venue_raw="ICML",
            year=2022,
            month=5,
            abbreviation="S2SVR",
            links=(PaperLink("paper", "https://arxiv.org/abs/2205.10195"),),
            arxiv_id="2205.10195",
            line=9,
        ),
    ]


def test_topic_is_the_heading_path_above_the_entry():
    text = (
        "# Survey :mag:\n"
        "## Diffusion\n"
        "### **Sampling**\n"
        '- "Denoising Diffusion Implicit Models" ICLR, 2020 Oct\n'
        "## GAN\n"
        '- "A Style-Based Generator Architecture for Generative Adversarial Networks" CVPR, 2018 Dec\n'
    )
    assert [(e.topic, e.line) for e in parse(text)] == [
        (("Survey", "Diffusion", "Sampling"), 4),
        (("Survey", "GAN"), 6),
    ]


# --------------------------------------------------------------------------- per-paper notes


def test_quote_block_at_the_top_of_a_paper_note():
    text = (
        "# DCNv2\n"
        "\n"
        '> "Deformable ConvNets v2: More Deformable, Better Results" CVPR, 2018 Nov 27, `DCNv2` :star:\n'
        "> [paper](http://arxiv.org/abs/1811.11168v2) [code]() [pdf](./2018_11_CVPR_DCNv2.pdf)\n"
        "> Authors: Xizhou Zhu, Han Hu, Stephen Lin, Jifeng Dai\n"
        ">\n"
        "> [blog](https://zhuanlan.zhihu.com/p/000000)\n"
        "\n"
        "## Key-point\n"
        "\n"
        "- 给每个采样点再学一个调制权重\n"
    )
    assert parse_paper_entries(text, "notes/dcnv2.md") == [
        entry(
            title="Deformable ConvNets v2: More Deformable, Better Results",
            venue="CVPR",
            venue_raw="CVPR",
            year=2018,
            month=11,
            abbreviation="DCNv2",
            links=(
                PaperLink("paper", "http://arxiv.org/abs/1811.11168v2"),
                PaperLink("pdf", "./2018_11_CVPR_DCNv2.pdf"),
                PaperLink("blog", "https://zhuanlan.zhihu.com/p/000000"),
            ),
            arxiv_id="1811.11168",
            topic=("DCNv2",),
            path="notes/dcnv2.md",
            line=3,
        )
    ]


def test_quoted_references_inside_note_text():
    text = (
        "## Related Work\n"
        "\n"
        "- 光流对齐\n"
        "\n"
        '  "Optical Flow Estimation using a Spatial Pyramid Network" CVPR, 2017\n'
        "  [paper](https://arxiv.org/abs/1611.00850)\n"
        "\n"
        '  > "FlowNet 2.0: Evolution of Optical Flow Estimation with Deep Networks"\n'
        '> "Warm up" the learning rate for a few epochs, then decay it\n'
    )
    assert parse(text) == [
        entry(
            title="Optical Flow Estimation using a Spatial Pyramid Network",
            venue="CVPR",
            venue_raw="CVPR",
            year=2017,
            links=(PaperLink("paper", "https://arxiv.org/abs/1611.00850"),),
            arxiv_id="1611.00850",
            topic=("Related Work",),
            line=5,
        ),
        entry(
            title="FlowNet 2.0: Evolution of Optical Flow Estimation with Deep Networks",
            topic=("Related Work",),
            line=8,
        ),
    ]


def test_citation_lines():
    text = (
        "## More papers\n"
        "\n"
        "(Deep Residual Learning for Image Recognition, He et al. in CVPR 2016)\n"
        "\n"
        "Image-to-Image Translation with Conditional Adversarial Networks, Isola et al. CVPR17\n"
        "Perceptual Losses for Real-Time Style Transfer, Johnson and Alahi, ECCV 2016\n"
        "我们在 2021 年的组会上讲过这些, 大家 et al. 都看过\n"
    )
    assert [(e.title, e.venue, e.venue_raw, e.year, e.line) for e in parse(text)] == [
        ("Deep Residual Learning for Image Recognition", "CVPR", "CVPR", 2016, 3),
        ("Image-to-Image Translation with Conditional Adversarial Networks", "CVPR", "CVPR", 2017, 5),
        ("Perceptual Losses for Real-Time Style Transfer", "ECCV", "ECCV", 2016, 6),
    ]


# --------------------------------------------------------------------------- tables


def test_table_rows_with_year_and_title_columns():
    text = (
        "# 论文阅读\n"
        "\n"
        "| 年份 | 论文 | 关键词 | 笔记 |\n"
        "| :- | :- | :- | :- |\n"
        "| 2021 | [Swin Transformer: Hierarchical Vision Transformer using Shifted Windows](https://arxiv.org/abs/2103.14030) | 窗口注意力 | 平移窗口让窗口之间交换信息 |\n"
        "| 2016 | Layer Normalization | 规范化 | 和 BN 的区别：在哪个维度上统计 |\n"
        "| 2022 | [组会分享录屏](https://www.bilibili.com/video/BV1xx411c7mD) | 视频 | |\n"
        "| 2023 | 只有中文的条目 | 其他 | |\n"
        "\n"
        "| 名称 | 备注 |\n"
        "| --- | --- |\n"
        "| Not A Paper Table | 没有年份列 |\n"
    )
    assert parse(text) == [
        entry(
            title="Swin Transformer: Hierarchical Vision Transformer using Shifted Windows",
            year=2021,
            links=(PaperLink("paper", "https://arxiv.org/abs/2103.14030"),),
            arxiv_id="2103.14030",
            topic=("论文阅读",),
            line=5,
        ),
        entry(title="Layer Normalization", year=2016, topic=("论文阅读",), line=6),
    ]


# --------------------------------------------------------------------------- negatives


def test_ordinary_bullets_are_not_papers():
    text = (
        "- 需求\n"
        "  1. 调研 2023 年 CVPR 的对齐方法\n"
        "  2. 总结 trick\n"
        "- [ ] 复现 baseline，显存 24G\n"
        "- [x] accept file transfer\n"
        "- [ ] Scalable Diffusion Models with Transformers\n"
        "- [ ] [知乎专栏 VAE 讲解](https://zhuanlan.zhihu.com/p/34998569)\n"
        "- [A Handy Toolkit for Diffusion](https://github.com/example/diffusion-kit)\n"
        '- [ ] "DeOldify" open-source colorization toolbox\n'
        "  [code](https://github.com/jantic/DeOldify)\n"
        "- Set8 (usually used as a test set)\n"
        "- [paper](https://arxiv.org/abs/2201.01893) [code](https://github.com/example/x)\n"
        "- UniAD CVPR23 best paper\n"
    )
    assert parse(text) == []


def test_code_blocks_front_matter_and_comments_hide_fake_entries():
    text = (
        "---\n"
        "tags:\n"
        '  - "Front Matter Is Not A Paper" CVPR, 2020\n'
        "---\n"
        "> Format:\n"
        ">\n"
        ">    ```\n"
        '>    "Paper Name" Conference, year month, Abbreviation\n'
        ">    ```\n"
        "\n"
        "```markdown\n"
        '- [x] "A Fake Entry Inside Code" ICCV, 2021 Mar\n'
        "```\n"
        "<!--\n"
        '- [ ] "Commented Out Paper Title" ECCV, 2022\n'
        "-->\n"
        '- [ ] "Real Entry After The Code" ECCV, 2022 Jul\n'
    )
    assert [(e.title, e.line) for e in parse(text)] == [("Real Entry After The Code", 17)]


def test_crlf_and_tabs_do_not_break_line_numbers():
    text = '# T\r\n\r\n-\t[x] "Video Swin Transformer" CVPR, 2021 Jun\r\n\t[paper](https://arxiv.org/abs/2106.13230)\r\n'
    (found,) = parse(text)
    assert (found.title, found.read, found.line, found.arxiv_id) == ("Video Swin Transformer", True, 3, "2106.13230")


def test_fixture_reading_list():
    text = (PAPER_LISTS / "mixed_reading_list.md").read_text(encoding="utf-8")
    found = parse_paper_entries(text, "lists/mixed_reading_list.md")
    topic = ("组会论文清单", "视频修复")
    assert [(e.title, e.venue, e.year, e.month, e.read, e.arxiv_id, e.topic, e.line) for e in found] == [
        ("Recurrent Video Restoration Transformer with Guided Deformable Attention", "NeurIPS", 2022, 6, True, "2206.02146", topic, 21),
        ("BasicVSR: The Search for Essential Components in Video Super-Resolution and Beyond", "CVPR", 2020, 12, False, "2012.02181", topic, 29),
        ("Deformable Convolutional Networks", "ICCV", 2017, 3, False, None, topic, 33),
        ("EDVR: Video Restoration with Enhanced Deformable Convolutional Networks", "CVPR", 2019, 5, None, "1905.02716", topic, 39),
        ("Video Super-Resolution Transformer", None, 2021, 6, None, "2106.06847", topic, 44),
        ("SDEdit: Guided Image Synthesis and Editing with Stochastic Differential Equations", "arXiv", 2021, 8, False, "2108.01073", topic + ("扩散模型",), 49),
        ("Attention Is All You Need", "NeurIPS", 2017, None, None, "1706.03762", topic + ("扩散模型",), 52),
        ("Swin Transformer: Hierarchical Vision Transformer using Shifted Windows", None, 2021, None, None, "2103.14030", topic + ("扩散模型",), 59),
        ("An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale", None, 2020, None, None, None, topic + ("扩散模型",), 60),
    ]
    rvrt = found[0]
    assert rvrt.abbreviation == "RVRT"
    assert rvrt.venue_raw == "NeurlPS"
    assert [link.label for link in rvrt.links] == ["paper", "code", "note", "pdf"]
    assert rvrt.annotation == "片段内并行、片段间循环，显存友好一些\n关注 guided deformable attention 的实现"
    assert found[1].links == (
        PaperLink("arxiv", "https://arxiv.org/pdf/2012.02181.pdf"),
        PaperLink("website", "https://ckkelvinchan.github.io/projects/BasicVSR/"),
    )


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://arxiv.org/abs/2206.02146", "2206.02146"),
        ("http://arxiv.org/abs/1503.03585v8", "1503.03585"),
        ("https://arxiv.org/pdf/2009.07047v1.pdf", "2009.07047"),
        ("https://arxiv.org/pdf/2304.06703.pdf", "2304.06703"),
        ("http://export.arxiv.org/abs/2208.11803", "2208.11803"),
        ("https://browse.arxiv.org/abs/2203.04279", "2203.04279"),
        ("https://www.arxiv.org/abs/0704.0001v2", "0704.0001"),
        ("http://arxiv.org/abs/cond-mat/9707325v2", "cond-mat/9707325"),
        ("https://arxiv.org/abs/math.GT/0309136", "math.GT/0309136"),
        ("https://huggingface.co/papers/2306.02018", "2306.02018"),
        ("见 arXiv:2305.00163v2 的第三节", "2305.00163"),
        ("arxiv 2106.06847", "2106.06847"),
        ("version 2012.02181 of the code", None),
        ("https://github.com/example/repo/releases/2206.02146", None),
        ("https://arxiv.org/abs/2213.01234", None),
        ("", None),
    ],
)
def test_extract_arxiv_id(text, expected):
    assert extract_arxiv_id(text) == expected


def test_normalise_title():
    assert normalise_title("Is Space-Time Attention All You Need for Video Understanding?") == (
        "is space time attention all you need for video understanding"
    )
    assert normalise_title("  ViViT:  A Video Vision Transformer (Lučić et al.) ") == (
        "vivit a video vision transformer lucic et al"
    )
    assert normalise_title("Swin Transformer: Hierarchical Vision Transformer") == normalise_title(
        "Swin-Transformer--Hierarchical-Vision-Transformer"
    )
    assert normalise_title("非对齐 Feature 融合") == "非对齐 feature 融合"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NeurlPS", "NeurIPS"),
        ("NIPS", "NeurIPS"),
        ("NeurIPS  Dataset and Benchmark Track", "NeurIPS"),
        ("Arxiv", "arXiv"),
        ("ArXiv", "arXiv"),
        ("AeXiv", "arXiv"),
        ("CVPRoral", "CVPR"),
        ("CVPR oral", "CVPR"),
        ("CVPR-workshop", "CVPR"),
        ("CVPR NTIRE 1st", "CVPR"),
        ("CVPRW", "CVPR"),
        ("ICCV_best_paper", "ICCV"),
        ("ICLR Notable-Top-25%", "ICLR"),
        ("TAPMI", "TPAMI"),
        ("NNLS", "TNNLS"),
        ("ACM SIGGRAPH", "SIGGRAPH"),
        ("SIGGRAPH Asia", "SIGGRAPH Asia"),
        ("NeuralComputing", "Neurocomputing"),
        ("TheVisualComputer", "The Visual Computer"),
        ("ECCV20", "ECCV"),
        ("Master Thesis report", "Master Thesis report"),
        ("", None),
        (None, None),
    ],
)
def test_normalise_venue(raw, expected):
    assert normalise_venue(raw) == expected


@pytest.mark.parametrize(
    ("label", "url", "expected"),
    [
        ("Paper", "https://arxiv.org/abs/1", "paper"),
        ("paper(TPAMI version)", "https://arxiv.org/abs/1", "paper"),
        ("github repo", "https://github.com/a/b", "code"),
        ("code: unofficial implementation", "https://github.com/a/b", "code"),
        ("project webpage", "https://a.github.io", "website"),
        ("paper local pdf", "./a.pdf", "pdf"),
        ("our note", "./a_Note.md", "note"),
        ("Blog", "https://zhuanlan.zhihu.com/p/1", "blog"),
        ("blog_explanation", "https://zhuanlan.zhihu.com/p/1", "blog_explanation"),
        ("CompVis/taming-transformers: Taming Transformers for High-Resolution Image Synthesis",
         "https://github.com/CompVis/taming-transformers", "code"),
    ],
)
def test_normalise_link_label(label, url, expected):
    assert normalise_link_label(label, url) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "notes/2022_06_NeurIPS_RVRT_Recurrent-Video-Restoration-Transformer-with-Guided-Deformable-Attention_Note.md",
            ("Recurrent Video Restoration Transformer with Guided Deformable Attention", 2022, 6, "NeurIPS", "NeurIPS", "RVRT"),
        ),
        (
            "2021_09_ICCV_oral_Dual-Camera-Super-Resolution-with-Aligned-Attention-Modules_Note.md",
            ("Dual Camera Super Resolution with Aligned Attention Modules", 2021, 9, "ICCV", "ICCV_oral", None),
        ),
        (
            "2019_SIGGRAPH_DeepRemaster-Temporal-Source-Reference-Attention-Networks_Note.md",
            ("DeepRemaster Temporal Source Reference Attention Networks", 2019, None, "SIGGRAPH", "SIGGRAPH", None),
        ),
        (
            "2020_12_CVPR_BasicVSR--The-Search-for-Essential-Components_Note.md",
            ("BasicVSR: The Search for Essential Components", 2020, 12, "CVPR", "CVPR", None),
        ),
        (
            "2017_06_NIPS_Attention-Is-All-You-Need_Note.md",
            ("Attention Is All You Need", 2017, 6, "NeurIPS", "NIPS", None),
        ),
        (
            "2021_08_Arxiv_SDEdit--Guided-Image-Synthesis_Note.md",
            ("SDEdit: Guided Image Synthesis", 2021, 8, "arXiv", "Arxiv", None),
        ),
        (
            "2023_06_Let-Segment-Anything-Help-Image-Dehaze_Note.md",
            ("Let Segment Anything Help Image Dehaze", 2023, 6, None, None, None),
        ),
        (
            "pdfs/2020_CVPR_Bringing-Old-Photos-Back-to-Life.pdf",
            ("Bringing Old Photos Back to Life", 2020, None, "CVPR", "CVPR", None),
        ),
    ],
)
def test_paper_from_note_filename(path, expected):
    title, year, month, venue, venue_raw, abbreviation = expected
    assert paper_from_note_filename(path) == NoteFileInfo(
        path=path,
        title=title,
        year=year,
        month=month,
        venue=venue,
        venue_raw=venue_raw,
        abbreviation=abbreviation,
    )


@pytest.mark.parametrize(
    "path",
    ["StyleGAN_Note.md", "reading_list.md", "survey_unaligned-feature-fusion.md", "2023_.md", "2022_06_Note.md", "notes.txt"],
)
def test_names_outside_the_pattern_give_none(path):
    assert paper_from_note_filename(path) is None


# --------------------------------------------------------------------------- the real notes


@pytest.fixture
def real_list():
    """Parse one of the real paper lists by its number; skips when the shared data is absent."""
    lists = shared_path("notes", "lists")

    def parse_list(prefix: str) -> list[PaperEntry]:
        (path,) = lists.glob(f"{prefix}_*.md")
        return parse_paper_entries(path.read_text(encoding="utf-8"), path.name)

    return parse_list


def _by_title(entries: list[PaperEntry], title: str) -> PaperEntry:
    matches = [e for e in entries if normalise_title(e.title) == normalise_title(title)]
    assert matches, f"no entry titled {title!r}"
    return matches[0]


def test_hand_checked_entries_in_the_real_lists(real_list):
    feature_alignment = real_list("000")
    rvrt = _by_title(feature_alignment, "Recurrent Video Restoration Transformer with Guided Deformable Attention")
    assert (rvrt.venue, rvrt.venue_raw, rvrt.year, rvrt.month, rvrt.abbreviation, rvrt.read, rvrt.arxiv_id) == (
        "NeurIPS", "NeurlPS", 2022, 6, "RVRT", True, "2206.02146",
    )
    stdan = _by_title(feature_alignment, "STDAN: Deformable Attention Network for Space-Time Video Super-Resolution")
    assert (stdan.venue, stdan.venue_raw, stdan.year, stdan.month, stdan.arxiv_id) == ("TNNLS", "NNLS", 2023, 2, None)
    fgst = _by_title(feature_alignment, "Flow-Guided Sparse Transformer for Video Deblurring")
    assert (fgst.venue, fgst.year, fgst.month, fgst.read, fgst.arxiv_id) == ("ICML", 2022, 1, None, "2201.01893")

    correspondence = real_list("001")
    best_buddies = _by_title(correspondence, "Neural Best-buddies")
    assert (best_buddies.venue, best_buddies.year) == ("SIGGRAPH", 2018)

    journey = real_list("002")
    self_prior = _by_title(journey, "Self-Prior Guided Pixel Adversarial Networks for Blind Image Inpainting")
    assert (self_prior.venue, self_prior.venue_raw, self_prior.year, self_prior.month) == ("TPAMI", "TAPMI", 2023, 6)
    rebotnet = _by_title(journey, "ReBotNet: Fast Real-time Video Enhancement")
    assert (rebotnet.venue, rebotnet.year, rebotnet.month, rebotnet.read, rebotnet.arxiv_id) == (
        "arXiv", 2023, 3, True, "2303.13504",
    )

    table = real_list("003")
    stdf = _by_title(table, "Spatio-Temporal Deformable Convolution for Compressed Video Quality Enhancement")
    assert (stdf.year, stdf.venue) == (2020, None)

    for prefix in ("000", "001", "002", "003", "004"):
        for found in real_list(prefix):
            assert found.title and len(found.title) < 200
            assert found.year is None or 1990 <= found.year <= 2030
