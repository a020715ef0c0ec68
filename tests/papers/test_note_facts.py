"""A note's facts (papers.note_facts) are kept between builds as JSON: they must come back exactly,
and a catalog made from them must be the catalog made from the notes' texts."""

from __future__ import annotations

import json

from corpus import read_text_file
from papers import build_catalog
from papers.note_facts import facts_from_json, facts_to_json, read_note_facts
from tests.support.paths import shared_path

LIST_NOTE = """# Video restoration

## Alignment

- [x] "EDVR: Video Restoration with Enhanced Deformable Convolutional Networks" CVPRW, 2019 May
  > 可变形卷积在特征层面对齐相邻帧。
  - [paper](https://arxiv.org/abs/1905.02716) [code](https://github.com/xinntao/EDVR)
- [ ] "Video Restoration Transformer" arXiv, 2022 January, **VRT**

Citation Key: Wang2019EDVR
"""


def _notes() -> dict[str, str]:
    root = shared_path("notes")
    return {path.relative_to(root).as_posix(): read_text_file(path, path.name)
            for path in sorted(root.rglob("*.md"))}


def test_the_json_form_of_every_shared_note_comes_back_exactly():
    notes = _notes()
    assert len(notes) > 20
    with_entries = 0
    for path, text in notes.items():
        facts = read_note_facts(text, path)
        assert facts_from_json(json.loads(json.dumps(facts_to_json(facts), ensure_ascii=False))) == facts, path
        with_entries += bool(facts.entries)
    assert with_entries > 5  # the lists' entries, links and annotations went through the round trip


def test_facts_hold_entries_their_blocks_and_the_citation_key():
    facts = read_note_facts(LIST_NOTE, "lists/video.md")
    assert [entry.title for entry in facts.entries] == [
        "EDVR: Video Restoration with Enhanced Deformable Convolutional Networks", "Video Restoration Transformer"]
    assert facts.ends == (7, 8)  # the first entry's annotation and links are its block
    assert facts.citation_key == "Wang2019EDVR"
    assert facts.entries[0].links and facts.entries[0].read is True


def test_a_catalog_from_kept_facts_is_the_catalog_from_the_texts():
    notes = _notes()
    facts = {path: facts_from_json(json.loads(json.dumps(facts_to_json(read_note_facts(text, path)))))
             for path, text in notes.items()}
    assert build_catalog(facts, {}, other_files=notes) == build_catalog(notes, {}, other_files=notes)
