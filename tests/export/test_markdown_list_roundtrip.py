"""A catalog exported as a Markdown paper list and read back as a library gives the same papers
with the same links and labels (issue #24): titles with CJK, parentheses, spaces and quotes, PDF
names with parentheses and spaces, links of every label (non-arXiv paper pages, `tpami 版本`,
`blog`, code with parentheses), the list placed anywhere in the library."""

from __future__ import annotations

import posixpath

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from export import to_markdown_list
from papers import build_catalog, pdf_paper_info
from papers.links import is_remote

LEADS = ["Falcon", "Harbor", "Quartz", "Meadow", "Cobalt", "Lantern", "Orchid", "Glacier"]  # one per paper
CJK_LEADS = ["猎鹰", "港湾", "石英", "草甸", "钴蓝", "灯笼", "兰花", "冰川"]
MIDDLES = ["Video", "Restoration", "(RVRT)", "注意力", '"Quoted" Words', "Vision-Language", "Diffusion (v2)", "O'Neil's"]
VENUES = [None, "CVPR", "ICCV", "NeurIPS", "TPAMI", "计算机学报"]
LABELS = ["paper", "code", "blog", "tpami 版本", "website", "supp", "video"]
PLACES = [("notes/lists/exported.md", "../.."), ("exported.md", "."), ("notes/exported.md", "..")]


def _url(label: str, i: int, variant: int) -> str:
    return {
        "paper": [f"https://doi.org/10.1109/CVPR.2020.00{i}", f"https://ieeexplore.ieee.org/document/91{i}",
                  f"https://dl.acm.org/doi/10.1145/35{i}", f"https://arxiv.org/abs/2101.0{i:04d}",
                  f"https://openaccess.thecvf.com/content/CVPR2021/html/X_{i}_CVPR_2021_paper.html"][variant % 5],
        "code": f"https://github.com/someone/repo_(v{i})",
        "blog": f"https://zhuanlan.zhihu.com/p/{i}",
        "tpami 版本": f"https://ieeexplore.ieee.org/document/88{i}",
        "website": f"https://example.org/{i}/project page",
        "supp": f"https://example.org/{i}/supp.pdf",
        "video": f"https://www.youtube.com/watch?v={i}",
    }[label]


@st.composite
def libraries(draw):
    """A source list in notes/lists/ with its PDFs: (note text, PDF paths)."""
    count = draw(st.integers(1, len(LEADS)))
    lines, pdfs = ["# Reading", ""], []
    for i in range(count):
        if draw(st.booleans()):
            title = " ".join([LEADS[i], *draw(st.lists(st.sampled_from(MIDDLES), max_size=3)), "Networks"])
        else:
            title = CJK_LEADS[i] + "".join(draw(st.lists(st.sampled_from(["视频修复", "扩散模型", "研究"]), min_size=1, max_size=2)))
        box = draw(st.sampled_from(["", "[ ] ", "[x] "]))
        venue, year = draw(st.sampled_from(VENUES)), draw(st.integers(2000, 2024))
        month = draw(st.sampled_from(["", " Mar", " December"]))
        head = f'- {box}"{title.replace(chr(34), chr(92) + chr(34))}" ' + (f"{venue}, " if venue else "") + f"{year}{month}"
        if draw(st.booleans()):
            head += f", **{LEADS[i][:3].upper()}Net**"
        links = []
        for label in draw(st.lists(st.sampled_from(LABELS), unique=True, max_size=4)):
            links.append(f"[{label}]({_destination(_url(label, i, draw(st.integers(0, 4))))})")
        if draw(st.booleans()):
            name = draw(st.sampled_from([f"{LEADS[i]} (1).pdf", f"{i} some paper name.pdf", f"x({i}).pdf",
                                         f"sub dir/{LEADS[i]}.pdf"]))
            pdfs.append(f"pdfs/{name}")
            links.append(f"[pdf]({_destination('../../pdfs/' + name)})")
        lines.append(head)
        if links:
            lines.append("  " + " ".join(links))
        if draw(st.booleans()):
            lines.append("  > 用 (window) attention 做视频修复")
        lines.append("")
    return "\n".join(lines), pdfs


def _destination(url: str) -> str:
    return f"<{url}>" if any(c in url for c in " ()") else url


def _library(notes: dict[str, str], pdfs: list[str]):
    return build_catalog(notes, {path: pdf_paper_info(None, path) for path in pdfs})


def _described(catalog) -> list[tuple]:
    """What a reader sees of each paper: its fields, web links by label, files."""
    return sorted(
        (p.title, p.venue, p.year, p.month, p.read, p.abbreviation, p.arxiv, p.annotation, p.files,
         tuple(sorted((label, urls) for label, urls in
                      ((label, tuple(u for u in urls if is_remote(u))) for label, urls in p.links.items()) if urls)))
        for p in catalog.papers
    )


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(libraries(), st.sampled_from(PLACES))
def test_an_exported_list_reads_back_as_the_same_papers(library, place):
    source, pdfs = library
    original = _library({"notes/lists/source.md": source}, pdfs)
    assert not original.unresolved_links
    path, root = place
    exported = to_markdown_list(original.papers, root)
    again = _library({path: exported}, pdfs)
    assert _described(again) == _described(original), exported
    assert not again.unresolved_links, exported  # every local link resolves from where the list is
    # and a CommonMark renderer links each PDF where it is, from the list's folder
    hrefs = _local_hrefs(exported)
    assert {posixpath.normpath(posixpath.join(posixpath.dirname(path), h)) for h in hrefs} == set(pdfs)


def _local_hrefs(markdown: str) -> set[str]:
    from urllib.parse import unquote

    tokens = MarkdownIt("commonmark").parse(markdown)
    hrefs = {unquote(child.attrGet("href")) for token in tokens for child in token.children or ()
             if child.type == "link_open"}
    return {h for h in hrefs if not is_remote(h)}
