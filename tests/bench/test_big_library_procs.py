"""The big-library harness reads the build's own summary line (index/builder.py BuildReport)."""

from bench.big_library import procs
from index.builder import BuildReport


def report(**fields) -> BuildReport:
    base = dict(plan=None, wrote_index=True, chunks_added=281084, chunks_removed=0, chunks_total=376700,
                files_total=10000, skipped=(), seconds=126.8, embed_seconds=80.0)
    return BuildReport(**{**base, **fields})


def test_a_resumed_builds_summary_gives_what_the_model_embedded_not_what_the_journal_gave_back():
    summary = report(reused=95616).summary()
    assert "95616 already embedded" in summary
    assert procs._EMBEDDED.search(summary).group("added") == "281084"
    indexed = procs._INDEXED.search(summary)
    assert (indexed.group("files"), indexed.group("chunks")) == ("10000", "376700")


def test_an_up_to_date_summary_is_told_apart():
    summary = report(wrote_index=False).summary()
    assert procs._EMBEDDED.search(summary) is None and procs._UP_TO_DATE.search(summary)
