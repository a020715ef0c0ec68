"""The passages CSV read back by pandas (no dtype hints) and Python's csv: every arXiv id intact,
and the columns README lists are the columns written."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

import cli
from export import CSV_COLUMNS, hits_to_csv
from search import Hit

README = Path(__file__).resolve().parents[2] / "README.md"
ARXIV_IDS = ["2201.00520", "1706.03762", "2010.11929", "1503.02531", "2112.10750", "0704.0010", "hep-th/9901001",
             "2301.12340"]


def _hit(rank: int, arxiv: str | None, **fields) -> Hit:
    values = dict(kind="note", path="notes/a.md", title="A title", page=None, heading="Notes", start_line=3 + rank,
                  text="passage", chunk_id=f"c{rank}", paper_id=f"arxiv-{arxiv}" if arxiv else None,
                  paper_title="Paper", venue="CVPR", year=2022)
    values.update(fields)
    return Hit(rank=rank, score=0.5, arxiv=arxiv, **values)


def test_pandas_reads_every_arxiv_id_back_intact():
    hits = [_hit(i + 1, arxiv) for i, arxiv in enumerate([*ARXIV_IDS, None])]
    frame = pd.read_csv(io.BytesIO(hits_to_csv(hits)), encoding="utf-8-sig")
    assert list(frame.columns) == CSV_COLUMNS
    assert frame["arxiv"].tolist()[:-1] == [f"arXiv:{arxiv}" for arxiv in ARXIV_IDS]
    assert pd.isna(frame["arxiv"].iloc[-1])
    assert frame["url"].tolist()[:-1] == [f"https://arxiv.org/abs/{arxiv}" for arxiv in ARXIV_IDS]
    assert frame["start_line"].tolist() == [3 + i for i in range(1, len(hits) + 1)]
    assert frame["paper_id"].tolist()[0] == "arxiv-2201.00520"


def test_a_passage_without_arxiv_gives_its_first_web_link_as_url():
    hits = [_hit(1, None, links=("./pdfs/x.pdf", "https://doi.org/10.1109/TPAMI.2021.3115428")),
            _hit(2, None, kind="pdf", page=4, start_line=None)]
    rows = list(csv.DictReader(io.StringIO(hits_to_csv(hits).decode("utf-8-sig"))))
    assert rows[0]["url"] == "https://doi.org/10.1109/TPAMI.2021.3115428"
    assert (rows[1]["url"], rows[1]["page"], rows[1]["start_line"]) == ("", "4", "")


def test_readme_lists_the_columns_written():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("- `--csv FILE`"):]
    section = section[:section.index("\n- ")]
    listed = re.search(r"columns `([^`]+)`", section.replace("\n  ", " ")).group(1)
    assert [c.strip() for c in listed.split(",")] == CSV_COLUMNS


def test_the_shared_library_csv_keeps_every_arxiv_id(shared_library, shared_catalog, tmp_path):
    out = tmp_path / "hits.csv"
    result = CliRunner().invoke(cli.main, ["search", "video super-resolution transformer", "--library",
                                           str(shared_library), "--model", "fake-hash-64", "-k", "400",
                                           "--csv", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, encoding="utf-8-sig")
    known = {paper.paper_id: paper.arxiv for paper in shared_catalog.papers}
    with_arxiv = frame[frame["arxiv"].notna()]
    assert len(with_arxiv) > 10
    for paper_id, arxiv in zip(with_arxiv["paper_id"], with_arxiv["arxiv"]):
        assert arxiv == f"arXiv:{known[paper_id]}"
