"""The pure logic of bench/speed/bench_embed_stage.py: which passages a smaller run keeps, the
interleaved order of the ways (bench.common, which the A/B benches share), the ONNX engine's batch split it copies, its clocks and the summary it writes."""

from __future__ import annotations

from bench.common import alternating, interleaved
from bench.speed.bench_embed_stage import every_kth, ratios, sub_batches, summary


def test_every_kth_keeps_the_length_mix_in_the_build_order():
    texts = ["a", "bb", "cc", "ddd", "e", "ffff"]
    sizes = [1, 2, 2, 3, 1, 4]
    assert every_kth(texts, sizes, 1) == ["ffff", "ddd", "bb", "cc", "a", "e"]  # longest first, ties by text
    assert every_kth(texts, sizes, 2) == ["ffff", "bb", "a"]
    assert every_kth(texts, sizes, 0) == every_kth(texts, sizes, 1)


def test_interleaved_runs_forwards_then_backwards():
    assert interleaved(["A", "B", "C"], 3) == [
        (0, "A"), (0, "B"), (0, "C"), (1, "C"), (1, "B"), (1, "A"), (2, "A"), (2, "B"), (2, "C")]
    assert interleaved(["A"], 0) == []
    assert alternating(["A", "B"], 0) == ["A", "B"] and alternating(["A", "B"], 3) == ["B", "A"]


def test_summary_and_ratios():
    table = summary({"bare": [10.0, 12.0, 11.0], "stage": [11.0, 11.0]}, 100)
    assert table["bare"]["median_s"] == 11.0 and table["bare"]["passages_per_s"] == 9.09
    assert table["bare"]["spread"] == round(2 / 11, 3)
    assert table["stage"]["runs_s"] == [11.0, 11.0]
    assert ratios(table, "bare") == {"stage": 1.0}
    slower = summary({"bare": [10.0], "stage": [12.5]}, 100)
    assert ratios(slower, "bare") == {"stage": 0.8}


def test_sub_batches_are_longest_first_as_the_onnx_engine_splits_a_call():
    assert sub_batches([3, 9, 1, 7, 5], 2) == [[1, 3], [4, 0], [2]]
    assert sub_batches([], 32) == []


def test_clocks_time_an_instance_method_and_give_it_back():
    from bench.speed.bench_embed_stage import Clocks

    class Worker:
        def work(self, x):
            return x * 2

    worker, clocks = Worker(), Clocks()
    clocks.wrap(worker, "work", "work")
    assert worker.work(3) == 6 and worker.work(4) == 8
    assert clocks.seconds["work"] >= 0.0 and "work" in vars(worker)
    clocks.restore()
    assert "work" not in vars(worker) and worker.work(5) == 10


def test_shares_put_the_rest_of_the_stage_in_other():
    from bench.speed.bench_embed_stage import shares

    parts = {"count_tokens": 1.0, "embed_documents": 6.0, "engine": 5.0, "journal_write": 0.5}
    assert shares(parts, 8.0) == {**parts, "other": 0.5}  # engine runs inside embed_documents: not subtracted
