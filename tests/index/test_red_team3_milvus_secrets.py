"""M2: a password in a Milvus URI never reaches output, errors, status or JSON; L5: a malformed
server URI is InvalidStoreError with the accepted forms, never a bug report or a silent localhost."""

import json
import logging

import pytest
from click.testing import CliRunner

import cli
from index import InvalidStoreError, StoreUnavailableError, parse_store, redacted
from library import Library
from tests.support.fakes import use_fake_models

SECRET = "S3cret"
URI = f"milvus:http://root:{SECRET}@127.0.0.1:9"


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")


def test_redaction_hides_userinfo_of_every_uri_in_a_text():
    assert redacted("http://root:S3cret@host:19530") == "http://***@host:19530"
    assert redacted("at https://u:p@a:1/x and http://b:2") == "at https://***@a:1/x and http://b:2"
    assert redacted("milvus:/tmp/papers.db") == "milvus:/tmp/papers.db"
    location = parse_store(f"milvus:https://user:{SECRET}@milvus.lab:443")
    assert location.uri == f"https://user:{SECRET}@milvus.lab:443"  # the client still gets it
    assert SECRET not in str(location) and SECRET not in repr(location) and location.has_credentials


def test_a_password_in_the_uri_is_never_shown(small_library, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(StoreUnavailableError) as raised:
        Library(small_library, tmp_path / "index", URI).manifest()
    error = raised.value
    assert SECRET not in str(error) and SECRET not in error.uri and SECRET not in error.detail
    assert "http://***@127.0.0.1:9" in str(error)
    assert SECRET not in caplog.text

    runner = CliRunner()
    for command in (["status"], ["status", "--json"], ["build"], ["search", "attention"], ["papers", "--json"],
                    ["search", "attention", "--json"]):
        result = runner.invoke(cli.main, [*command, "--library", str(small_library), "--index", str(tmp_path / "i"),
                                          "--store", URI])
        assert result.exit_code == 1, result.output
        assert SECRET not in result.output, result.output
        assert "Traceback" not in result.output
        assert "MILVUS_TOKEN" in result.stderr and "not in the URI" in result.stderr


def test_status_json_names_the_store_without_its_password(small_library, tmp_path, milvus_lite_store):
    runner = CliRunner()
    where = ["--library", str(small_library), "--index", str(tmp_path / "i")]
    assert runner.invoke(cli.main, ["build", *where, "--store", milvus_lite_store]).exit_code == 0
    status = json.loads(runner.invoke(cli.main, ["status", "--json", *where, "--store", milvus_lite_store]).stdout)
    assert status["store"] == milvus_lite_store
    files = ["--library", str(small_library), "--index", str(tmp_path / "f")]
    assert runner.invoke(cli.main, ["build", *files]).exit_code == 0
    assert json.loads(runner.invoke(cli.main, ["status", "--json", *files]).stdout)["store"] == "file"


def test_a_malformed_store_message_hides_the_password_too():
    with pytest.raises(InvalidStoreError) as raised:
        parse_store(f"milvus:https://user:{SECRET}@")
    assert SECRET not in str(raised.value) and "names no host" in str(raised.value)


@pytest.mark.parametrize("value", ["milvus::notaport", "milvus:http://[::1", "milvus:https://user:pw@",
                                   "milvus:http://host:notaport", "milvus:http://:19530"])
def test_malformed_server_uris_are_invalid_stores(value):
    with pytest.raises(InvalidStoreError, match=r"'file'.*milvus:<path\.db>.*milvus:http://host:19530"):
        parse_store(value)


def test_the_cli_says_a_malformed_uri_in_one_line(small_library):
    result = CliRunner().invoke(cli.main, ["status", "--library", str(small_library), "--store", "milvus:http://[::1"])
    assert result.exit_code == 2 and "not a valid URL" in result.output and "bug" not in result.output
