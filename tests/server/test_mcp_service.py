"""server/service.py in-process (issue #22): `open` links to the running page, and the Host rule."""

from __future__ import annotations

from library import Library
from library.served_files import served_subfolder
from server.http_app import Guard, _split_host
from server.service import LibraryService
from tests.support.fakes import FakeEmbedder
from tests.support.mcp_harness import FAKE_MODEL, build


def test_open_links_point_at_the_page_when_its_address_is_given(small_library, tmp_path):
    build(small_library)
    static = tmp_path / "static"
    service = LibraryService(small_library, page_url="http://localhost:8501/", static_dir=static,
                             load=lambda name: FakeEmbedder(name))
    answer = service.search("multi-head attention", k=3, filters=None)
    pdf = next(result for result in answer["results"] if result["kind"] == "pdf")
    sha = Library(small_library).manifest().files["pdfs/transformers.pdf"].sha256
    sub = served_subfolder(Library(small_library).index_dir)
    assert pdf["open"] == f"http://localhost:8501/app/static/pdf/{sub}/{sha[:32]}.pdf#page={pdf['page']}"
    assert (static / "pdf" / sub / f"{sha[:32]}.pdf").read_bytes() == (small_library / "pdfs/transformers.pdf").read_bytes()
    note = next(result for result in answer["results"] if result["kind"] == "note")
    assert note["open"] == str(small_library.absolute() / note["path"])  # notes: their file
    assert answer["build"] == Library(small_library).build_id() and FAKE_MODEL in service.status()["model"]


def test_the_host_rule_reads_ipv6_and_ports():
    assert _split_host("[::1]:8765") == ("::1", 8765) and _split_host("localhost") == ("localhost", None)
    guard = Guard(app=None, host="127.0.0.1", port=8765, token=None)
    assert guard._host_allowed("127.0.0.1:8765") and guard._host_allowed("[::1]:8765")
    assert not guard._host_allowed("127.0.0.1:9999") and not guard._host_allowed("evil.example:8765")
    assert not guard._host_allowed("127.0.0.1:8765@evil") and not guard._host_allowed("")
    assert guard._origin_allowed("http://localhost:3000", "127.0.0.1:8765")
    assert not guard._origin_allowed("null", "127.0.0.1:8765")
    assert not guard._origin_allowed("http://localhost.evil.example", "127.0.0.1:8765")


def test_a_paper_entry_of_a_gbk_note_is_given_as_chinese(small_library):
    entry = '- [x] "Deformable ConvNets v2: More Deformable, Better Results" CVPR, 2019 可变形卷积的对齐'
    (small_library / "notes" / "清单.md").write_bytes(f"# 阅读清单\n\n## 对齐\n\n{entry}\n".encode("gbk"))
    build(small_library)
    paper = next(p for p in Library(small_library).catalog().papers if p.title.startswith("Deformable ConvNets v2"))
    service = LibraryService(small_library, load=lambda name: FakeEmbedder(name))
    entries = service.get(paper_id=paper.paper_id)["paper"]["entries"]
    assert [item["text"] for item in entries if item["path"] == "notes/清单.md"] == [entry]


def test_the_tools_filter_the_users_own_highlights_by_kind_and_colour(small_library, tmp_path):
    """A highlight written into a PDF (as a reader app does) comes back alone with kind=annotation,
    and a colour filter keeps only marks of that colour; an unknown kind or colour is refused."""
    import pytest

    from server.service import Filters, ServiceError
    from tests.support.pdf_marks import MarkSpec, annotate_pdf, first_long_line

    pdf = small_library / "pdfs" / "transformers.pdf"
    line = first_long_line(pdf, 1, min_chars=20)
    marked = annotate_pdf(pdf, tmp_path / "marked.pdf", [MarkSpec(1, "highlight", line, "quadratic cost!", "ffd400")])
    pdf.write_bytes(marked.read_bytes())
    build(small_library)
    service = LibraryService(small_library, load=lambda name: FakeEmbedder(name))
    marks = service.search("self-attention quadratic cost", k=10, mode="lexical", filters=Filters(kind="annotation"))
    assert marks["results"] and all(result["kind"] == "annotation" for result in marks["results"])
    yellow = service.search("self-attention quadratic cost", k=10, mode="lexical",
                            filters=Filters(kind="annotation", colour="yellow"))
    assert [r["chunk_id"] for r in yellow["results"]] == [r["chunk_id"] for r in marks["results"]]
    assert not service.search("self-attention quadratic cost", k=10, mode="lexical",
                              filters=Filters(colour="red"))["results"]
    with pytest.raises(ServiceError, match="kind must be one of"):
        Filters(kind="slides").to_result_filter()
    with pytest.raises(ServiceError, match="colour must be one of"):
        Filters(colour="mauve").to_result_filter()
