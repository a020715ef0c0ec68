"""Notes with many short sections: enough passages for a build to embed in many small batches."""

from __future__ import annotations

from pathlib import Path


def write_topic_notes(library: Path, notes: int, sections: int, chinese: bool = False) -> None:
    """notes/topics-N.md for N < `notes`, each with `sections` sections of one paragraph (with a
    Chinese sentence in each when `chinese`)."""
    for n in range(notes):
        (library / "notes" / f"topics-{n}.md").write_text(
            "# Topics\n\n" + "\n\n".join(
                f"## Topic {n}-{i}\n\nParagraph {i} of note {n} on topic {n * 10 + i}, grid {i}, recurrent "
                f"propagation over frame {i * 7} and sliding windows of size {i + n}."
                + (f" 第{i}段：扩散模型逐步去噪。" if chinese else "")
                for i in range(sections)
            ) + "\n", encoding="utf-8")
