"""ui/desk_state.py: which widget values survive a run that does not draw them."""

from __future__ import annotations

from ui.desk_state import is_kept, keep_desk_state


class RecordingState(dict):
    """A stand-in for st.session_state that records writes (each write keeps a widget's value)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.written: list[str] = []

    def __setitem__(self, key, value):
        self.written.append(key)
        super().__setitem__(key, value)


def test_the_settings_of_both_desks_are_written_back_and_buttons_are_not():
    state = RecordingState({"query": "video", "f_read": "read", "lib_text": "flow", "lib_open": "arxiv-1",
                            "k": 10, "f_years": (2017, 2024), "rebuild": False, "add": False, "like-3": False,
                            "uploads": [], "build_job": object(), "mark_arxiv-1_reading": "read"})
    keep_desk_state(state)
    assert sorted(state.written) == ["f_read", "k", "lib_open", "lib_text", "query"]
    assert state["query"] == "video" and state["lib_open"] == "arxiv-1"


def test_kept_keys():
    assert is_kept("f_author") and is_kept("lib_page") and is_kept("view")
    assert not is_kept("f_years") and not is_kept("find_related") and not is_kept("download")
