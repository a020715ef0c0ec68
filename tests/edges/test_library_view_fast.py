"""The Library view under AppTest with the fake embedder: the table, its filters, a paper opened
and marked from there, and the search's Read filter following the mark."""

from __future__ import annotations

import json


RETHINKING = "arxiv-2207.08494"  # "- [ ]" in the demo's list, no note of its own
EDVR = "arxiv-1905.02716"


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


def test_a_citation_opens_the_cited_paper_in_the_library_view(page):  # noqa: F811
    page.radio(key="desk").set_value("Library").run()
    page.text_input(key="lib_text").input("EDVR").run()
    assert table_titles(page)[0].startswith("EDVR")
    page.selectbox(key="lib_open").set_value(EDVR).run()
    assert not page.exception
    citing = [b for b in page.button if (b.key or "").startswith("lib-cite-") and "Cited by" in b.key]
    assert citing and citing[0].label.startswith("Offset Attention")  # the demo's Offset Attention PDF cites EDVR
    citing[0].click().run()
    assert not page.exception
    assert page.markdown and any(m.value.startswith("### Offset Attention") for m in page.markdown)
    assert any("Opened from a citation" in c.value for c in page.caption)
    back = [b for b in page.button if (b.key or "").startswith("lib-cite-") and b.key.endswith(f"Cites-{EDVR}")]
    assert back and back[0].label.startswith("EDVR")
    back[0].click().run()
    assert any(m.value.startswith("### EDVR") for m in page.markdown)


def test_the_search_desk_keeps_its_query_and_read_filter_while_the_library_is_shown(page):
    """Streamlit forgets a widget a run does not draw; the desks keep theirs (ui/desk_state.py)."""
    page.text_input(key="query").input("video alignment").run()
    page.radio(key="f_read").set_value("unread").run()
    page.radio(key="desk").set_value("Library").run()
    page.text_input(key="lib_text").input("rethinking").run()
    page.selectbox(key="lib_open").set_value(RETHINKING).run()
    page.radio(key="desk").set_value("Search").run()
    assert page.text_input(key="query").value == "video alignment"
    assert page.radio(key="f_read").value == "unread"
    page.radio(key="desk").set_value("Library").run()
    assert page.text_input(key="lib_text").value == "rethinking"
    assert page.selectbox(key="lib_open").value == RETHINKING


def test_a_paper_read_by_its_list_can_be_marked_read_and_stays_open_when_it_leaves_the_filter(
        page, demo_library_copy):
    """The radio shows the marks file's word only: a paper read by its [x] has none chosen, so
    choosing "read" writes a mark; a paper marked out of the table's filter stays open."""
    dcn_v2 = "arxiv-1811.11168"  # "- [x]" in the demo's list, no note of its own
    page.radio(key="desk").set_value("Library").run()
    page.selectbox(key="lib_read").set_value("read").run()
    page.selectbox(key="lib_open").set_value(dcn_v2).run()
    reading = page.radio(key=f"mark_{dcn_v2}_reading")
    assert reading.value is None and any(c.value.startswith("Now: read — from the") for c in page.caption)
    reading.set_value("read").run()
    marks = json.loads((demo_library_copy / ".papersearch-marks.json").read_text(encoding="utf-8"))
    assert marks["papers"]["arxiv:1811.11168"]["reading"] == "read"
    page.radio(key=f"mark_{dcn_v2}_reading").set_value("to-read").run()  # no longer "read": leaves the table
    assert page.selectbox(key="lib_open").value == dcn_v2
    assert page.radio(key=f"mark_{dcn_v2}_reading").value == "to-read"
    assert not page.exception


def test_a_papers_note_opens_in_the_editor_and_a_missing_opener_is_said(page, demo_library_copy, tmp_path,
                                                                        monkeypatch):
    """"Open in editor" starts $PAPERSEARCH_OPENER with the note's path inside the library (a
    recording stand-in here, never a real program); an opener that is not there is a message."""
    import shlex
    import sys

    from tests.library.test_open_files import RECORDER, recorded

    log = tmp_path / "opened.log"
    monkeypatch.setenv("PAPERSEARCH_OPENER", f"{shlex.quote(sys.executable)} {shlex.quote(str(RECORDER))}")
    monkeypatch.setenv("PAPERSEARCH_OPENER_LOG", str(log))
    attention, note = "arxiv-1706.03762", "notes/2017_06_NIPS_Attention-Is-All-You-Need_Note.md"
    page.radio(key="desk").set_value("Library").run()
    page.selectbox(key="lib_open").set_value(attention).run()
    page.button(key=f"open-paper-{attention}-{note}").click().run()
    assert not page.exception and not page.error
    assert recorded(log) == [[str((demo_library_copy / note).resolve())]]
    page.button(key=f"folder-paper-{attention}-{note}").click().run()
    assert recorded(log, 2)[1] == [str((demo_library_copy / note).resolve().parent)]
    monkeypatch.setenv("PAPERSEARCH_OPENER", "no-such-opener-program")
    page.button(key=f"open-paper-{attention}-{note}").click().run()
    assert any("which is not a program on this computer" in e.value for e in page.error)


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
    table_downloads = {label: b for label, b in _downloads(page).items() if "of these 0 papers" in label}
    assert len(table_downloads) == 3 and all(button.proto.disabled for button in table_downloads.values())
    assert not page.exception


def test_a_paper_opened_from_a_citation_stays_open_when_the_filter_matches_no_paper(page):  # noqa: F811
    page.radio(key="desk").set_value("Library").run()
    page.text_input(key="lib_text").input("EDVR").run()
    page.selectbox(key="lib_open").set_value(EDVR).run()
    citing = [b for b in page.button if (b.key or "").startswith("lib-cite-") and "Cited by" in b.key]
    citing[0].click().run()
    page.text_input(key="lib_text").input("no paper is called this").run()
    assert not page.exception
    assert any("No paper matches" in i.value for i in page.info)
    assert any(m.value.startswith("### Offset Attention") for m in page.markdown)
