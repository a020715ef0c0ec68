"""The Zotero import check flags what Zotero would lose, and nothing else (its comparison only; the
translator itself runs under Node in bench/quality/check_zotero_bibtex.py, outside CI)."""

from __future__ import annotations

import bibtexparser

from bench.quality.check_zotero_bibtex import check_entry

EXPORT = r"""
@inproceedings{smith2020deep,
  title = {{Deep $\alpha$-Nets for {\"U}ber Flow}},
  author = {Smith, John and Li, Wei},
  booktitle = {CVPR},
  year = {2020},
  eprint = {2001.00001},
  archivePrefix = {arXiv},
  eprinttype = {arxiv},
  doi = {10.1000/xyz}
}
"""


def entry():
    return bibtexparser.parse_string(EXPORT).entries[0]


def kept_item(**changes) -> dict:
    item = {"itemType": "conferencePaper", "title": "Deep α-Nets for Über Flow", "date": "2020",
            "DOI": "10.1000/xyz", "extra": "arXiv: 2001.00001",
            "creators": [{"creatorType": "author", "lastName": "Smith"}, {"creatorType": "author", "lastName": "Li"}]}
    item.update(changes)
    return item


def test_an_item_that_keeps_everything_has_no_problem():
    assert check_entry(entry(), kept_item()) == []


def test_each_loss_is_named():
    problems = check_entry(entry(), kept_item(extra="", itemType="journalArticle", date="2021",
                                              creators=[], title="Deep Nets"))
    assert problems == ["type inproceedings -> journalArticle", "title 'Deep Nets'", "arXiv id 2001.00001 lost",
                        "year 2020 -> '2021'", "2 authors -> 0"]
