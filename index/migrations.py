"""Every "index built before X" rule in one place: what older builds lack and how it is made up.

Each rule reads an older build as the current code would have written it, so search and rebuilds
never branch on a format; the next build writes the full form and the rule stops applying.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from corpus import BODY, passage_roles, script_of
from embed import Embedder, language_direction
from index.lexical import TokenIds

TOKENS_AS_TEXT = "lexical_tokens"  # chunks.parquet's column of each passage's tokens, before lexical/ kept their ids


def passages_with_roles(table: pa.Table, schema: pa.Schema) -> tuple[pa.Table, bool] | None:
    """passages.arrow written before passages had roles: every passage reads as body (and False:
    the next build works the roles out). None when `table` is not of that older shape."""
    before_roles = schema.remove(schema.get_field_index("role"))
    if table.schema != before_roles:
        return None
    body = pc.fill_null(pa.nulls(table.num_rows, pa.string()), BODY)
    return table.append_column(schema.field("role"), body), False


def with_script_and_roles(chunks: pd.DataFrame) -> pd.DataFrame:
    """A chunk frame made without the script or role column (older builds, tools) gets them here, once per build."""
    if "script" in chunks.columns and not chunks["script"].isna().any() and "role" in chunks.columns:
        return chunks
    chunks = chunks.copy()
    if "script" not in chunks.columns or chunks["script"].isna().any():
        chunks["script"] = [script_of(text) for text in chunks["embed_text"]]
    if "role" not in chunks.columns:
        chunks["role"] = passage_roles_of(chunks)
    return chunks


def passage_roles_of(frame: pd.DataFrame) -> list[str]:
    """Each row's role, worked out again from the text: PDF rows by file, in stored order (a file's
    rows are contiguous and in reading order)."""
    roles = [BODY] * len(frame)
    kinds, texts = frame["kind"].to_numpy(), frame["text"].tolist()
    for positions in frame.groupby("path", sort=False).indices.values():
        if kinds[positions[0]] == "pdf":
            for position, role in zip(positions, passage_roles([texts[p] for p in positions])):
                roles[position] = role
    return roles


def checksums_required(manifest) -> bool:
    """Every build this code writes records `has_checksums` in its manifest and writes
    checksums.json: for such a build a missing checksums.json is damage (deleting it must not
    switch the damage checks off). Builds from releases before checksums recorded no such field
    (read as False) and never had the file: only they are exempt."""
    return bool(manifest.has_checksums)


def stored_direction(stored: np.ndarray | None, embedder: Embedder) -> np.ndarray | None:
    """The model's language direction as the build stored it; a build from before that stored
    none gets it from the model."""
    return stored if stored is not None else language_direction(embedder)


def tokens_of_older_build(chunks_file) -> TokenIds:
    """The token ids of a build written before lexical/ kept them (index/lexical.py): its
    chunks.parquet's tokens as text, read a row group at a time as ids (dictionary-encoded by
    Arrow, never as Python lists). Its next build writes the ids and drops the column."""
    import pyarrow.parquet as pq

    tokens = TokenIds()
    for batch in pq.ParquetFile(chunks_file).iter_batches(batch_size=1 << 14, columns=[TOKENS_AS_TEXT]):
        tokens.extend_arrow(batch.column(0))
    return tokens


def lacks_title_terms(previous, companion: str | None) -> bool:
    """A build with a second encoder made before the library's title terms were kept with it
    (index/title_terms.py): its next build, even with no file changed, adds them (an update that
    embeds only the terms)."""
    return bool(companion) and previous.manifest.companion_model == companion and previous.companion_terms is None

