"""BEIR-format benchmarks (corpus.jsonl, queries.jsonl, qrels/<split>.tsv) as a Papersearch library.

Each corpus document becomes a small Markdown file (`# title` + text), so the benchmark goes
through exactly the pipeline a user's notes go through, and the normal incremental build caches it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from evaluation.errors import EvaluationInputError
from library import Library
from index import parse_store

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class BeirData:
    corpus: dict[str, tuple[str, str]]  # doc id -> (title, text)
    queries: dict[str, str]  # query id -> text, only those with judgements in the split
    qrels: dict[str, dict[str, int]]  # query id -> {doc id: grade}


def load_beir(folder: Path, split: str) -> BeirData:
    folder = Path(folder)
    corpus_file, queries_file, qrels_file = folder / "corpus.jsonl", folder / "queries.jsonl", folder / "qrels" / f"{split}.tsv"
    for required in (corpus_file, queries_file, qrels_file):
        if not required.is_file():
            raise EvaluationInputError(f"BEIR folder {folder} is missing {required.relative_to(folder)}.")
    corpus = {
        str(row["_id"]): (str(row.get("title") or ""), str(row.get("text") or ""))
        for row in _jsonl(corpus_file)
    }
    all_queries = {str(row["_id"]): str(row["text"]) for row in _jsonl(queries_file)}
    qrels: dict[str, dict[str, int]] = {}
    with open(qrels_file, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
            if number == 1 and row and not row[-1].strip().lstrip("-").isdigit():
                continue  # header line
            if len(row) < 3:
                raise EvaluationInputError(f"{qrels_file}:{number}: expected query-id, corpus-id, score")
            query_id, doc_id, grade = row[0], row[1], int(row[-1])
            if grade > 0:
                qrels.setdefault(query_id, {})[doc_id] = grade
    queries = {qid: text for qid, text in all_queries.items() if qid in qrels}
    if not queries:
        raise EvaluationInputError(f"No query in {queries_file} has judgements in {qrels_file}.")
    return BeirData(corpus=corpus, queries=queries, qrels=qrels)


def document_path(doc_id: str) -> str:
    """The library-relative file that holds BEIR document `doc_id`."""
    return f"docs/{_UNSAFE.sub('_', doc_id)}.md"


def materialise_library(data: BeirData, library: Path) -> Path:
    """Write one Markdown file per document; files whose content is unchanged are left alone."""
    for doc_id, (title, text) in data.corpus.items():
        path = library / document_path(doc_id)
        content = f"# {' '.join(title.split()) or doc_id}\n\n{text.strip()}\n"
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    return library


def _jsonl(path: Path):
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as error:
                    raise EvaluationInputError(f"{path}:{number}: not valid JSON ({error.msg})") from None


def beir_library(
    data: BeirData, beir_dir: Path, cache: Path, model: str, index_dir: Path | None = None, store=None
) -> Library:
    """A library for the benchmark under `cache`, with one index folder per model (and per store:
    a Milvus store keeps its manifest in a folder of its own), so switching never re-embeds."""
    resolved = Path(beir_dir).resolve()
    key = hashlib.sha256(str(resolved).encode()).hexdigest()[:10]
    root = Path(cache) / "beir" / f"{resolved.name}-{key}"
    materialise_library(data, root / "library")
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model)[-60:]
    location = parse_store(store)
    suffix = "" if not location.is_milvus else "-milvus-" + hashlib.sha256(location.uri.encode()).hexdigest()[:8]
    return Library(root / "library", index_dir or root / f"index-{slug}{suffix}", location)


def beir_qrels_by_path(data: BeirData) -> dict[str, dict[str, int]]:
    """Judgements keyed by the library paths the documents were written to."""
    return {query: {document_path(doc): grade for doc, grade in docs.items()} for query, docs in data.qrels.items()}
