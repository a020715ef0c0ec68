"""A user's own gold queries for their own library, one JSON object per line:

    {"query": "...", "relevant": {"notes/a.md": 2, "pdfs/b.pdf": 1}}

Paths are relative to the library, grades 1 (relevant) or 2 (highly relevant); other keys are
ignored. Every problem is reported with its line number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from evaluation.errors import EvaluationInputError


@dataclass(frozen=True)
class GoldQuery:
    line: int
    query: str
    relevant: dict[str, int]


def load_gold(path: Path, known_paths: set[str]) -> list[GoldQuery]:
    path = Path(path)
    if not path.is_file():
        raise EvaluationInputError(f"Gold file {path} does not exist.")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise EvaluationInputError(
            f"Gold file {path} is not UTF-8 text (line {line} has the byte 0x{data[error.start]:02x})."
        ) from None
    queries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        queries.append(_parse(line, f"{path}:{number}", number, known_paths))
    if not queries:
        raise EvaluationInputError(f"Gold file {path} has no queries.")
    return queries


def _parse(line: str, where: str, number: int, known_paths: set[str]) -> GoldQuery:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise EvaluationInputError(f"{where}: not valid JSON ({error.msg}).") from None
    if not isinstance(item, dict):
        raise EvaluationInputError(f"{where}: expected an object with 'query' and 'relevant'.")
    query, relevant = item.get("query"), item.get("relevant")
    if not isinstance(query, str) or not query.strip():
        raise EvaluationInputError(f"{where}: 'query' must be a non-empty string.")
    if not isinstance(relevant, dict) or not relevant:
        raise EvaluationInputError(f"{where}: 'relevant' must map library paths to grades 1 or 2.")
    for file, grade in relevant.items():
        if grade not in (1, 2) or isinstance(grade, bool):
            raise EvaluationInputError(f"{where}: grade for {file!r} must be 1 or 2, not {grade!r}.")
        if file not in known_paths:
            raise EvaluationInputError(f"{where}: {file!r} is not an indexed file of this library.")
    return GoldQuery(line=number, query=query, relevant=dict(relevant))
