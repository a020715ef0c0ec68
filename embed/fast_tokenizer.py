"""A model folder's ``tokenizer.json`` through the `tokenizers` package alone.

Why not transformers' AutoTokenizer: importing transformers takes ~4 s, more than the whole
budget of a one-shot command-line search (issue #11: answer in under 2 s). A fast tokenizer in
transformers *is* this Rust tokenizer plus bookkeeping, so loading tokenizer.json directly gives
the same token ids (tests/embed/test_fast_query.py checks them against transformers on real text).

Loading e5's file takes ~0.8 s (tokenizers builds the trie of its 250k-piece Unigram vocabulary
holding the GIL, so a thread would not hide it): the largest part of a one-shot search's start-up.

The file's own padding and truncation settings are dropped (all-MiniLM-L6-v2's file pads every
text to 128); callers say per call whether they want special tokens and a length limit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from embed.errors import ModelLoadError
from embed.sentencepiece import without_lone_metaspace


class FastTokenizer:
    def __init__(self, folder: str | Path):
        try:
            from tokenizers import Tokenizer
        except ImportError:  # pragma: no cover - requirements.txt installs it
            raise ModelLoadError("Papersearch needs the 'tokenizers' package: pip install tokenizers") from None
        path = Path(folder) / "tokenizer.json"
        try:
            self._tokenizer = Tokenizer.from_file(str(path))
        except Exception as error:  # noqa: BLE001 — tokenizers raises plain Exception on a bad file
            raise ModelLoadError(f"cannot read the tokenizer {path}: {error}") from None
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self.special_tokens = self._tokenizer.num_special_tokens_to_add(is_pair=False)

    def encode(self, texts: list[str]) -> list:
        """tokenizers' Encodings of `texts`, special tokens not added (`batch` adds them)."""
        return self._tokenizer.encode_batch(texts, add_special_tokens=False)

    def ids(self, texts: list[str]) -> list[list[int]]:
        return [encoding.ids for encoding in self.encode(texts)]

    def count(self, texts: list[str]) -> list[int]:
        """Tokens per text, special tokens not counted."""
        return [len(ids) for ids in self.ids(texts)] if texts else []

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) character offsets of each token, special tokens not included."""
        encoding = self._tokenizer.encode(text, add_special_tokens=False)
        return without_lone_metaspace([tuple(span) for span in encoding.offsets], encoding.tokens)

    def batch(self, encodings: list, max_length: int) -> tuple[np.ndarray, np.ndarray]:
        """(input_ids, attention_mask) as int64 arrays from `encode`'s Encodings (cut in place):
        special tokens added, each cut to `max_length` tokens (special ones included, as
        transformers' truncation=True does) and padded to the longest; padding is masked out, so
        the pad id does not matter."""
        room = max_length - self.special_tokens
        rows = []
        for encoding in encodings:
            if len(encoding.ids) > room:
                encoding.truncate(room)
            rows.append(self._tokenizer.post_process(encoding).ids)
        width = max((len(ids) for ids in rows), default=0)
        input_ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, ids in enumerate(rows):
            input_ids[i, : len(ids)] = ids
            mask[i, : len(ids)] = 1
        return input_ids, mask
