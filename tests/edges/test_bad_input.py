"""Hostile input through the command line: every defect of the reliability issue (#10) as the
user meets it. Each failure is `Error: ...` with exit status 1 — never a traceback — and a bad
file never stops the build or loses another file's passages."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import cli
from corpus.text_decoding import decode_text_file
from tests.support.fakes import use_fake_models
from tests.support.pdf_factory import encrypt_pdf


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    monkeypatch.delenv("PAPERSEARCH_INDEX", raising=False)


def run(*args, **kwargs):
    return CliRunner().invoke(cli.main, [a if isinstance(a, bytes) else str(a) for a in args], **kwargs)


def assert_clean_error(result, *fragments: str) -> None:
    """Exit 1 with one `Error: ...` message: no traceback, the message names what to fix."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Error: " in result.output and "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


def built(library: Path) -> dict:
    result = run("build", "--library", library)
    assert result.exit_code == 0, result.output
    return json.loads(run("status", "--library", library, "--json").stdout)


def skipped(status: dict) -> dict[str, str]:
    return {item["path"]: item["reason"] for item in status["skipped"]}


def indexed_paths(library: Path) -> set[str]:
    result = run("search", "attention alignment 噪声", "--library", library, "-k", "100", "--json")
    return {hit["path"] for hit in json.loads(result.stdout)}


# --------------------------------------------------------------------------- PDFs


def test_owner_password_aes_pdf_is_indexed_and_user_password_one_skipped(small_library):
    source = small_library / "pdfs" / "transformers.pdf"
    encrypt_pdf(source, small_library / "pdfs" / "owner_only.pdf", user_password="", algorithm="AES-128")
    encrypt_pdf(source, small_library / "pdfs" / "locked.pdf", user_password="secret", algorithm="AES-256")
    status = built(small_library)
    assert "pdfs/owner_only.pdf" not in skipped(status)
    assert "encrypted" in skipped(status)["pdfs/locked.pdf"]
    assert "pdfs/owner_only.pdf" in indexed_paths(small_library)


def test_pdf_over_the_decompression_limit_says_so_instead_of_no_text_layer(small_library, monkeypatch):
    import corpus.pdf_text
    import corpus.pdf_worker
    from pypdf.errors import LimitReachedError

    def too_big(*args, **kwargs):
        raise LimitReachedError("Limit reached while decompressing: 75000000 bytes")

    monkeypatch.setattr(corpus.pdf_worker, "PAGE_TIME_LIMIT", None)  # read in this process, where the patch is
    monkeypatch.setattr(corpus.pdf_text, "PdfReader", too_big)
    reason = skipped(built(small_library))["pdfs/transformers.pdf"]
    assert "no text layer" not in reason and "decompress" in reason.lower()


# --------------------------------------------------------------------------- names and folders


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses file names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_is_skipped_with_its_reason(small_library):
    name = "笔记".encode("gbk") + b".md"
    with open(os.path.join(os.fsencode(small_library / "notes"), name), "wb") as handle:
        handle.write("# GBK 文件名\n\n内容。\n".encode())
    status = built(small_library)
    assert status["files"] == 3
    (reason,) = [r for p, r in skipped(status).items() if p.startswith("notes/")]
    assert "not valid UTF-8" in reason


def test_special_files_are_listed_as_skipped(small_library):
    os.mkfifo(small_library / "notes" / "pipe.md")
    (small_library / "notes" / "zeros.md").symlink_to("/dev/zero")
    (small_library / "notes" / "folder.pdf").mkdir()
    (small_library / "notes" / "dangling.md").symlink_to(small_library / "nowhere.md")
    reasons = skipped(built(small_library))
    assert "not a regular file" in reasons["notes/pipe.md"]
    assert "broken link" in reasons["notes/dangling.md"]
    assert "a device" in reasons["notes/zeros.md"]
    assert "folder, not a file" in reasons["notes/folder.pdf"]  # its own files are still searched


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file; run as a normal user to check permissions")
def test_an_unreadable_file_and_folder_keep_their_previous_passages(small_library):
    built(small_library)
    (small_library / "notes" / "alignment.md").chmod(0)
    (small_library / "pdfs").chmod(0)
    try:
        status = built(small_library)
    finally:
        (small_library / "notes" / "alignment.md").chmod(0o644)
        (small_library / "pdfs").chmod(0o755)
    assert "permission" in skipped(status)["notes/alignment.md"].lower()
    assert any("pdfs" in path for path in skipped(status))
    assert {"notes/alignment.md", "pdfs/transformers.pdf"} <= indexed_paths(small_library)


def test_permission_denied_on_a_file_and_a_folder_keeps_their_passages(small_library, monkeypatch):
    """The same as above for a run as root (CI), with the operating system's refusals simulated."""
    built(small_library)
    real_scandir, real_hash = os.scandir, __import__("index.planner").planner.file_sha256

    def scandir(path="."):
        if os.fspath(path).endswith("pdfs"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    def file_sha256(path):
        if path.name == "alignment.md":
            raise PermissionError(13, "Permission denied", str(path))
        return real_hash(path)

    with monkeypatch.context() as patch:
        patch.setattr(os, "scandir", scandir)
        patch.setattr("index.planner.file_sha256", file_sha256)
        result = run("build", "--library", small_library)
        status = json.loads(run("status", "--library", small_library, "--json").stdout)
    assert result.exit_code == 0, result.output
    reasons = skipped(status)
    assert "Permission denied" in reasons["notes/alignment.md"]
    assert "folder cannot be read" in reasons["pdfs/transformers.pdf"]
    assert all(item["kept_previous"] for item in status["skipped"])
    assert indexed_paths(small_library) == {"notes/alignment.md", "notes/扩散模型.md", "pdfs/transformers.pdf"}
    rebuilt = run("build", "--library", small_library)  # readable again: the skips are cleared
    assert rebuilt.exit_code == 0 and skipped(json.loads(run("status", "--library", small_library, "--json").stdout)) == {}


def test_a_file_deleted_between_listing_and_hashing_is_skipped(small_library, monkeypatch):
    import corpus.discover

    real = corpus.discover.discover_library

    def listing_then_delete(*args, **kwargs):
        found = real(*args, **kwargs)
        (small_library / "notes" / "alignment.md").unlink()
        return found

    monkeypatch.setattr("index.planner.discover_library", listing_then_delete)
    result = run("build", "--library", small_library)
    assert result.exit_code == 0, result.output
    assert "notes/alignment.md" in result.output


# --------------------------------------------------------------------------- notes


def test_utf16_note_with_a_bom_is_read(small_library):
    (small_library / "notes" / "windows.md").write_bytes("# 记事本\n\nUTF-16 note about optical flow.\n".encode("utf-16"))
    status = built(small_library)
    assert "notes/windows.md" not in skipped(status)
    assert "notes/windows.md" in indexed_paths(small_library)


def test_bytes_that_only_start_like_a_bom_are_skipped_as_binary(small_library):
    (small_library / "notes" / "bin.md").write_bytes(b"\xff\xfe\x00\x00" + bytes(range(1, 201)))  # UTF-32's BOM: valid UTF-16 garbage
    assert "binary" in skipped(built(small_library))["notes/bin.md"]


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cc", "Cn", "Co", "Cs")), min_size=1).filter(lambda text: text.strip() and not text.startswith("\ufeff")),  # a leading BOM is dropped
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_any_text_without_control_characters_decodes_as_it_was(text, encoding):
    assert decode_text_file(text.encode(encoding), "n.md") == text


def test_form_feed_and_unicode_line_separators_do_not_shift_line_numbers(small_library):
    (small_library / "notes" / "odd.md").write_text(
        "# Odd\n\nfirst\x0c line\u2028same line\x85still\n\n## Target\n\nUnique zebra passage.\n", encoding="utf-8"
    )
    built(small_library)
    result = run("search", "unique zebra passage", "--library", small_library, "--json", "-k", "1")
    (hit,) = json.loads(result.stdout)
    assert hit["path"] == "notes/odd.md" and hit["start_line"] == 7  # as an editor numbers lines


def test_a_huge_note_is_skipped_with_the_size_limit(small_library):
    (small_library / "notes" / "huge.md").write_text("# Huge\n\n" + "word " * 2_200_000, encoding="utf-8")
    reason = skipped(built(small_library))["notes/huge.md"]
    assert "MB" in reason and "limit" in reason


# --------------------------------------------------------------------------- index damage


@pytest.mark.parametrize("damaged", ["chunks.parquet", "vectors.faiss", "papers.json", "lexical/params.index.json",
                                     "language_direction.npy", "manifest.json"])
def test_a_damaged_index_file_is_rebuilt_from_the_files(small_library, damaged):
    built(small_library)
    build_dir = next((small_library / ".papersearch" / "builds").iterdir())
    target = build_dir / damaged
    target.write_bytes(target.read_bytes()[: len(target.read_bytes()) // 2])
    searched = run("search", "attention", "--library", small_library)
    assert_clean_error(searched, "Rebuild")
    rebuilt = run("build", "--library", small_library)
    assert rebuilt.exit_code == 0 and "rebuilding" in rebuilt.output and "Indexed 3 files" in rebuilt.output
    assert indexed_paths(small_library) == {"notes/alignment.md", "notes/扩散模型.md", "pdfs/transformers.pdf"}


@pytest.mark.parametrize("damaged", ["vectors.faiss", "passages.arrow", "manifest.json", "lexical/token_ids.npy"])
def test_a_file_damaged_in_place_is_caught_by_its_checksum_and_rebuilt(small_library, damaged):
    """Same size, still parses: only the checksum written with the build tells (index/checksums.py)."""
    built(small_library)
    target = next((small_library / ".papersearch" / "builds").iterdir()) / damaged
    data = bytearray(target.read_bytes())
    if damaged == "manifest.json":  # still valid JSON with the same fields: one digit of the build time
        at = data.index(b'"built_at": "') + len(b'"built_at": "') + 3
        data[at] = ord("0") if data[at] != ord("0") else ord("1")
    else:
        data[len(data) // 2 : len(data) // 2 + 64] = bytes(64)
    target.write_bytes(bytes(data))
    status = run("status", "--library", small_library)
    assert status.exit_code == 1 and "is damaged" in status.output and damaged in status.output
    rebuilt = run("build", "--library", small_library)
    assert rebuilt.exit_code == 0 and f"bytes of {damaged} changed" in rebuilt.output and "is damaged" in rebuilt.output
    assert "Indexed 3 files" in rebuilt.output  # every file again: nothing of the damaged build reused
    found = json.loads(run("search", "deformable convolution offsets", "--library", small_library, "--json").stdout)
    assert found[0]["path"] == "notes/alignment.md"


def test_a_manifest_that_names_another_dimension_says_which(small_library):
    built(small_library)
    manifest = next((small_library / ".papersearch" / "builds").iterdir()) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**data, "dimension": data["dimension"] * 2}), encoding="utf-8")
    searched = run("search", "attention", "--library", small_library)
    assert_clean_error(searched, "Rebuild")
    assert f"of {data['dimension']} dimensions" in searched.output and f"of {data['dimension'] * 2})" in searched.output


def test_a_manifest_of_the_wrong_shape_is_rebuilt(small_library):
    built(small_library)
    manifest = next((small_library / ".papersearch" / "builds").iterdir()) / "manifest.json"
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "files": []}))
    assert_clean_error(run("status", "--library", small_library), "Rebuild")
    assert "Indexed 3 files" in run("build", "--library", small_library).output


def test_missing_bm25_files_are_damage_not_silence(small_library):
    built(small_library)
    build_dir = next((small_library / ".papersearch" / "builds").iterdir())
    (build_dir / "lexical" / "params.index.json").unlink()
    assert_clean_error(run("search", "attention", "--library", small_library), "Rebuild")


def test_foreign_folders_in_the_index_folder_are_never_deleted(small_library, tmp_path):
    index = tmp_path / "mine"
    (index / "builds" / "thesis").mkdir(parents=True)
    (index / "builds" / "thesis" / "chapter1.tex").write_text("precious")
    result = run("build", "--library", small_library, "--index", index)
    assert_clean_error(result, str(index), "not write")
    assert (index / "builds" / "thesis" / "chapter1.tex").read_text() == "precious"


def test_the_index_folder_being_a_file_or_the_library_itself_is_refused(small_library):
    (small_library / ".papersearch").write_text("oops")
    for command in ("build", "status"):
        assert_clean_error(run(command, "--library", small_library), ".papersearch", "not a folder")
    (small_library / ".papersearch").unlink()
    assert_clean_error(run("build", "--library", small_library, "--index", small_library), "library folder itself")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_index_folder_keeps_the_old_index_and_says_so(small_library):
    built(small_library)
    (small_library / "notes" / "new.md").write_text("# New\n\nfresh words\n", encoding="utf-8")
    (small_library / ".papersearch" / "builds").chmod(0o555)
    try:
        result = run("build", "--library", small_library)
    finally:
        (small_library / ".papersearch" / "builds").chmod(0o755)
    assert_clean_error(result, "cannot write", "previous index")
    assert "notes/alignment.md" in indexed_paths(small_library)


@pytest.mark.parametrize(
    ("target", "errno", "message"),
    [
        ("faiss.write_index", 28, "No space left on device"),
        ("tempfile.mkdtemp", 30, "Read-only file system"),
        ("os.replace", 13, "Permission denied"),
    ],
)
def test_a_disk_that_refuses_the_build_keeps_the_old_index(small_library, monkeypatch, target, errno, message):
    import index.build_folder
    import index.file_store

    built(small_library)
    (small_library / "notes" / "new.md").write_text("# New\n\nfresh words\n", encoding="utf-8")

    def refuse(*args, **kwargs):
        raise OSError(errno, message)

    module, name = target.split(".")
    with monkeypatch.context() as patch:
        patch.setattr(getattr(index.file_store if module == "faiss" else index.build_folder, module), name, refuse)
        assert_clean_error(run("build", "--library", small_library), message, "previous index")
    assert indexed_paths(small_library) == {"notes/alignment.md", "notes/扩散模型.md", "pdfs/transformers.pdf"}
    assert run("build", "--library", small_library).exit_code == 0
    assert "notes/new.md" in indexed_paths(small_library)


# --------------------------------------------------------------------------- queries, flags, environment


def test_a_query_that_is_not_utf8_is_read_as_gbk(small_library):
    built(small_library)
    gbk_query = "高斯噪声".encode("gbk").decode("utf-8", "surrogateescape")
    result = run("search", gbk_query, "--library", small_library, "--json", "-k", "1")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["path"] == "notes/扩散模型.md"


def test_undecodable_query_bytes_are_a_clear_error(small_library):
    built(small_library)
    result = run("search", "\udcff\udcfe\udcff", "--library", small_library)
    assert_clean_error(result, "not valid text")


@pytest.mark.parametrize("flag", ["--csv", "--bibtex", "--markdown"])
def test_export_into_a_missing_folder_fails_before_searching(small_library, tmp_path, flag):
    built(small_library)
    result = run("search", "attention", "--library", small_library, flag, tmp_path / "missing" / "out.txt")
    assert_clean_error(result, "does not exist")


def test_bad_thread_count_is_a_clear_error(small_library, monkeypatch):
    from embed.threads import configured_threads

    monkeypatch.setenv("PAPERSEARCH_THREADS", "abc")
    from embed import ModelLoadError

    with pytest.raises(ModelLoadError, match="PAPERSEARCH_THREADS"):
        configured_threads()


def test_an_unknown_model_fails_fast_without_the_network(small_library, monkeypatch):
    import time

    started = time.perf_counter()
    result = run("build", "--library", small_library, "--model", "no-such-org/no-such-model")
    assert_clean_error(result, "no-such-org/no-such-model")
    assert time.perf_counter() - started < 20
