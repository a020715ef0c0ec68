"""Under load: 8 page sessions searching at once, CLI searches during a rebuild, and two Rebuild
clicks at the same moment. The scenarios live in tests/support/load_harness.py (bench/speed/bench_load.py runs
them with more repetitions); all on 127.0.0.1, with the fake embedder."""

from __future__ import annotations

import asyncio

import pytest

from tests.support import load_harness as load
from tests.support.paths import in_ci

pytestmark = pytest.mark.slow



@pytest.fixture
def indexed_demo(tmp_path):
    return load.demo_library_with_index(tmp_path)


@pytest.fixture
def chromium():
    if not load.CHROMIUM.exists():
        message = f"{load.CHROMIUM} not found (apt-get install -y chromium)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)


def test_eight_sessions_search_at_once_each_sees_only_its_own(chromium, indexed_demo, tmp_path):
    library, index = indexed_demo
    plans = load.session_plans(library, index, rounds=2)
    with load.page_server(library, index, tmp_path / "streamlit.log") as url:
        result = asyncio.run(load.run_sessions(url, plans))
    assert result.rounds == 2 and result.searches == 16
    print(f"8 sessions x 2 rounds, Enter -> own cards on screen: {load.percentiles(result.latencies)}")


def test_cli_searches_during_a_rebuild_all_answer(indexed_demo, tmp_path):
    library, index = indexed_demo
    result = load.cli_searches_during_rebuild(library, index, tmp_path / "gate", release_after=2)
    assert result.searches == 4
    assert result.during_build >= 2, "the first two searches answer while the build is held"
    print(f"4 CLI searches during a rebuild, process wall time: {load.percentiles(result.latencies)}; "
          f"{result.during_build} ended before the rebuild did; rebuild {result.rebuild_seconds[0]:.1f} s")


def test_two_rebuild_clicks_at_once_share_one_build(chromium, indexed_demo, tmp_path):
    library, index = indexed_demo
    gate = tmp_path / "gate"
    with load.page_server(library, index, tmp_path / "streamlit.log", gate=gate) as url:
        result = asyncio.run(load.rebuild_races(url, library, index, gate, rounds=1))
    assert result.races == 1
    print(f"Rebuild race: both sessions followed one build {result.joined_seconds[0]:.2f} s after the clicks; "
          f"a search found the new note in {result.search_after_seconds[0]:.2f} s")
