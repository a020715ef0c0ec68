"""The pure parts of the topic-heading lab (bench/experiments/topic_heading_lab.py): which files sit
under a heading, and how the heading bonus re-ranks a file ranking."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from bench.experiments.topic_heading_lab import Setting, heading_files, looks_topical, rerank, zscores


def _record(files, entries, topics):
    return SimpleNamespace(files=tuple(files), entries=tuple(SimpleNamespace(path=p) for p in entries), topics=topics)


def _setting(**changes) -> Setting:
    values = dict(signal="e5", top=1, threshold=2.0, bonus=0.5, scope="all", base="score", inject=False)
    return Setting(**{**values, **changes})


def test_heading_files_joins_paths_and_collects_notes_pdfs_and_lists():
    under = heading_files([
        _record(["notes/a.md", "pdfs/a.pdf"], ["notes/lists/l.md"], (("Video", " Restoration "),)),
        _record([], ["notes/lists/l.md"], (("Video", "Restoration"), ("Other",))),
        _record([], [], (("Empty",),)),
    ])
    assert under == {"Video > Restoration": {"notes/a.md", "pdfs/a.pdf", "notes/lists/l.md"},
                     "Other": {"notes/lists/l.md"}}


def test_bonus_lifts_files_under_the_best_heading_above_threshold_only():
    files = [("x", 1.0), ("y", 0.8), ("a", 0.7), ("b", 0.1)]
    under = {"H": {"a", "b"}, "G": {"y"}}
    run = rerank(files, {"H": 2.5, "G": 1.0}, under, _setting())
    assert sorted(run, key=run.get, reverse=True) == ["a", "x", "y", "b"]
    unchanged = rerank(files, {"H": 1.9}, under, _setting())
    assert sorted(unchanged, key=unchanged.get, reverse=True) == ["x", "y", "a", "b"]


def test_inject_brings_in_files_outside_the_ranking_only_when_asked():
    files = [("x", 1.0), ("y", 0.0)]
    under = {"H": {"z"}}
    assert "z" not in rerank(files, {"H": 3.0}, under, _setting())
    run = rerank(files, {"H": 3.0}, under, _setting(inject=True, bonus=0.5))
    assert sorted(run, key=run.get, reverse=True) == ["x", "z", "y"]


def test_zscores_and_topical_look():
    assert np.allclose(zscores(np.array([1.0, 1.0])), 0.0)
    assert abs(float(zscores(np.array([0.0, 2.0]))[1]) - 1.0) < 1e-9
    assert looks_topical("视频复原里双向循环传播是怎么设计的")
    assert not looks_topical("EDVR 的可变形卷积对齐")
    assert looks_topical("how do methods restore old damaged films")
    assert not looks_topical("BasicVSR++ propagation")
