"""A Milvus collection as a loaded index: the collection's schema, its rows, and the objects search
uses, shaped like the file store's (index/store.py StoredIndex): `.vectors` (FAISS-like: search,
ntotal, reconstruct), `.lexical` (search over our BM25 tokens), `.passages` (an Arrow table) and
`filter_scope`, which turns the paper filters into a Milvus filter expression that both searches
apply, so filtering happens in Milvus rather than after it. Written to by index/milvus_store.py only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from corpus import BODY, script_of
from index.manifest import Manifest
from papers import paper_of_passage
from index.file_store import CHUNK_COLUMNS, PASSAGE_COLUMNS
from index.lexical import TokenIds
from papers import Catalog

INSERT_BATCH = 512  # rows per insert: well under gRPC's message limit at 1,024 dimensions
MAX_LIMIT = 16_384  # Milvus's largest top-k and query page
_NO_TOKENS = 2**32 - 2  # Milvus refuses empty sparse vectors; a passage without tokens gets this dimension
_TEXT, _SHORT = 65_535, 2_048  # VARCHAR max_length (bytes)


def collection_schema(client, dimension: int):
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False, description="Papersearch passages")
    schema.add_field("row", DataType.INT64, is_primary=True)
    for name, length in (("chunk_id", _SHORT), ("path", _SHORT * 2), ("kind", 16), ("title", _TEXT), ("text", _TEXT),
                         ("embed_text", _TEXT), ("script", 16), ("role", 16)):
        schema.add_field(name, DataType.VARCHAR, max_length=length)
    schema.add_field("heading", DataType.VARCHAR, max_length=_TEXT, nullable=True)
    schema.add_field("page", DataType.INT64, nullable=True)
    schema.add_field("start_line", DataType.INT64, nullable=True)
    schema.add_field("links", DataType.JSON)
    schema.add_field("lexical_tokens", DataType.JSON)
    # The passage's paper, for filter expressions: null when it has none (no paper-level filter passes).
    schema.add_field("paper_id", DataType.VARCHAR, max_length=_SHORT, nullable=True)
    schema.add_field("year", DataType.INT64, nullable=True)
    schema.add_field("venue_key", DataType.VARCHAR, max_length=_SHORT, nullable=True)  # casefolded; "" = no venue
    schema.add_field("read", DataType.BOOL, nullable=True)
    schema.add_field("has_pdf", DataType.BOOL, nullable=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
    schema.add_field("lexical", DataType.SPARSE_FLOAT_VECTOR)
    return schema


def index_params(client, spec: dict):
    """Exact dense search below the size the manifest's vector_index names, IVF_FLAT above it (as the
    file store does); the sparse index is exact too (no dropped weights)."""
    params = client.prepare_index_params()
    if spec.get("kind") in _IVF_KINDS:
        params.add_index(field_name="vector", index_type="IVF_FLAT", metric_type="IP", params={"nlist": int(spec["nlist"])})
    else:
        params.add_index(field_name="vector", index_type="FLAT", metric_type="IP")
    params.add_index(field_name="lexical", index_type="SPARSE_INVERTED_INDEX", metric_type="IP",
                     params={"inverted_index_algo": "DAAT_MAXSCORE"})
    return params


_IVF_KINDS = ("ivf_flat", "ivf_sq8_refine")  # Milvus keeps float vectors either way: IVF_FLAT, same nlist/nprobe


def vector_search_params(spec: dict) -> dict:
    if spec.get("kind") in _IVF_KINDS:
        return {"metric_type": "IP", "params": {"nprobe": int(spec["nprobe"])}}
    return {"metric_type": "IP"}


def passage_rows(chunks: pd.DataFrame, vectors: np.ndarray, weights, tokens: TokenIds, catalog: Catalog, start: int,
                 end: int) -> list[dict]:
    """Rows start..end of a build as Milvus entities; the filter fields come from the catalog here,
    at build time, by the same rule search uses to show a passage's paper."""
    rows = []
    for row, row_tokens in zip(range(start, end), tokens.token_lists(range(start, end)), strict=True):
        chunk = chunks.iloc[row]
        start_line = None if pd.isna(chunk["start_line"]) else int(chunk["start_line"])
        paper = paper_of_passage(catalog, chunk["kind"], chunk["path"], start_line, chunk["text"])
        sparse = weights.getrow(row) if row < weights.shape[0] else None
        lexical = {int(c): float(w) for c, w in zip(sparse.indices, sparse.data) if w > 0} if sparse is not None else {}
        rows.append({
            "row": row, "chunk_id": chunk["chunk_id"], "path": chunk["path"], "kind": chunk["kind"],
            "title": chunk["title"], "text": chunk["text"], "embed_text": chunk["embed_text"],
            "script": chunk["script"] if isinstance(chunk.get("script"), str) else script_of(chunk["embed_text"]),
            "role": chunk["role"] if isinstance(chunk.get("role"), str) else BODY,
            "heading": None if chunk["heading"] is None or pd.isna(chunk["heading"]) else str(chunk["heading"]),
            "page": None if pd.isna(chunk["page"]) else int(chunk["page"]), "start_line": start_line,
            "links": [str(link) for link in (chunk["links"] if chunk["links"] is not None else [])],
            "lexical_tokens": [str(token) for token in row_tokens],
            "paper_id": paper.paper_id if paper else None, "year": paper.year if paper else None,
            "venue_key": (paper.venue or "").casefold() if paper else None,
            "read": paper.read if paper else None, "has_pdf": bool(paper.pdfs) if paper else None,
            "vector": vectors[row].tolist(), "lexical": lexical or {_NO_TOKENS: 1.0},
        })
    return rows


def read_rows(client, collection: str, fields: list[str], expected: int, expression: str = "") -> dict[str, list]:
    """Columns of every row (or of the rows matching `expression`), in Milvus's order."""
    columns: dict[str, list] = {name: [] for name in fields}
    iterator = client.query_iterator(collection, batch_size=min(MAX_LIMIT, max(1, expected)), filter=expression,
                                     output_fields=fields)
    try:
        while batch := iterator.next():
            for name in fields:
                columns[name].extend(entity[name] for entity in batch)
    finally:
        iterator.close()
    return columns


@dataclass(frozen=True)
class MilvusScope:
    """A filter expression both searches apply inside Milvus."""
    expression: str


def filter_scope(where) -> tuple[MilvusScope | None, frozenset[str]]:
    """The Milvus expression for a ResultFilter's fields, and which fields it covers: kind, years,
    venue, has_pdf and a paper, file or folder scope. `topic` (a substring of any of a paper's topic
    headings), `read` and tags are left to search to check on the returned rows: a
    paper's reading status and tags come from the researcher's marks (library/marks.py), which change
    between builds, so what is stored at build time may be stale."""
    parts = {name: expression(getattr(where, name)) for name, expression in _FILTER_EXPRESSIONS.items()
             if getattr(where, name, None) is not None}
    parts = {name: part for name, part in parts.items() if part is not None}
    return (MilvusScope(" and ".join(parts.values())) if parts else None), frozenset(parts)


_FILTER_EXPRESSIONS = {  # ResultFilter field -> its Milvus expression
    "kind": lambda kind: f"kind == {_quoted(kind)}",
    "year_from": lambda year: f"year >= {_int64(year)}",
    "year_to": lambda year: f"year <= {_int64(year)}",
    "venue": lambda venue: f"venue_key == {_quoted(venue.casefold())}",
    "has_pdf": lambda has_pdf: f"has_pdf == {'true' if has_pdf else 'false'}",
    "file": lambda path: f"path == {_quoted(path)}",
    "paper": lambda paper_id: f"paper_id == {_quoted(paper_id)}",  # a passage's paper, by the rule search uses
    "folder": lambda folder: _folder_expression(folder),
}


def _folder_expression(folder: str) -> str | None:
    """The files under `folder` (ResultFilter cleans it: no leading or trailing "/"), as a LIKE
    prefix; None (search checks it on the rows) for a name with a LIKE wildcard in it."""
    if not folder:
        return "row >= 0"
    if any(char in folder for char in "%_\\"):
        return None
    return f"path like {_quoted(folder + '/%')}"


def _int64(year) -> int:
    """A year as Milvus's INT64 field takes it: one beyond its range (--year-from 10**20) is clamped,
    which keeps the answer (no year is that large) instead of failing inside Milvus."""
    return max(-(2**63), min(2**63 - 1, int(year)))


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class MilvusVectors:
    """FAISS's search/ntotal/reconstruct over the collection's dense vectors (row = primary key)."""

    def __init__(self, owner: MilvusIndex):
        self._owner = owner
        self.ntotal = owner.passages.num_rows
        self.d = owner.manifest.dimension

    def search(self, queries: np.ndarray, k: int, scope: MilvusScope | None = None) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, MAX_LIMIT)
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        rows = np.full((len(queries), k), -1, dtype=np.int64)
        owner = self._owner
        with owner.calling("searching by meaning"):
            results = owner.client.search(
                owner.collection, data=[q.tolist() for q in np.asarray(queries, np.float32)], anns_field="vector",
                limit=k, filter=scope.expression if scope else "", output_fields=["row"], search_params=owner.search_params,
            )
        for i, hits in enumerate(results):
            for j, hit in enumerate(hits):
                rows[i, j], scores[i, j] = int(hit["row"]), float(hit["distance"])
        return scores, rows

    def reconstruct_batch(self, rows: np.ndarray) -> np.ndarray:
        wanted = [int(row) for row in rows]
        found = {}
        owner = self._owner
        with owner.calling("reading passage vectors"):
            for start in range(0, len(wanted), MAX_LIMIT):
                part = sorted(set(wanted[start : start + MAX_LIMIT]))
                for entity in owner.client.query(owner.collection, filter=f"row in {part}", output_fields=["row", "vector"]):
                    found[int(entity["row"])] = entity["vector"]
        return np.asarray([found[row] for row in wanted], dtype=np.float32).reshape(len(wanted), self.d)

    def reconstruct_n(self, start: int, count: int) -> np.ndarray:
        owner = self._owner
        with owner.calling("reading all vectors"):
            columns = read_rows(owner.client, owner.collection, ["row", "vector"], self.ntotal,
                                f"row >= {int(start)} and row < {int(start + count)}")
        order = np.argsort(np.asarray(columns["row"], dtype=np.int64), kind="stable")
        vectors = np.asarray(columns["vector"], dtype=np.float32).reshape(len(order), self.d)
        return vectors[order]


class MilvusLexical:
    """BM25 over our own tokens: the query's token counts against the passages' stored BM25 weights."""

    def __init__(self, owner: MilvusIndex, vocabulary: dict[str, int]):
        self._owner = owner
        self._vocabulary = vocabulary
        self.document_count = owner.passages.num_rows
        self.is_empty = owner.passages.num_rows == 0

    def search(self, tokens: list[str], k: int, scope: MilvusScope | None = None) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(self._vocabulary[token] for token in tokens if token in self._vocabulary)
        if self.is_empty or not counts or k < 1:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        owner = self._owner
        with owner.calling("searching by words"):
            hits = owner.client.search(
                owner.collection, data=[{int(c): float(n) for c, n in counts.items()}], anns_field="lexical",
                limit=min(k, MAX_LIMIT), filter=scope.expression if scope else "", output_fields=["row"],
                search_params={"metric_type": "IP", "params": {"drop_ratio_search": 0.0}},
            )[0]
        pairs = sorted(((float(h["distance"]), int(h["row"])) for h in hits if h["distance"] > 0), key=lambda p: (-p[0], p[1]))
        return np.asarray([r for _, r in pairs], dtype=np.int64), np.asarray([s for s, _ in pairs], dtype=np.float32)


class MilvusIndex:
    """What FileStore.load() gives, over a Milvus collection. Passages (no vectors, no BM25) are read
    into an Arrow table when it opens: search needs whole columns (script, path) without a round trip."""

    roles_known = True  # every Milvus collection is written with its passages' roles
    ranks_within_rows = False  # a file or folder scope is a filter expression on `path` (filter_scope)
    companion = None  # Milvus keeps no second encoder's vectors (index/companion.py)
    companion_direction = None
    companion_terms = None

    def __init__(self, *, manifest: Manifest, passages, catalog: Catalog, location: Path, language_direction,
                 client, collection: str, vocabulary: dict[str, int], calling, search_params: dict):
        self.manifest, self.passages, self.catalog, self.location = manifest, passages, catalog, location
        self.language_direction = language_direction
        self.client, self.collection, self.calling, self.search_params = client, collection, calling, search_params
        self.vectors = MilvusVectors(self)
        self.lexical = MilvusLexical(self, vocabulary)
        self._chunks: pd.DataFrame | None = None

    filter_scope = staticmethod(filter_scope)

    @property
    def chunks(self) -> pd.DataFrame:
        """The whole chunk table (CHUNK_COLUMNS), read on first use by rebuilds."""
        if self._chunks is None:
            with self.calling("reading the chunk table"):
                columns = read_rows(self.client, self.collection, ["row", "embed_text", "lexical_tokens"],
                                    self.passages.num_rows)
            order = np.argsort(np.asarray(columns["row"], dtype=np.int64), kind="stable")
            frame = self.passages.to_pandas()
            frame["embed_text"] = [columns["embed_text"][i] for i in order]
            frame["lexical_tokens"] = [list(columns["lexical_tokens"][i]) for i in order]
            frame = frame[CHUNK_COLUMNS].astype({"page": "Int64", "start_line": "Int64"})
            frame["heading"] = frame["heading"].astype(object).where(frame["heading"].notna(), None)
            self._chunks = frame.reset_index(drop=True)
        return self._chunks

    @property
    def rows(self) -> pd.DataFrame:
        """The chunk table without its tokens, as a rebuild carries rows over (`kept_tokens`)."""
        return self.chunks.drop(columns="lexical_tokens")

    def kept_tokens(self, keep: np.ndarray) -> TokenIds:
        """The tokens of the rows `keep` is True for, as ids (a collection keeps them as text)."""
        return TokenIds.of(self.chunks["lexical_tokens"][keep])

    def all_vectors(self) -> np.ndarray:
        if self.vectors.ntotal == 0:
            return np.zeros((0, self.manifest.dimension), dtype=np.float32)
        return self.vectors.reconstruct_n(0, self.vectors.ntotal)

    def all_companion_vectors(self) -> np.ndarray:
        return np.zeros((0, 0), dtype=np.float32)


__all__ = ["MilvusIndex", "MilvusScope", "PASSAGE_COLUMNS", "filter_scope"]
