"""The Library view under AppTest with the fake embedder: the table, its filters, a paper opened
and marked from there, and the search's Read filter following the mark."""

from __future__ import annotations

import json


RETHINKING = "arxiv-2207.08494"  # "- [ ]" in the demo's list, no note of its own


def table_titles(app) -> list[str]:
    return list(app.table[0].value["Title"]) if app.table else []


def test_the_library_view_lists_filters_opens_and_marks_a_paper(page, demo_library_copy):  # noqa: F811
    page.radio(key="desk").set_value("Library").run()
    assert not page.exception
    titles = table_titles(page)
    assert len(titles) >= 15 and titles == sorted(titles, key=str.casefold)
    assert any("of" in c.value and c.value.startswith("Papers 1–") for c in page.caption)
    page.selectbox(key="lib_read").set_value("to read").run()
    assert not page.table and any("No paper matches" in i.value for i in page.info)
    page.selectbox(key="lib_read").set_value("any").run()
    page.text_input(key="lib_text").input("rethinking alignment").run()
    assert table_titles(page) == ["Rethinking Alignment in Video Super-Resolution Transformers"]
    page.selectbox(key="lib_open").set_value(RETHINKING).run()
    assert any("in your paper list" in c.value for c in page.caption)  # unread, from the list's box
    page.radio(key=f"mark_{RETHINKING}_reading").set_value("to-read").run()
    assert not page.exception
    marks = json.loads((demo_library_copy / ".papersearch-marks.json").read_text(encoding="utf-8"))
    assert marks["papers"]["arxiv:2207.08494"]["reading"] == "to-read"
    page.text_input(key="lib_text").input("").run()
    page.selectbox(key="lib_read").set_value("to read").run()
    assert table_titles(page) == ["Rethinking Alignment in Video Super-Resolution Transformers"]
    page.radio(key="desk").set_value("Search").run()
    page.radio(key="f_read").set_value("to read").run()
    page.text_input(key="query").input("video alignment").run()
    cards = [m.value for m in page.markdown if m.value.startswith("**1. ")]
    assert cards and "Rethinking Alignment" in cards[0]


def test_health_is_said_in_words_when_asked(page, demo_library_copy):  # noqa: F811
    (demo_library_copy / "notes" / "extra_list.md").write_text(
        '# Extra\n\n- [ ] "A Paper That Is Not Here" CVPR, 2023 Mar\n  [pdf](../pdfs/not-here.pdf)\n', encoding="utf-8")
    page.button(key="rebuild").click().run()
    page.run()
    page.radio(key="desk").set_value("Library").run()
    page.toggle(key="lib_health").set_value(True).run()
    assert not page.exception
    said = " ".join(m.value for m in page.markdown)
    assert "link in your notes points to a file that is not there" in said and "Correct the link" in said


def _downloads(app) -> dict[str, object]:
    return {button.proto.label: button for button in app.get("download_button")}


def test_the_library_view_downloads_the_papers_its_filters_keep(page):
    page.radio(key="desk").set_value("Library").run()
    total = len(page.table[0].value) if page.table else 0
    buttons = _downloads(page)
    assert set(buttons) == {f"{kind} of these {total:,} papers" for kind in ("BibTeX", "Markdown paper list", "CSV")}
    assert not any(button.proto.disabled for button in buttons.values())
    page.text_input(key="lib_text").input("rethinking alignment").run()
    assert set(_downloads(page)) == {f"{kind} of this paper" for kind in ("BibTeX", "Markdown paper list", "CSV")}
    page.selectbox(key="lib_open").set_value(RETHINKING).run()
    labels = [button.proto.label for button in page.get("download_button")]
    assert labels.count("BibTeX of this paper") == 2  # the opened paper's own, beside the table's
    page.text_input(key="lib_text").input("no such paper anywhere").run()
    assert all(button.proto.disabled for button in _downloads(page).values())
    assert not page.exception
