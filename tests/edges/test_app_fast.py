"""The Streamlit page under AppTest with the fake embedder: every flow of the page in seconds.

The real-model page tests (tests/edges/test_app.py) and the browser tests stay marked slow; these run in
the fast suite so a broken widget, view, filter or download is caught by `-m "not slow"` too.
"""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.support.fakes import use_fake_models
from tests.support.paths import REPO


def card_titles(page: AppTest) -> list[str]:
    return [m.value for m in page.markdown if m.value.startswith("**") and ". " in m.value[:8]]


def test_first_run_builds_with_a_plan_and_a_progress_bar(page, tmp_path):
    assert not page.exception
    assert [m.value for m in page.info] == ["Build plan: 10 new, 0 changed, 0 deleted, 0 unchanged"]
    assert page.success[0].value.startswith("Indexed 10 files")
    assert (tmp_path / "index" / "CURRENT").exists()
    page.run()
    assert any("Model: `fake-hash-64`" in m.value for m in page.sidebar.markdown)


def test_search_shows_paper_cards_with_highlights_and_three_downloads(page):
    page.text_input(key="query").input("deformable convolution offsets").run()
    assert not page.exception
    titles = card_titles(page)
    assert titles and any("Deformable" in title for title in titles[:3])
    assert any("<mark>" in m.value for m in page.markdown)
    labels = [button.label for button in page.get("download_button")]
    assert [re.sub(r"\d+", "N", label) for label in labels] == [
        "CSV of the N passages shown", "BibTeX of the N papers shown", "Markdown list of the N papers shown"]


@pytest.mark.parametrize("view", ["By paper", "By file", "By passage"])
def test_each_view_shows_at_most_k_cards(page, view):
    page.number_input(key="k").set_value(4).run()
    page.text_input(key="query").input("video alignment").run()
    page.radio(key="view").set_value(view).run()
    assert not page.exception
    assert 1 <= len(card_titles(page)) <= 4


def test_read_filter_keeps_only_unread_papers(page):
    page.text_input(key="query").input("video alignment").run()
    page.radio(key="f_read").set_value("unread").run()
    cards = [c.value for c in page.caption if "best score" in c.value]
    assert cards and all("⬜ unread" in c for c in cards)


def test_lexical_mode_and_why_this_result(page):
    page.text_input(key="query").input("EDVR").run()
    page.selectbox(key="mode").set_value("lexical").run()
    page.toggle(key="why").set_value(True).run()
    reasons = [m.value for m in page.markdown if "Found by" in m.value]
    assert reasons and all("BM25 rank" in r and "embedding rank" not in r for r in reasons)


def test_rebuild_after_adding_a_note_indexes_only_the_new_file(page, demo_library_copy):
    (demo_library_copy / "notes" / "new_idea.md").write_text(
        "# Flow-free alignment idea\n\nCross-frame attention replaces optical flow warping.\n", encoding="utf-8"
    )
    page.run()
    assert any("not indexed yet" in w.value for w in page.sidebar.warning)
    page.sidebar.button(key="rebuild").click().run()
    assert "Build plan: 1 new, 0 changed, 0 deleted, 10 unchanged" in [m.value for m in page.info]
    assert any(m.value.startswith("Indexed 11 files") for m in page.success)
    # the sidebar describes the index the build just wrote, not the one the run started with
    assert any(m.value.startswith("**11** files") for m in page.sidebar.markdown)
    assert not any("not indexed yet" in w.value for w in page.sidebar.warning)
    page.text_input(key="query").input("cross-frame attention replaces optical flow warping").run()
    page.radio(key="view").set_value("By file").run()
    assert "Flow-free alignment idea" in card_titles(page)[0]


def test_rebuild_with_nothing_new_says_up_to_date(page):
    page.sidebar.button(key="rebuild").click().run()
    assert "The index is already up to date." in [m.value for m in page.success]


def test_empty_query_asks_for_words_and_no_results_say_so(page):
    assert any("Type a question" in c.value for c in page.caption)
    page.text_input(key="query").input("zzzqqq").run()
    page.selectbox(key="mode").set_value("lexical").run()
    assert not page.exception
    assert any("No results." in m.value for m in page.info)


# --------------------------------------------------------------------------- bad input on the page


def open_page(library, index, monkeypatch) -> AppTest:
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_LIBRARY", str(library))
    monkeypatch.setenv("PAPERSEARCH_INDEX", str(index))
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    app.run()
    return app


@pytest.mark.parametrize("damaged", ["chunks.parquet", "vectors.faiss", "manifest.json", "language_direction.npy"])
def test_a_damaged_index_is_rebuilt_by_the_page(page, tmp_path, monkeypatch, demo_library_copy, damaged):
    target = next((tmp_path / "index" / "builds").iterdir()) / damaged
    target.write_bytes(target.read_bytes()[:10])
    st.cache_resource.clear()  # a fresh server: the old searcher is not in memory any more
    again = open_page(demo_library_copy, tmp_path / "index", monkeypatch)
    assert not again.exception and not again.error
    assert any("Rebuilding it from your files" in w.value or "rebuilding it from the files" in w.value
               for w in [*again.warning, *again.info])
    assert not any("Rebuild it. Rebuilding" in w.value for w in again.warning)  # said once, not twice
    again.text_input(key="query").input("deformable convolution").run()
    assert card_titles(again)


def test_an_index_folder_that_is_a_file_is_a_message(demo_library_copy, tmp_path, monkeypatch):
    (tmp_path / "index").write_text("not a folder")
    app = open_page(demo_library_copy, tmp_path / "index", monkeypatch)
    assert not app.exception
    assert "is a file, not a folder" in app.error[0].value


def test_a_rebuild_while_another_build_runs_is_told_so(page, tmp_path, demo_library_copy):
    from library import Library

    (demo_library_copy / "notes" / "late.md").write_text("# Late\n\nA late note.\n", encoding="utf-8")
    with Library(demo_library_copy, tmp_path / "index").store.build_lock():
        page.sidebar.button(key="rebuild").click().run()
    assert not page.exception and not page.error
    assert any("Another build is writing" in w.value for w in page.sidebar.warning)
    page.text_input(key="query").input("deformable convolution").run()  # still searching the current index
    assert card_titles(page)


def test_an_unexpected_error_is_a_message_not_an_exception_box(page, monkeypatch):
    import search

    def broken(self, *args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(search.Searcher, "search", broken)
    page.text_input(key="query").input("anything").run()
    assert not page.exception
    assert "Unexpected RuntimeError: simulated bug" in page.error[0].value


# --------------------------------------------------------------------------- reading a result where it is


def test_query_time_is_shown(page):
    page.text_input(key="query").input("deformable convolution").run()
    assert any(re.match(r"^\d+ (papers?|files?|passages?) in \d+ ms \(Results counts", c.value) for c in page.caption)


def test_a_pdf_passage_shows_its_page_with_the_passage_marked_and_opens_over_http(page, tmp_path):
    page.text_input(key="query").input("offset attention flow-free alignment").run()
    page.radio(key="view").set_value("By passage").run()
    toggle = next(t for t in page.toggle if t.key.startswith("page-"))
    toggle.set_value(True).run()
    assert not page.exception
    (image,) = page.image
    assert "the passage is outlined in blue" in image.captions[0]
    links = [m.value for m in page.markdown if m.value.startswith("[Open PDF at p. ")]
    assert links and "(app/static/pdf/" in links[0] and "#page=" in links[0]


def test_a_note_passage_opens_its_section_as_markdown(page):
    page.text_input(key="query").input("deformable convolution offsets").run()
    page.radio(key="view").set_value("By passage").run()
    toggle = next(t for t in page.toggle if t.key.startswith("note-"))
    toggle.set_value(True).run()
    assert not page.exception
    assert any(c.value.startswith("notes/") and ", from line " in c.value for c in page.caption)


def test_note_passages_read_as_text_not_markdown_source(page):
    page.text_input(key="query").input("deformable convolutional networks paper code").run()
    page.radio(key="view").set_value("By passage").run()
    passages = [m.value for m in page.markdown if "passage-text" in m.value]
    assert passages and not any("](http" in p or "![" in p for p in passages)
    assert any('<a href="https://' in p for p in passages)


def test_papers_added_from_the_page_are_stored_safely_and_searchable(page, demo_library_copy):
    uploader = page.file_uploader[0]
    uploader.set_value([
        ("光流对齐笔记.md", "# 光流对齐\n\nQuasar flux alignment note for testing uploads.\n".encode(), "text/markdown"),
        ("../../escape.md", b"# Escape\n\nA name that tries to leave the library.\n", "text/markdown"),
        (".hidden.md", b"# Hidden\n\nA leading dot.\n", "text/markdown"),
    ]).run()
    page.selectbox(key="upload_folder").set_value("notes").run()
    page.button(key="add").click().run()
    assert not page.exception
    added = [m.value for m in page.success if m.value.startswith("Added")]
    assert len(added) == 3 and any("notes/光流对齐笔记.md" in a for a in added)
    assert (demo_library_copy / "notes" / "escape.md").exists() and (demo_library_copy / "notes" / "hidden.md").exists()
    assert not list(demo_library_copy.parent.glob("escape.md"))
    assert any(m.value.startswith("Indexed 13 files") for m in page.success)
    # the fake embedder's meaning is a hash, so the words decide (BM25 alone), as in the browser tests
    page.selectbox(key="mode").set_value("lexical").run()
    page.text_input(key="query").input("quasar flux alignment").run()
    page.radio(key="view").set_value("By file").run()
    assert "光流对齐" in card_titles(page)[0]


def test_uploading_bytes_already_in_the_library_is_reported(page, demo_library_copy):
    note = next((demo_library_copy / "notes").glob("2017_03*.md"))
    page.file_uploader[0].set_value([("copy.md", note.read_bytes(), "text/markdown")]).run()
    page.button(key="add").click().run()
    assert any("already in the library as" in m.value for m in page.info)
    assert not (demo_library_copy / "copy.md").exists()


# --------------------------------------------------------------------------- related papers and staying current


def test_more_like_this_leaves_the_source_out_and_goes_back(page):
    page.text_input(key="query").input("deformable convolution offsets").run()
    page.radio(key="view").set_value("By passage").run()
    button = next(b for b in page.button if b.key.startswith("like-"))
    source = button.key.removeprefix("like-")
    button.click().run()
    assert not page.exception
    assert any(m.value.startswith("#### More like: ") for m in page.markdown)
    likes = [b.key.removeprefix("like-") for b in page.button if b.key.startswith("like-")]
    assert likes and source not in likes
    page.button(key="unlike").click().run()
    assert not any(m.value.startswith("#### More like") for m in page.markdown)


def test_a_new_query_ends_more_like_this_and_related_papers(page):
    page.text_input(key="query").input("deformable convolution offsets").run()
    next(b for b in page.button if b.key.startswith("like-")).click().run()
    assert any(m.value.startswith("#### More like: ") for m in page.markdown)
    page.text_input(key="query").input("optical flow warping").run()
    assert not any(m.value.startswith("#### More like") for m in page.markdown)
    assert card_titles(page)
    page.text_area(key="pasted").input("Deformable convolution aligns neighbouring frames.").run()
    page.button(key="find_related").click().run()
    assert any("Related to the pasted text" in m.value for m in page.markdown)
    page.text_input(key="query").input("video super-resolution").run()
    assert not any("Related to the pasted text" in m.value for m in page.markdown)
    assert card_titles(page)


def test_a_pasted_abstract_longer_than_the_model_window_finds_related_papers(page):
    abstract = " ".join(["Deformable convolution learns sampling offsets to align neighbouring video frames."] * 30)
    page.text_area(key="pasted").input(abstract).run()
    page.button(key="find_related").click().run()
    assert not page.exception
    assert any("Related to the pasted text" in m.value for m in page.markdown)
    assert any("parts" in w.value for w in page.warning)  # read in several windows, said so
    assert card_titles(page)


def test_the_page_notices_files_not_indexed_yet(page, demo_library_copy):
    (demo_library_copy / "notes" / "fresh.md").write_text("# Fresh\n\nA note added after the build.\n", encoding="utf-8")
    page.run()
    assert any("not indexed yet" in w.value and "1 new" in w.value for w in page.sidebar.warning)


def test_the_read_filter_is_off_when_no_paper_is_marked(page, small_library, tmp_path, monkeypatch):
    assert not page.radio(key="f_read").disabled  # the demo lists mark papers read and unread
    unmarked = open_page(small_library, tmp_path / "unmarked-index", monkeypatch)
    assert unmarked.radio(key="f_read").disabled and "No paper is marked" in unmarked.radio(key="f_read").help


def test_a_folder_without_zotero_in_the_sidebar_is_said_and_the_page_goes_on(page, tmp_path):
    (tmp_path / "not-zotero").mkdir()
    page.text_input(key="zotero_dir").input(str(tmp_path / "not-zotero")).run()
    assert not page.exception
    assert any("zotero.sqlite" in error.value for error in page.sidebar.error)
    page.text_input(key="query").input("deformable convolution offsets").run()
    assert not page.exception and card_titles(page)
