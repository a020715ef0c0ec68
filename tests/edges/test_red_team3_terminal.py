"""M5: text from files (passages, titles, headings, file names, skip reasons) never reaches the
terminal with controls in it: every CLI output path is walked with a hostile note and a hostile
file name, and JSON stays JSON (escaped, and byte-identical for ordinary text)."""

import functools
import json
import re

import pytest
from click.testing import CliRunner

import cli
from export import terminal_json, terminal_safe
from tests.support.fakes import use_fake_models

# What a terminal obeys instead of showing: OSC 52 (clipboard), OSC 8 (hidden link), OSC 0 (title),
# CSI 2J (clear screen) in 7-bit and 8-bit (C1) form, a carriage return, bidi overrides and isolates.
ATTACK = ("\x1b]52;c;cHduZWQ=\x07\x1b]8;;http://attacker.invalid/\x1b\\click\x1b]8;;\x1b\\"
          "\x1b]0;owned\x07\x1b[2J\x9b2J\r\u202e\u2066\x7f")
NAME_ATTACK = "\x1b]0;owned\x07\x1b[2J\x9b2J\u202egnp\u2069"  # no '/' in a file name
MARKUP = "![t](http://attacker.invalid/x.png) <img src=http://attacker.invalid/y.png>"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    monkeypatch.delenv("PAPERSEARCH_INDEX", raising=False)
    monkeypatch.setattr(cli, "tqdm", functools.partial(cli.tqdm, disable=True))  # our own bars redraw with \r


@pytest.fixture
def hostile_library(small_library):
    (small_library / "notes" / f"evil{NAME_ATTACK}.md").write_text(
        f"# Attention {ATTACK} heading {MARKUP}\n\n"
        f"- [x] \"Attention {ATTACK} Paper {MARKUP}\" CVPR, 2021 May, **EVIL**\n\n"
        f"## Self-attention {ATTACK}\n\nSelf-attention cost {ATTACK} grows {MARKUP} quadratically.\n",
        encoding="utf-8",
    )
    (small_library / f"broken{NAME_ATTACK}.pdf").write_bytes(b"not a pdf at all")
    return small_library


def run(*args, **kwargs):
    return CliRunner().invoke(cli.main, [str(a) for a in args], **kwargs)


def assert_clean(result, *, code=0):
    assert result.exit_code == code, result.output
    for stream in (result.stdout, result.stderr):
        found = UNSAFE.findall(stream)
        assert not found, (found, stream)


def test_every_cli_output_path_is_free_of_terminal_controls(hostile_library, tmp_path, monkeypatch):
    lib = hostile_library
    build = run("build", "--library", lib)
    assert_clean(build)
    assert "Skipped broken" in build.stderr and "owned" in build.stderr  # the name is shown, defused

    query = "self-attention cost grows quadratically"
    cards = run("search", query, "--library", lib, "-k", "5")
    assert_clean(cards)
    assert "evil" in cards.stdout and "Attention" in cards.stdout
    assert_clean(run("search", query, "--library", lib, "--passages"))

    as_json = run("search", query, "--library", lib, "--json")
    assert_clean(as_json)
    hits = json.loads(as_json.stdout)
    hostile = [hit for hit in hits if hit["path"].startswith("notes/evil")]
    assert hostile and hostile[0]["path"] == f"notes/evil{NAME_ATTACK}.md"  # JSON keeps the data, escaped
    assert any("\x1b]52" in hit["text"] for hit in hostile)

    exports = {flag: tmp_path / f"out{flag}" for flag in ("--csv", "--bibtex", "--markdown")}
    for flag, target in exports.items():
        result = run("search", query, "--library", lib, flag, target)
        assert_clean(result)
        written = target.read_text(encoding="utf-8-sig")
        assert not UNSAFE.findall(written), (flag, written)  # a file someone will `cat`

    for args in (("papers",), ("papers", "--json"), ("papers", "--health"), ("papers", "--health", "--json"),
                 ("status",), ("status", "--json")):
        result = run(*args, "--library", lib)
        assert_clean(result)
    assert "broken" in run("papers", "--library", lib).stdout
    assert json.loads(run("status", "--json", "--library", lib).stdout)["skipped"][0]["path"] == f"broken{NAME_ATTACK}.pdf"

    # An error that names a file: --like on a file the index does not hold lists what exists.
    assert_clean(run("search", "--like", f"notes/nothing{NAME_ATTACK}.md", "--library", lib), code=1)

    # watch: its first update (plan, Skipped lines, summary) and an error reported while watching.
    def one_round(library, update, stop, settle, on_error=None):
        update()
        on_error(PapersearchError_from(f"cannot read notes/evil{NAME_ATTACK}.md"))
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "watch_library", one_round)
    (lib / "notes" / f"more{NAME_ATTACK}.md").write_text(f"# More {ATTACK}\n\ntext {ATTACK}\n", encoding="utf-8")
    watched = run("watch", "--library", lib)
    assert_clean(watched)
    assert "Skipped broken" in watched.stderr and "Error: cannot read notes/evil" in watched.stderr


def PapersearchError_from(message: str) -> Exception:
    from index import PapersearchError

    return PapersearchError(message)


def test_terminal_json_is_json_dumps_for_ordinary_text_and_escapes_the_rest():
    ordinary = [{"text": "非对齐特征融合 — “quoted” café\ttab\nline", "score": 0.5, "page": None}]
    assert terminal_json(ordinary, indent=1) == json.dumps(ordinary, ensure_ascii=False, indent=1)
    hostile = {"t": ATTACK + NAME_ATTACK + "\u2028"}
    text = terminal_json(hostile)
    assert not UNSAFE.findall(text) and "\u2028" not in text
    assert json.loads(text) == hostile
    assert terminal_safe("a\tb\nc" + ATTACK) == "a\tb\nc]52;c;cHduZWQ=]8;;http://attacker.invalid/\\click]8;;\\]0;owned[2J2J"
