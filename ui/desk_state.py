"""The Search and Library desks keep their settings while the other one is shown.

Streamlit forgets the value of every widget a run does not draw, and a run draws one desk only:
without this, going to the Library to mark a paper and coming back cleared the query and reset the
Read filter to "any" (so the mark seemed not to have taken), and the Library lost its filters and
opened paper the other way round. Writing a kept key back to itself through the Session State API
each run is Streamlit's documented way to stop that clean-up (docs: "Widget behavior").
"""

from __future__ import annotations

from collections.abc import MutableMapping

# Values a researcher sets and expects to find again. Buttons and uploads cannot be written through
# Session State (Streamlit refuses), and the Year slider's range changes with the library, so neither
# is kept; a kept choice no longer among a widget's options falls back to its default (Streamlit).
KEPT_KEYS = frozenset({"query", "k", "mode", "view", "pasted", "why",
                       "scope_kind", "scope_paper", "scope_file", "scope_folder"})  # the scope: ui/search_scope.py
KEPT_PREFIXES = ("f_", "lib_", "pick:")  # the filters, the Library's controls, the picked results
NOT_KEPT = frozenset({"f_years"})


def is_kept(key: str) -> bool:
    return key not in NOT_KEPT and (key in KEPT_KEYS or key.startswith(KEPT_PREFIXES))


def keep_desk_state(state: MutableMapping) -> None:
    """Call once per run before either desk is drawn (`state`: st.session_state)."""
    for key in [key for key in list(state.keys()) if isinstance(key, str) and is_kept(key)]:
        state[key] = state[key]
