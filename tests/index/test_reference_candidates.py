"""An update finds the reference passages its citations read (index/catalog_build.py
`reference_candidates`) in the stored passages, not in the whole library's frame: every
reference-list passage and every passage that may hold a list's heading, of the kept rows only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from index.catalog_build import reference_candidates, reference_texts

ROWS = [  # (path, page, role, text)
    ("a.pdf", 1, "body", "Introduction to deformable alignment."),
    ("a.pdf", 8, "body", "We thank the reviewers.\nReferences\n[1] A. Author. Title one. 2019."),
    ("a.pdf", 8, "references", "[2] B. Author. Title two. In CVPR, 2020."),
    ("b.pdf", 3, "body", "As the BIBLIOGRAPHY of (Smith, 2001) shows, nothing."),
    ("c.pdf", 40, "body", "致谢\n参考文献\n[1] 张三. 视频修复. 2020."),
    ("c.pdf", 40, "references", "[2] 李四. 特征对齐. 2021."),
    ("d.pdf", 2, "references", "[1] Dropped. A file the update removes. 2018."),
    ("e.pdf", 1, "body", "A passage with the word reference in lower case and Bibliographic notes."),
]


def _table() -> pa.Table:
    path, page, role, text = zip(*ROWS, strict=True)
    return pa.table({"path": list(path), "page": pa.array(page, type=pa.int64()), "role": list(role),
                     "text": list(text), "other": ["x"] * len(ROWS)})


def test_the_candidates_are_reference_passages_and_possible_headings_of_kept_rows():
    keep = np.array([True, True, True, True, True, True, False, True])
    found = reference_candidates(_table(), keep)
    assert list(found.columns) == ["path", "page", "role", "text"]
    assert found["text"].tolist() == [ROWS[i][3] for i in (1, 2, 3, 4, 5)]
    assert found["page"].dtype == "Int64"


def test_they_give_the_reference_texts_every_passage_gives():
    everything = pd.DataFrame(ROWS, columns=["path", "page", "role", "text"]).astype({"page": "Int64"})
    found = reference_candidates(_table(), np.ones(len(ROWS), dtype=bool))
    assert reference_texts(found) == reference_texts(everything)
    assert set(reference_texts(found)) == {"a.pdf", "c.pdf", "d.pdf"}


def test_no_passages_give_an_empty_frame():
    empty = pa.table({"path": pa.array([], pa.string()), "page": pa.array([], pa.int64()),
                      "role": pa.array([], pa.string()), "text": pa.array([], pa.string())})
    assert reference_candidates(empty, np.zeros(0, dtype=bool)).empty
