"""The Streamlit page under AppTest, with the real default model on a copy of the demo library."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from embed import DEFAULT_MODEL
from tests.support.paths import REPO

pytestmark = pytest.mark.slow


@pytest.fixture
def page(demo_library_copy, tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("PAPERSEARCH_LIBRARY", str(demo_library_copy))
    monkeypatch.setenv("PAPERSEARCH_INDEX", str(tmp_path / "index"))
    monkeypatch.delenv("PAPERSEARCH_MODEL", raising=False)
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
    app.run()
    return app


def test_first_run_builds_the_index_then_answers_queries(page, tmp_path):
    assert not page.exception
    assert [m.value for m in page.info] == ["Build plan: 10 new, 0 changed, 0 deleted, 0 unchanged"]
    assert page.success[0].value.startswith("Indexed 10 files")
    assert (tmp_path / "index" / "CURRENT").exists()
    page.run()  # the sidebar is drawn before the build, so it shows the model on the next run
    assert any(f"Model: `{DEFAULT_MODEL}`" in m.value for m in page.sidebar.markdown)

    page.text_input(key="query").input("how does DDPM add noise").run()
    titles = [m.value for m in page.markdown if m.value.startswith("**1. ")]
    assert titles and "Denoising Diffusion Probabilistic Models" in titles[0]
    assert any("<mark>" in m.value for m in page.markdown)
    download = page.get("download_button")
    assert download and download[0].label.startswith("CSV of the ") and download[0].label.endswith(" passages shown")


def test_passage_view_and_rebuild_after_adding_a_note(page, demo_library_copy):
    page.text_input(key="query").input("非对齐特征融合").run()
    page.radio(key="view").set_value("By passage").run()
    passages = [m.value for m in page.markdown if m.value.startswith("**") and ". " in m.value]
    assert len(passages) == 10  # one card per passage, k=10

    (demo_library_copy / "notes" / "new_idea.md").write_text(
        "# Optical flow free alignment idea\n\nUse cross-frame attention instead of flow warping.\n",
        encoding="utf-8",
    )
    page.sidebar.button(key="rebuild").click().run()
    assert "Build plan: 1 new, 0 changed, 0 deleted, 10 unchanged" in [m.value for m in page.info]
    assert any("Indexed 11 files" in m.value for m in page.success)

    page.text_input(key="query").input("cross-frame attention instead of flow warping").run()
    page.radio(key="view").set_value("By file").run()
    first = next(m.value for m in page.markdown if m.value.startswith("**1. "))
    assert "Optical flow free alignment idea" in first


def test_empty_library_shows_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PAPERSEARCH_LIBRARY", str(tmp_path / "empty"))
    monkeypatch.delenv("PAPERSEARCH_INDEX", raising=False)
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    app.run()
    assert not app.exception
    assert "No PDF, Markdown or text files" in app.error[0].value


def test_ranking_modes_and_why_this_result(page):
    page.text_input(key="query").input("EDVR").run()
    page.toggle(key="why").set_value(True).run()
    reasons = [m.value for m in page.markdown if "Found by" in m.value]
    assert reasons and any("BM25 rank" in r and "embedding rank" in r for r in reasons)
    page.selectbox(key="mode").set_value("lexical").run()
    reasons = [m.value for m in page.markdown if "Found by" in m.value]
    assert reasons and not any("embedding rank" in r for r in reasons)
    first = next(m.value for m in page.markdown if m.value.startswith("**1. "))
    assert "EDVR" in first


def test_paper_cards_and_filters(page):
    page.text_input(key="query").input("video alignment").run()
    assert not page.exception
    captions = [c.value for c in page.caption]
    # a list entry's card: its venue, year and read mark (BasicVSR++, the third entry of its list)
    assert any(c.startswith("CVPR 2021 · ✅ read · ") for c in captions), captions
    assert any("arxiv.org/abs/" in m.value for m in page.markdown)

    page.radio(key="f_read").set_value("unread").run()
    cards = [c.value for c in page.caption if "best score" in c.value]
    assert cards and all("⬜ unread" in c for c in cards)

    page.radio(key="f_read").set_value("any").run()
    page.checkbox(key="f_pdf").check().run()
    titles = [m.value for m in page.markdown if m.value.startswith("**") and ". " in m.value]
    assert titles and all("Offset Attention" in t or "Contrastive Sentence Embeddings" in t for t in titles)
    assert any(m.value.startswith("[Open PDF at p. ") and "(app/static/pdf/" in m.value for m in page.markdown)
