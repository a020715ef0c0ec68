"""Red team L18: PAPERSEARCH_THREADS=100000 gave no answer in 60 s. The setting is bounded to
1..the available cores (embed/threads.py): more is used as the cores, with a warning."""

from __future__ import annotations

import logging

import pytest

from embed import ModelLoadError
from embed.threads import ENV_THREADS, available_cores, configured_threads


@pytest.mark.parametrize("value", ["100000", "1000000000000000000000000", str(available_cores() + 1)])
def test_more_threads_than_cores_is_capped_with_a_warning(monkeypatch, caplog, value):
    monkeypatch.setenv(ENV_THREADS, value)
    with caplog.at_level(logging.WARNING, logger="embed.threads"):
        assert configured_threads() == available_cores()
    assert f"{ENV_THREADS}={value} is more than the {available_cores()} cores" in caplog.text


@pytest.mark.parametrize("value", ["0", "-3", "abc", "2.5"])
def test_fewer_than_one_thread_is_a_clear_error_naming_the_range(monkeypatch, value):
    monkeypatch.setenv(ENV_THREADS, value)
    with pytest.raises(ModelLoadError, match=f"{ENV_THREADS} must be a whole number of threads \\(1 to "):
        configured_threads()


def test_a_value_in_range_is_used_as_given(monkeypatch, caplog):
    monkeypatch.setenv(ENV_THREADS, "1")
    with caplog.at_level(logging.WARNING):
        assert configured_threads() == 1
    assert not caplog.text


def test_unset_means_every_core_and_a_default_is_bounded_too(monkeypatch):
    monkeypatch.delenv(ENV_THREADS, raising=False)
    assert configured_threads() == available_cores()
    assert configured_threads(default=1) == 1
    assert configured_threads(default=10**6) == available_cores()


def test_every_engine_reads_the_count_only_through_configured_threads():
    """So the bound applies to each of them (no engine reads the variable itself)."""
    import inspect

    from embed import onnx_engine, sentence_transformer, use_multilingual

    for module in (onnx_engine, sentence_transformer, use_multilingual):
        assert "configured_threads(" in inspect.getsource(module)
        assert "PAPERSEARCH_THREADS\"" not in inspect.getsource(module)
