"""Stale Milvus collections are listable and removable (#21, M3), in real Milvus Lite: a killed
build's collection, a deleted index folder's, and an index's from before it moved under a new alias
are stale and removed; live collections, earlier builds, another machine's, one a running build
holds, and collections Papersearch did not name are kept, and search still works afterwards."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from pymilvus import DataType

import cli
from disk import exclusive_lock
from index import list_collections, parse_store, remove_stale
from index.milvus_collections import BUILDING, ELSEWHERE, LIVE, OLDER, STALE, UNRECORDED
from index.milvus_store import ALIAS_FILE, LOCK_FILE, ORIGIN_HOST, ORIGIN_INDEX, MilvusStore, client_for
from library import Library
from tests.support.fakes import FakeEmbedder

FOREIGN = ("my_vectors", "papersearch_notes_backup")  # not Papersearch's names: never listed, never touched
ELSEWHERE_NAME = "papersearch_aaaaaaaaaaaa_20240101T000000_0000abcd"
UNRECORDED_NAME = "papersearch_bbbbbbbbbbbb_20240101T000000_0000abcd"


class _Killed(BaseException):
    """What SIGKILL leaves: the collection is written, its local files and the alias switch are not."""


@dataclass
class Scenario:
    store: str
    live: Library  # built twice (an older build kept) and killed in a third build
    moved: Library  # moved before its alias was recorded, then built again under a new alias
    gone_index: Path  # a deleted index folder
    names: dict[str, str]  # what each collection is, by name

    @property
    def client(self):
        return client_for(parse_store(self.store))

    def judged(self, index_dirs=()) -> dict[str, str]:
        return {item.name: item.status for item in list_collections(parse_store(self.store), index_dirs)}


def _library(root: Path, text: str) -> Path:
    (root / "notes").mkdir(parents=True)
    (root / "notes" / "note.md").write_text(f"# Notes\n\n## Section\n\n{text}\n", encoding="utf-8")
    return root


def _build(lib: Library) -> str:
    embedder = FakeEmbedder()
    lib.build(lib.plan(embedder.name), embedder)
    return lib.store.current_collection()


def _collections(client, alias: str) -> set[str]:
    return {name for name in client.list_collections() if name.startswith(alias + "_")}


@pytest.fixture
def scenario(tmp_path, monkeypatch) -> Scenario:
    store = "milvus:" + str(tmp_path / "own.db")  # a file of its own: the listing sees only this scenario
    names = {}

    live = Library(_library(tmp_path / "live", "Deformable convolution aligns neighbouring frames."), None, store)
    names["live-older"] = _build(live)
    (live.root / "notes" / "more.md").write_text("# More\n\nOptical flow warps frames.\n", encoding="utf-8")
    names["live"] = _build(live)
    (live.root / "notes" / "late.md").write_text("# Late\n\nAdded before the killed build.\n", encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(MilvusStore, "_write_local", lambda *args: (_ for _ in ()).throw(_Killed()))
        with pytest.raises(_Killed):
            _build(live)
    (names["killed"],) = _collections(live.store.client, live.store.alias) - {names["live"], names["live-older"]}

    gone = Library(_library(tmp_path / "gone", "A library whose folder was deleted."), None, store)
    names["gone"] = _build(gone)
    shutil.rmtree(gone.root)

    # An index moved before Papersearch recorded its alias (or the folder in its collection): it
    # then built again at its new place under the alias its new path gives.
    before = Library(_library(tmp_path / "before", "A library that moved."), None, store)
    names["moved-old"] = _build(before)
    before.store.client.drop_collection_properties(names["moved-old"], property_keys=[ORIGIN_INDEX, ORIGIN_HOST])
    (before.index_dir / "milvus" / ALIAS_FILE).unlink()
    shutil.move(str(before.root), tmp_path / "after")
    old_folder = tmp_path / "after" / ".papersearch" / "milvus" / names["moved-old"]
    old_folder.rename(tmp_path / "aside")  # the older Papersearch named the alias from the path
    moved = Library(tmp_path / "after", None, store)
    assert moved.store.alias != before.store.alias
    names["moved-new"] = _build(moved)
    (tmp_path / "aside").rename(old_folder)
    assert moved.store.alias == Library(tmp_path / "after", None, store).store.alias  # ALIAS is recorded now

    client = live.store.client
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
    for name in (*FOREIGN, ELSEWHERE_NAME, UNRECORDED_NAME):
        client.create_collection(name, schema=schema)  # no index, never loaded: made at once
    client.alter_collection_properties(ELSEWHERE_NAME, properties={ORIGIN_HOST: "another-machine",
                                                                   ORIGIN_INDEX: "/srv/papers/.papersearch"})
    names["elsewhere"], names["unrecorded"] = ELSEWHERE_NAME, UNRECORDED_NAME
    return Scenario(store, live, moved, gone.index_dir, names)


def test_every_papersearch_collection_is_listed_with_what_it_is(scenario):
    found = {item.name: item for item in list_collections(parse_store(scenario.store))}
    names = scenario.names
    assert {name: item.status for name, item in found.items()} == {
        names["live"]: LIVE, names["live-older"]: OLDER, names["killed"]: STALE, names["gone"]: STALE,
        names["moved-old"]: STALE, names["moved-new"]: LIVE, names["elsewhere"]: ELSEWHERE,
        names["unrecorded"]: UNRECORDED,
    }
    assert not set(FOREIGN) & set(found)
    assert "did not finish" in found[names["killed"]].reason
    assert f"{scenario.gone_index.resolve()} no longer exists" in found[names["gone"]].reason
    assert f"{scenario.moved.index_dir.resolve()}, which uses alias {scenario.moved.store.alias}" in found[names["moved-old"]].reason
    assert found[names["live"]].rows == scenario.live.manifest().chunk_count == 2  # a note each build added
    assert found[names["live-older"]].rows == 1 and found[names["elsewhere"]].rows == 0


def test_removing_stale_collections_keeps_the_rest_and_search_still_works(scenario):
    names = scenario.names
    stale = {names["killed"], names["gone"], names["moved-old"]}
    everything = set(scenario.client.list_collections())
    removal = remove_stale(parse_store(scenario.store), [*stale, names["live"], names["unrecorded"]])
    assert {item.name for item in removal.removed} == stale
    assert dict(removal.kept).keys() == {names["live"], names["unrecorded"]}
    assert set(scenario.client.list_collections()) == everything - stale
    assert not (scenario.moved.index_dir / "milvus" / names["moved-old"]).exists()  # its local files went too
    assert STALE not in scenario.judged().values()
    for lib, word in ((scenario.live, "optical"), (scenario.moved, "moved")):
        searcher = lib.searcher(load=lambda name: FakeEmbedder(name=name))
        assert searcher.search(word, k=3, mode="lexical").hits
        assert searcher.search(word, k=3, mode="dense").hits


def test_a_collection_a_running_build_holds_is_kept(scenario):
    killed = scenario.names["killed"]
    with exclusive_lock(scenario.live.index_dir / LOCK_FILE, wait=False):  # as a build holds it
        assert scenario.judged()[killed] == BUILDING
        removal = remove_stale(parse_store(scenario.store), [killed])
    assert removal.removed == [] and "a build is running in" in dict(removal.kept)[killed]
    assert killed in scenario.client.list_collections()
    assert scenario.judged()[killed] == STALE


def test_an_unrecorded_collection_is_removed_only_when_asked_and_a_named_index_keeps_its_own(scenario):
    store, names, client = parse_store(scenario.store), scenario.names, scenario.client
    for name in _collections(client, scenario.live.store.alias):  # as an older Papersearch left them
        client.drop_collection_properties(name, property_keys=[ORIGIN_INDEX, ORIGIN_HOST])
    assert scenario.judged()[names["live"]] == UNRECORDED
    assert scenario.judged([scenario.live.index_dir])[names["live"]] == LIVE
    removal = remove_stale(store, [names["live"], names["unrecorded"]], [scenario.live.index_dir], include_unrecorded=True)
    assert [item.name for item in removal.removed] == [names["unrecorded"]]
    assert names["live"] in client.list_collections()
    scenario.live.searcher(load=lambda name: FakeEmbedder(name=name))  # opening it records its folder again
    assert scenario.judged()[names["live"]] == LIVE


def test_a_moved_index_counts_as_live_once_it_is_opened_or_named(scenario, tmp_path):
    live = scenario.live
    shutil.move(str(live.root), tmp_path / "renamed")
    moved = Library(tmp_path / "renamed", None, scenario.store)
    assert scenario.judged()[scenario.names["live"]] == STALE  # its recorded folder is gone, and nothing names it
    assert scenario.judged([moved.index_dir])[scenario.names["live"]] == LIVE
    moved.searcher(load=lambda name: FakeEmbedder(name=name))
    assert scenario.judged()[scenario.names["live"]] == LIVE


def _run(*arguments: str, input: str | None = None):
    result = CliRunner().invoke(cli.main, ["milvus", *arguments], input=input)
    assert "Traceback" not in result.output
    return result


def test_the_cli_lists_asks_before_removing_and_says_what_it_removed(scenario):
    names = scenario.names
    listed = json.loads(_run("list", "--store", scenario.store, "--json").stdout)
    assert listed["store"] == parse_store(scenario.store).uri
    assert {item["name"]: item["status"] for item in listed["collections"]} == scenario.judged()
    text = _run("list", "--store", scenario.store).stdout
    assert f"stale      {names['gone']}" in text and "remove-stale" in text

    declined = _run("remove-stale", "--store", scenario.store, input="n\n")
    assert declined.exit_code == 1 and "Remove these 3 collections?" in declined.stderr
    assert names["gone"] in declined.stderr and names["gone"] in scenario.client.list_collections()

    removed = _run("remove-stale", "--store", scenario.store, "--yes")
    assert removed.exit_code == 0, removed.output
    for name in (names["killed"], names["gone"], names["moved-old"]):
        assert f"Removed {name} (" in removed.stdout
    assert "Removed 3 stale collections" in removed.stdout and "1 collections record no index folder" in removed.stdout
    again = json.loads(_run("remove-stale", "--store", scenario.store, "--yes", "--json").stdout)
    assert again["removed"] == [] and again["kept"] == []
    assert {names["live"], names["moved-new"], *FOREIGN} <= set(scenario.client.list_collections())


def test_the_cli_refuses_a_file_store_and_never_shows_a_password(tmp_path):
    refused = _run("list", "--store", "file")
    assert refused.exit_code == 1 and refused.stderr.startswith("Error: These commands look into a Milvus store")
    missing = tmp_path / "typo" / "papers.db"
    result = _run("remove-stale", "--store", f"milvus:{missing}", "--yes")
    assert result.stderr == f"Error: There is no Milvus Lite file at {missing}.\n" and not missing.parent.exists()
    for command in (["list"], ["remove-stale", "--yes"]):
        result = _run(*command, "--store", "milvus:http://root:S3cret@127.0.0.1:9")
        assert result.exit_code == 1 and "S3cret" not in result.output
        assert "Error: Cannot reach Milvus at http://***@127.0.0.1:9" in result.stderr


def test_a_hostile_index_folder_name_reaches_the_terminal_defused(tmp_path):
    store = "milvus:" + str(tmp_path / "own.db")
    hostile = Library(_library(tmp_path / "evil\x1b]52;c;b3duZWQ=\x07\x1b[2J", "Gone soon."), None, store)
    _build(hostile)
    shutil.rmtree(hostile.root)
    for command in (["list"], ["list", "--json"], ["remove-stale"], ["remove-stale", "--yes", "--json"]):
        result = _run(*command, "--store", store, input="n\n")
        assert "evil" in result.output and not {"\x1b", "\x07"} & set(result.output), (command, result.output)
    assert list_collections(parse_store(store)) == []
