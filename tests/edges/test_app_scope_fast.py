"""The page's scoped search, recent searches and picked exports under AppTest (fake embedder)."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from library.recent_searches import RECENT_FILE

LIST = "notes/video_restoration_reading_list.md"
DCN = "arxiv-1703.06211"  # Deformable Convolutional Networks: its own note and an entry in LIST


def passages_shown(page: AppTest) -> list[str]:
    """The path · location line of every passage on the page."""
    return [m.value for m in page.markdown if "class='passage" in m.value]


def labels(page: AppTest) -> list[str]:
    return [button.label for button in page.get("download_button")]


def test_search_within_a_list_then_the_whole_library_again(page):
    page.radio(key="view").set_value("By file").run()
    page.text_input(key="query").input("video alignment").run()
    everywhere = [m.value for m in page.caption if " · best score " in m.value]
    assert len({line.split(" · ")[1] for line in everywhere}) > 1
    page.sidebar.radio(key="scope_kind").set_value("One list or note").run()
    page.sidebar.selectbox(key="scope_file").set_value(LIST).run()
    assert not page.exception
    within = [m.value for m in page.caption if " · best score " in m.value]
    assert within and all(LIST.replace("_", "\\_") in line or LIST in line for line in within)
    assert any("Searching only within" in m.value and "video\\_restoration\\_reading\\_list" in m.value for m in page.info)
    page.button(key="scope_clear").click().run()
    assert page.sidebar.radio(key="scope_kind").value == "The whole library"
    assert not any("Searching only within" in m.value for m in page.info)


def test_search_within_this_paper_from_its_card(page):
    page.text_input(key="query").input("deformable convolution").run()
    page.button(key=f"within-paper-{DCN}").click().run()
    assert not page.exception
    assert page.sidebar.selectbox(key="scope_paper").value == DCN
    titles = [m.value for m in page.markdown if m.value.startswith("**1. ")]
    assert len([m for m in page.markdown if re.match(r"^\*\*\d+\. ", m.value)]) == 1  # one paper: one card
    assert "Deformable Convolutional Networks" in titles[0]
    assert not [b for b in page.button if str(b.key).startswith("within-paper-")]  # it is the scope already


def test_picked_cards_are_what_the_buttons_export(page):
    page.text_input(key="query").input("video alignment").run()
    before = labels(page)
    assert all(label.endswith(" shown") for label in before)
    picks = [box for box in page.checkbox if str(box.key).startswith("pick:paper:")]
    assert len(picks) >= 3
    picks[0].check().run()
    picks = [box for box in page.checkbox if str(box.key).startswith("pick:paper:")]
    picks[2].check().run()
    after = labels(page)
    assert after[1:] == ["BibTeX of the 2 papers picked", "Markdown list of the 2 papers picked"], after
    assert re.fullmatch(r"CSV of the \d+ passages? picked", after[0])
    page.text_input(key="query").input("diffusion noise").run()  # a new search starts with nothing picked
    assert all(label.endswith(" shown") for label in labels(page))


def test_recent_searches_are_listed_and_run_again(page, tmp_path):
    page.text_input(key="query").input("deformable convolution").run()
    page.selectbox(key="mode").set_value("lexical").run()
    page.text_input(key="query").input("扩散模型").run()
    recent = [b for b in page.sidebar.button if str(b.key).startswith("recent-")]
    assert [b.label for b in recent][:3] == ["扩散模型", "deformable convolution", "deformable convolution"]
    assert (tmp_path / "index" / RECENT_FILE).is_file()
    recent[2].click().run()  # the first one, ranked hybrid
    assert page.text_input(key="query").value == "deformable convolution"
    assert page.selectbox(key="mode").value == "hybrid"


def test_a_damaged_recent_file_is_said_and_the_page_goes_on(page, tmp_path):
    (tmp_path / "index" / RECENT_FILE).write_text("{broken", encoding="utf-8")
    page.text_input(key="query").input("deformable convolution").run()
    assert not page.exception and not page.error
    assert any("damaged" in c.value for c in page.sidebar.caption)
    page.run()
    assert [b.label for b in page.sidebar.button if str(b.key).startswith("recent-")] == ["deformable convolution"]


def test_search_within_a_paper_opened_in_the_library_view(page):
    page.radio(key="desk").set_value("Library").run()
    page.text_input(key="lib_text").input("deformable convolutional networks").run()
    page.selectbox(key="lib_open").set_value(DCN).run()
    page.button(key=f"within-view-{DCN}").click().run()
    assert not page.exception
    assert page.radio(key="desk").value == "Search"
    assert page.sidebar.radio(key="scope_kind").value == "One paper"
    page.text_input(key="query").input("offset").run()
    cards = [m.value for m in page.markdown if re.match(r"^\*\*\d+\. ", m.value)]
    assert cards == ["**1. Deformable Convolutional Networks**"]
