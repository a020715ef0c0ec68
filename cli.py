"""Papersearch command line: build an index of a paper library, search it, inspect it.

Library code raises domain errors; this file is the edge that turns them into messages.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from tqdm import tqdm

from corpus import ChunkSettings
from embed import Embedder, ModelLoadError, SentenceTransformerEmbedder
from index import (
    ENV_INDEX,
    ENV_LIBRARY,
    ENV_MODEL,
    Manifest,
    PapersearchError,
    SearchResponse,
    hits_to_csv,
    model_for_build,
    model_for_search,
)
from index.library import Library
from index.search import normalise_query

EXAMPLES = f"""
\b
Examples:
  python cli.py build --library ~/papers
  python cli.py search "unaligned feature fusion for video" --library ~/papers
  python cli.py search "非对齐特征融合" --library ~/papers -k 20 --csv results.csv
  python cli.py search "deformable attention" --library ~/papers --json
  python cli.py status --library ~/papers

\b
Environment: {ENV_LIBRARY}, {ENV_INDEX} and {ENV_MODEL} stand in for
--library, --index and --model.
"""


def load_embedder(model: str) -> Embedder:
    """The one place the CLI makes an embedder (tests replace it with a fake)."""
    return SentenceTransformerEmbedder(model)


library_option = click.option(
    "--library", "library", envvar=ENV_LIBRARY, required=True,
    type=click.Path(file_okay=False, path_type=Path), help="Folder of PDFs and Markdown notes.",
)
index_option = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help=f"Index folder (default: <library>/.papersearch, or ${ENV_INDEX}).",
)


@click.group(epilog=EXAMPLES)
def main() -> None:
    """Search your own library of paper PDFs and reading notes (English and Chinese)."""


@main.command()
@library_option
@index_option
@click.option("--model", default=None, help=f"sentence-transformers model name or local path (or ${ENV_MODEL}).")
@click.option("--chunk-tokens", type=int, default=None, help="Chunk size in model tokens (default 192).")
@click.option("--overlap-tokens", type=int, default=None, help="Tokens shared by consecutive chunks (default 32).")
def build(library: Path, index_dir: Path | None, model: str | None, chunk_tokens: int | None, overlap_tokens: int | None) -> None:
    """Index new and changed files; unchanged files are not re-embedded."""
    with _friendly_errors():
        lib = Library(library, index_dir)
        manifest = lib.manifest()
        settings = _chunk_settings(manifest, chunk_tokens, overlap_tokens)
        model_name = model_for_build(model, manifest)
        plan = lib.plan(model_name, settings)
        click.echo(f"Library: {lib.root}\nIndex:   {lib.index_dir}\nModel:   {model_name}")
        click.echo(f"Plan:    {plan.summary()}")
        if plan.is_noop and manifest is not None:
            click.echo(f"Index is up to date: {len(manifest.files)} files, {manifest.chunk_count} chunks.")
            return
        embedder = load_embedder(model_name)
        with _TqdmProgress() as progress:
            report = lib.build(plan, embedder, progress)
        for skipped in report.skipped:
            kept = " (previous version kept)" if skipped.kept_previous else ""
            click.echo(f"Skipped {skipped.path}: {skipped.reason}{kept}", err=True)
        click.echo(report.summary())


@main.command()
@click.argument("query")
@library_option
@index_option
@click.option("-k", "k", type=click.IntRange(1, 1000), default=10, show_default=True, help="Number of results.")
@click.option("--model", default=None, help="Refuse to search unless the index was built with this model.")
@click.option("--passages", is_flag=True, help="One line per passage instead of one card per file.")
@click.option("--json", "as_json", is_flag=True, help="Print passages as a JSON list, in rank order.")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), help="Also write passages to this CSV file.")
def search(query: str, library: Path, index_dir: Path | None, k: int, model: str | None,
           passages: bool, as_json: bool, csv_file: Path | None) -> None:
    """Find the passages that best answer QUERY."""
    with _friendly_errors():
        lib, manifest = _indexed_library(library, index_dir)
        normalise_query(query)  # fail fast, before loading a model
        searcher = lib.searcher(load_embedder(model_for_search(model, manifest)))
        grouped = not (passages or as_json or csv_file)
        response = searcher.search(query, k=max(k * 10, 50) if grouped else k)
    for notice in response.notices:
        click.echo(f"Note: {notice}", err=True)
    if csv_file:
        csv_file.write_bytes(hits_to_csv(response.hits))
        click.echo(f"Wrote {len(response.hits)} passages to {csv_file}", err=True)
    if as_json:
        click.echo(json.dumps([hit.to_dict() for hit in response.hits], ensure_ascii=False, indent=1))
    elif grouped:
        _print_documents(response, k)
    elif not csv_file or passages:
        _print_passages(response)


@main.command()
@library_option
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the status as one JSON object.")
def status(library: Path, index_dir: Path | None, as_json: bool) -> None:
    """What the index holds: files, chunks, model, last build, skipped files and pending changes."""
    with _friendly_errors():
        lib, manifest = _indexed_library(library, index_dir)
        pending = lib.plan(manifest.model).summary()
    info = {
        "library": str(lib.root),
        "index": str(lib.index_dir),
        "model": manifest.model,
        "dimension": manifest.dimension,
        "chunk_settings": manifest.chunk_settings,
        "files": len(manifest.files),
        "chunks": manifest.chunk_count,
        "last_build": manifest.built_at,
        "build_seconds": manifest.build_seconds,
        "pending": pending,
        "skipped": [
            {"path": s.path, "reason": s.reason, "kept_previous": s.kept_previous} for s in manifest.skipped
        ],
        "warnings": manifest.warnings,
    }
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=1))
        return
    for key in ("library", "index", "model", "files", "chunks", "last_build", "pending"):
        click.echo(f"{key.replace('_', ' ').capitalize() + ':':<12} {info[key]}")
    click.echo(f"{'Chunking:':<12} {manifest.chunk_settings}")
    if manifest.skipped:
        click.echo(f"Skipped {len(manifest.skipped)} files:")
        for item in info["skipped"]:
            kept = " (previous version kept)" if item["kept_previous"] else ""
            click.echo(f"  {item['path']}: {item['reason']}{kept}")
    for path, messages in manifest.warnings.items():
        for message in messages:
            click.echo(f"Warning {path}: {message}")


def _indexed_library(library: Path, index_dir: Path | None) -> tuple[Library, Manifest]:
    lib = Library(library, index_dir)
    manifest = lib.manifest()
    if manifest is None:
        raise click.ClickException(
            f"No index at {lib.index_dir} yet. Build it first: python cli.py build --library {library}"
        )
    return lib, manifest


def _chunk_settings(manifest: Manifest | None, chunk_tokens: int | None, overlap_tokens: int | None) -> ChunkSettings:
    base = ChunkSettings(**manifest.chunk_settings) if manifest else ChunkSettings()
    try:
        return ChunkSettings(
            chunk_tokens=chunk_tokens if chunk_tokens is not None else base.chunk_tokens,
            overlap_tokens=overlap_tokens if overlap_tokens is not None else base.overlap_tokens,
        )
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _print_documents(response: SearchResponse, k: int) -> None:
    documents = response.by_document(limit=k)
    if not documents:
        click.echo("No results.")
    for number, document in enumerate(documents, start=1):
        click.secho(f"{number}. {document.title}", bold=True)
        click.echo(f"   {document.kind} · {document.path} · best score {document.score:.3f}")
        for hit in document.hits:
            click.echo(f"   - [{hit.location}] {_snippet(hit.text)}")
        click.echo()


def _print_passages(response: SearchResponse) -> None:
    if not response.hits:
        click.echo("No results.")
    for hit in response.hits:
        click.echo(f"{hit.rank:>3}. {hit.score:.3f}  {hit.path}  [{hit.location}]")
        click.echo(f"      {_snippet(hit.text)}")


def _snippet(text: str, width: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


class _TqdmProgress:
    """One tqdm bar per build stage, fed by the builder's (stage, done, total) callback."""

    def __enter__(self) -> _TqdmProgress:
        self._bars: dict[str, tqdm] = {}
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        bar = self._bars.get(stage)
        if bar is None:
            for finished in self._bars.values():
                finished.close()
            bar = self._bars[stage] = tqdm(total=total, desc=stage, unit="item", file=sys.stderr, leave=True)
        bar.update(done - bar.n)

    def __exit__(self, *exc) -> None:
        for bar in self._bars.values():
            bar.close()


class _friendly_errors:
    """Turn domain errors into one-line messages with exit status 1."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, traceback) -> bool:
        if isinstance(error, (PapersearchError, ModelLoadError)):
            raise click.ClickException(str(error)) from None
        return False


if __name__ == "__main__":
    main()
