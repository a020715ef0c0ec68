"""Reference lists are found (corpus/bibliography.py), in linear time, and stored as each
passage's role; an index written before roles existed still opens and gets them at its next build."""

from __future__ import annotations

import json

import textwrap

import pyarrow as pa
import pyarrow.ipc as ipc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus import BODY, REFERENCES, passage_roles
from corpus.bibliography import cue_density
from tests.corpus.test_parser_properties import _assert_linear

PROSE = [
    "Video restoration recovers clean frames from degraded ones. We align neighbouring frames with "
    "deformable convolution and fuse their features before reconstruction.",
    "Our method improves PSNR by a large margin on two benchmarks while using fewer parameters, "
    "and the ablation shows that alignment matters most.",
]
ENTRIES = (
    "[1] K. He, X. Zhang, S. Ren, and J. Sun. Deep residual learning for image recognition. In CVPR, 2016. "
    "[2] A. Vaswani, N. Shazeer, N. Parmar, et al. Attention is all you need. In NeurIPS, pp. 5998-6008, 2017. "
    "[3] J. Ho, A. Jain, and P. Abbeel. Denoising diffusion probabilistic models. arXiv preprint arXiv:2006.11239, 2020."
)


def test_prose_is_body_and_a_reference_list_after_its_heading_is_references():
    passages = PROSE + [f"We thank the reviewers. References {ENTRIES}", ENTRIES, ENTRIES]
    assert passage_roles(passages) == [BODY, BODY, REFERENCES, REFERENCES, REFERENCES]


def test_the_heading_passage_is_body_when_it_is_mostly_the_papers_own_text():
    conclusion = " ".join(PROSE) + " References [1] K. He. Deep residual learning."
    assert passage_roles([conclusion, ENTRIES]) == [BODY, REFERENCES]


def test_an_appendix_after_the_list_is_body_again_with_or_without_its_heading():
    appendix = "A. Implementation details. We train for 300 epochs with a batch size of 16 and a cosine schedule."
    assert passage_roles(["References", ENTRIES, appendix, ENTRIES[:60] + " " + PROSE[0]])[:3] == [
        BODY, REFERENCES, BODY]
    assert passage_roles(["参考文献", ENTRIES, "附录 " + PROSE[1]]) == [BODY, REFERENCES, BODY]


def test_a_list_whose_heading_was_lost_is_found_by_its_density_alone():
    assert passage_roles(PROSE + [ENTRIES]) == [BODY, BODY, REFERENCES]
    assert cue_density(ENTRIES) > 20 > 4 > cue_density(PROSE[0])


def test_a_sentence_that_mentions_references_does_not_start_a_list():
    text = "References to earlier work are given in the text; we compare with them below."
    assert passage_roles([text, PROSE[0]]) == [BODY, BODY]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.lists(st.sampled_from(list("[]().,;: \n") + ["References", "参考文献", "Appendix", "2019",
                                                               "et al.", "In", "K.", "He,", "A", "pp.", "(1) A"]),
                         max_size=60).map("".join), max_size=8)
       | st.lists(st.text(max_size=200), max_size=8))
def test_any_passages_get_one_role_each(passages):
    roles = passage_roles(passages)
    assert len(roles) == len(passages) and set(roles) <= {BODY, REFERENCES}


@pytest.mark.parametrize("make", [
    lambda n: "References " + "K. " * n,
    lambda n: "[1] " * n,
    lambda n: "Aaaa, " * n + "B.",
    lambda n: "参考文献 " + "(1) A" * n,
], ids=["initials", "markers", "names", "numbered"])
def test_pathological_passages_are_read_in_linear_time(make):
    _assert_linear(lambda text: passage_roles([text, text]), make, 20_000, 1.5)


def test_a_pdf_s_reference_list_is_stored_as_its_passages_role(tmp_path, fake_embedder):
    lib = _built_paper_library(tmp_path, fake_embedder)
    passages = lib.load().passages
    roles = dict(zip(passages.column("page").to_pylist(), passages.column("role").to_pylist()))
    assert roles[1] == BODY and roles[3] == REFERENCES


def test_an_index_from_before_roles_opens_and_its_next_build_adds_them(tmp_path, fake_embedder):
    lib = _built_paper_library(tmp_path, fake_embedder)
    path = lib.load().location / "passages.arrow"
    table = ipc.open_file(pa.memory_map(str(path), "r")).read_all()
    old = table.drop_columns(["role"])
    written = path.with_name("old.arrow")
    with pa.OSFile(str(written), "wb") as sink, ipc.new_file(sink, old.schema) as writer:
        writer.write_table(old)
    written.replace(path)  # the table above is memory-mapped from `path`: never write over it in place
    (path.parent / "checksums.json").unlink()  # an index that old has no checksums either
    manifest = json.loads((path.parent / "manifest.json").read_text(encoding="utf-8"))
    del manifest["has_checksums"]  # nor did its manifest record them (index/migrations.checksums_required)
    (path.parent / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    before = lib.load()
    assert not before.roles_known and set(before.passages.column("role").to_pylist()) == {BODY}
    report = lib.update(fake_embedder.name, load_embedder=lambda name: fake_embedder)
    assert report.wrote_index and report.chunks_added == 0  # roles added without embedding again
    after = lib.load()
    assert after.roles_known and REFERENCES in after.passages.column("role").to_pylist()
    assert not lib.update(fake_embedder.name, load_embedder=lambda name: fake_embedder).wrote_index


def _built_paper_library(tmp_path, embedder):
    """A library of one PDF (prose, then a reference list over two pages), built."""
    from library import Library
    from tests.support.pdf_factory import write_pdf

    library = tmp_path / "library"
    (library / "pdfs").mkdir(parents=True)
    pages = [" ".join(PROSE * 3), "References " + ENTRIES, ENTRIES]
    write_pdf(library / "pdfs" / "paper.pdf", ["\n".join(textwrap.wrap(page, 90)) for page in pages])
    lib = Library(library, tmp_path / "index")
    lib.update(embedder.name, load_embedder=lambda name: embedder)
    return lib
