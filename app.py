"""Papersearch in the browser: search a paper library, rebuild its index, export results.

Run:  streamlit run page.py -- --library DIR [--index DIR] [--model NAME] [--zotero DATA_DIR]
      (or set PAPERSEARCH_LIBRARY / PAPERSEARCH_INDEX / PAPERSEARCH_MODEL / PAPERSEARCH_ZOTERO; default: the
      demo library; a Zotero data folder can also be added in the sidebar). page.py is this page with
      a route that serves the library's PDFs under their own names; `streamlit run app.py` works too.
"""

from __future__ import annotations

import argparse
import logging
import time
import os
from dataclasses import replace
from pathlib import Path

import pyarrow.compute as pc
import streamlit as st

from embed import Embedder, ModelLoadError, registry
from index import (
    ENV_MILVUS_TOKEN, CorruptIndexError, IndexLockedError, ModelMismatchError, PapersearchError,
    StoreUnavailableError, read_progress,
)
from corpus import COLOURS
from library import (
    ENV_INDEX, ENV_LIBRARY, ENV_MODEL, ENV_ZOTERO, MAX_UPLOAD_BYTES, Library, MarksFileError, ZoteroLibraryError,
)
from papers import Catalog
from search import MARK_KIND, MODES, ResultFilter, Searcher, by_paper, facet_values, marks_on_page, search_depth
from ui.build_jobs import BuildJob, running_build, start_build
from ui.cards import CardContext, show_document_cards, show_paper_cards, show_passage_cards
from ui.desk_state import keep_desk_state
from ui.downloads import download_buttons
from ui.inert_text import markdown_text as md
from ui.mark_labels import SWATCH_STYLE
from ui.library_view import library_view
from ui.picks import clear_picks, picked_hits
from ui.recent_list import recent_sidebar, remember_search
from ui.search_scope import scope_controls, search_within, show_active_scope
from ui.served_files import prune_served_pdfs
from ui.pending_words import pending_words
from ui.upload_messages import upload_message, upload_summary

APP_DIR = Path(__file__).resolve().parent
DEMO_LIBRARY = APP_DIR / "demo"
STATIC_DIR = APP_DIR / "static"  # served by Streamlit (server.enableStaticServing): PDFs opened at a page
STYLE = (
    "mark{background:#ffe08a;padding:0 2px}.passage{margin:.4rem 0}"
    ".passage-text{white-space:pre-wrap;font-size:.95rem}"
    ".own-mark{border-left:3px solid #0002;padding-left:.5rem}.mark-label{font-weight:600}" + SWATCH_STYLE
    # the first result within a 720 px high window: less of Streamlit's empty band above the title
    + "[data-testid=stMainBlockContainer]{padding-top:3rem}h1{padding-top:0}"
)
VIEWS = ["By paper", "By file", "By passage"]
DESKS = ["Search", "Library"]
_log = logging.getLogger("papersearch.app")
READ_HELP = ("Read: marked read by you (Library view, `papersearch mark`), else a paper with its own note (counted "
             "as read until you mark it otherwise), else `[x]` in your paper lists. Unread includes to read.")
RESULTS_HELP = ("How many cards: papers By paper, files By file, passages By passage — fewer when fewer answer. "
                "The command line's -k counts the same way: files (one card per file), passages with --passages or "
                "--json.")
MODE_HELP = "hybrid: meaning and shared words, fused · dense: meaning only · lexical: BM25 on words only"


def page_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="app.py")
    parser.add_argument("--library", default=os.environ.get(ENV_LIBRARY) or str(DEMO_LIBRARY))
    parser.add_argument("--index", default=os.environ.get(ENV_INDEX))
    parser.add_argument("--model", default=os.environ.get(ENV_MODEL))
    parser.add_argument("--zotero", default=os.environ.get(ENV_ZOTERO))
    return parser.parse_known_args()[0]


@st.cache_resource(show_spinner=False)
def shared_embedder(model: str) -> Embedder:
    """One model per name for the whole server, searches and background builds alike (a build's
    thread has no page to show a spinner on)."""
    return registry.load_embedder(model)


@st.cache_resource(show_spinner="Loading the index…")
def load_searcher(library: str, index: str | None, build: str, model: str, zotero: str | None = None) -> Searcher:
    """Keyed by the build folder's name, so a finished rebuild is picked up by the next run; served
    copies of PDFs that build no longer holds are deleted then (from this index's subfolder only)."""
    lib = Library(library, index, zotero=zotero)
    searcher = lib.searcher(model, load=shared_embedder)
    files = searcher.index.manifest.files
    prune_served_pdfs(STATIC_DIR, {record.sha256 for record in files.values() if record.kind == "pdf"},
                      index_dir=lib.index_dir)  # this index's copies only: other servers share STATIC_DIR
    return searcher


def start_page_build(lib: Library, model: str | None) -> BuildJob:
    """Start a build of the library (or join the one running) in its own thread (ui/build_jobs.py):
    a click, a new query or a reload meanwhile does not cancel it, and the page goes on answering
    searches from the current index while it runs (follow_build, at the end of every run)."""
    def work(progress, on_plan):
        return lib.update(model, progress=progress, on_plan=on_plan, load_embedder=shared_embedder)

    job = start_build(str(lib.index_dir), work)
    st.session_state["build_job"] = job  # this session shows its outcome when it ends
    return job


def follow_build(lib: Library, box, until_searchable: bool = False) -> None:
    """Show the running build's plan, progress and time left in `box` until it ends, then run the
    page again so it searches the new index (and says, once, what the build did). Called last in a
    run, after the results are shown, so no search waits for a build. A staged first build
    (index/staged_build.py) commits as it goes: each commit runs the page again too, so the search
    box appears as soon as anything is searchable. `until_searchable`: return once any index exists."""
    job = st.session_state.get("build_job") or running_build(str(lib.index_dir))
    if job is None:
        return
    with box:
        plan_box, bar = st.empty(), st.empty()
    seen = lib.build_id()

    def show(job: BuildJob) -> None:
        if job.plan is not None:
            plan_box.info(f"Build plan: {md(job.plan.summary())}")
        if job.step.total:
            bar.progress(min(job.step.done / job.step.total, 1.0), text=md(job.step.describe()))
        if job.running and lib.build_id() != seen and (seen is None or not until_searchable):
            st.rerun()  # a new commit: search it

    job.follow(show)
    if st.session_state.get("build_job") is job:
        del st.session_state["build_job"]
        st.session_state["build_outcome"] = job
    st.rerun()


def show_build_outcome(box) -> None:
    """What this session's last build did, said once in `box`, on the run after it ended."""
    job = st.session_state.pop("build_outcome", None)
    if job is None:
        return
    with box:
        say_build_outcome(job)


def say_build_outcome(job: BuildJob) -> None:
    if isinstance(job.error, IndexLockedError):
        st.warning(f"{md(job.error)} Meanwhile this page searches the current index; it uses the new one as soon as "
                   "the other build is done.")
        return
    if job.error is not None:
        raise job.error  # main() turns it into a message
    report = job.report
    if report.plan is not None:
        st.info(f"Build plan: {md(report.plan.summary())}")
    if not report.wrote_index:
        st.success("The index is already up to date.")
        return
    load_searcher.clear()
    st.success(md(report.summary()))
    for skipped in report.skipped:
        st.warning(f"Skipped {md(skipped.path)}: {md(skipped.reason)}")


def sidebar(lib: Library, model: str | None):
    """The index's controls; returns the container for its summary, which open_searcher fills
    last so that it describes the index as any build of this run has left it."""
    with st.sidebar:
        st.header("Index")
        st.caption(f"Library: {md(lib.root)}")
        st.caption(f"Index: {md(lib.index_dir)}")
        # One container whatever the index's state, so the widgets below keep their place (and a
        # file being uploaded keeps its widget) when the first build completes.
        summary = st.container()
        build_box = st.container()  # the running build's progress, filled last in the run (follow_build)
        if st.button("Rebuild index", key="rebuild", help="Index new and changed files; unchanged files are kept."):
            start_page_build(lib, model)
        add_papers(lib, model)
    return summary, build_box


def index_summary(lib: Library, manifest) -> None:
    if manifest is not None:
        st.markdown(
            f"**{len(manifest.files)}** files · **{manifest.chunk_count}** passages  \n"
            f"Model: `{manifest.model}`  \nBuilt: {manifest.built_at}"
        )
        elsewhere = read_progress(lib.index_dir) if running_build(str(lib.index_dir)) is None else None
        if elsewhere is not None:
            st.caption(f"A build started elsewhere is running: {md(elsewhere.describe())}.")
        if manifest.pending_rows:
            st.info(f"Still building: search by meaning covers {manifest.embedded_count:,} of {manifest.chunk_count:,} "
                    "passages so far; keyword search covers all of them.")
        if manifest.skipped:
            with st.expander(f"{len(manifest.skipped)} skipped files"):
                for item in manifest.skipped:
                    st.markdown(f"- {md(item.path)}: {md(item.reason)}")
    building = running_build(str(lib.index_dir)) is not None  # its plan and progress are shown below
    pending = lib.pending_changes() if manifest is not None and not building else None
    if pending is not None and pending.needs_update:
        st.warning(pending_words(pending))


def add_papers(lib: Library, model: str | None) -> None:
    """Drop PDFs and notes into a folder of the library, then index them."""
    said = st.session_state.pop("upload_messages", ())  # said before the build's re-run: say them again
    with st.expander("Add papers and notes"):
        said_box = st.container()  # above the uploader's list of files, so no message is below the fold
        for level, text in said:
            getattr(said_box, level)(text)
        uploads = st.file_uploader(
            f"PDFs and notes (.pdf, .md, .txt), up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB each",
            type=["pdf", "md", "markdown", "txt"], accept_multiple_files=True, key="uploads",
        )
        folders = lib.folders()
        default = lib.default_upload_folder(folders)
        folder = st.selectbox("Into the folder", folders, format_func=lambda f: f or "(library top)",
                              index=folders.index(default) if default in folders else 0, key="upload_folder",
                              help="Preset to the folder that holds most of your papers and notes.")
        if not st.button("Add to the library", key="add", disabled=not uploads):
            return
        results = lib.add_files(folder, [(upload.name, upload.getvalue()) for upload in uploads])
        messages = [upload_message(result) for result in results]
        for level, text in messages:
            getattr(said_box, level)(text)
        st.toast(upload_summary(results))
    if any(result.path for result in results):
        st.session_state["upload_messages"] = messages  # the page runs again when the build ends: say them then too
        start_page_build(lib, model)


def filter_controls(catalog: Catalog, has_marks: bool = False) -> ResultFilter:
    """Sidebar filters; each one left at its default does not filter. `has_marks`: the index holds
    highlights or comments of the reader's, so their colour is offered."""
    facets = facet_values(catalog)
    with st.sidebar:
        st.header("Filters")
        kinds = {"PDFs and notes": None, "PDFs": "pdf", "Notes": "note", "Highlights": "annotation"}
        kind = kinds[st.radio("Files", list(kinds), key="f_kind",
                              help="Highlights: your own highlights and comments, from Zotero and inside PDFs.")]
        year_from = year_to = None
        if facets["years"] and facets["years"][0] < facets["years"][1]:
            low, high = facets["years"]
            chosen = st.slider("Year", low, high, (low, high), key="f_years")
            year_from = chosen[0] if chosen[0] > low else None
            year_to = chosen[1] if chosen[1] < high else None
        venue = st.selectbox("Venue", ["any", *facets["venues"]], key="f_venue")
        topic = st.selectbox("Topic", ["any", *facets["topics"]], key="f_topic")
        read_choice = st.radio(
            "Read", ["any", "read", "unread", "to read"], key="f_read", horizontal=True, disabled=not facets["read_marks"],
            help=READ_HELP if facets["read_marks"] else "No paper is marked, has a note of its own or a `- [x]` / `- [ ]`.",
        )
        read = {"any": None, "read": True, "unread": False, "to read": None}[read_choice]
        author = st.selectbox("Author", ["any", *facets["authors"]], key="f_author",
                              disabled=not facets["authors"], help="Authors from the PDFs' metadata, else from page 1.")
        tag = st.selectbox("Tag", ["any", *facets["tags"]], key="f_tag") if facets["tags"] else "any"
        has_pdf = st.checkbox("Has a local PDF", key="f_pdf") or None
        colour = "any"
        if has_marks:
            colour = st.selectbox("Highlight colour", ["any", *COLOURS], key="f_colour",
                                  help="Only your highlights and comments of this colour.")
    return ResultFilter(kind, year_from, year_to, None if venue == "any" else venue,
                        None if topic == "any" else topic, read, has_pdf, tag=None if tag == "any" else tag,
                        to_read=True if read_choice == "to read" else None, author=None if author == "any" else author,
                        colour=None if colour == "any" else colour)


def zotero_folder(default: str | None) -> str | None:
    """The Zotero data folder to add, from the sidebar (prefilled from --zotero / $PAPERSEARCH_ZOTERO)."""
    with st.sidebar:
        typed = st.text_input("Zotero data folder", value=default or "", key="zotero_dir", placeholder="~/Zotero",
                              help="Add a Zotero library, read-only: its PDFs, notes and your highlights and comments. "
                                   "The folder that holds zotero.sqlite; leave empty for none.")
    return typed.strip() or None


def open_library(args: argparse.Namespace) -> tuple[Library, str | None]:
    """The library with the Zotero folder of the sidebar; a folder that is not one is said there,
    and the library goes on without it."""
    zotero = zotero_folder(args.zotero)
    if zotero is None:
        return Library(args.library, args.index), None
    try:
        return Library(args.library, args.index, zotero=zotero), zotero
    except ZoteroLibraryError as error:
        st.sidebar.error(md(error))
        return Library(args.library, args.index), None


def open_searcher(args: argparse.Namespace) -> tuple[Library, Searcher, object]:
    """Library → (build if missing, rebuild if damaged) → cached searcher, and the sidebar's box
    for the progress of a build (filled at the end of the run)."""
    lib, zotero = open_library(args)
    summary, build_box = sidebar(lib, args.model)
    show_build_outcome(build_box)
    if not lib.has_index():
        st.write("No index yet for this library: building one now. The search box appears as soon as the files are "
                 "read (a large library is searchable by keyword first, and by meaning as its passages are embedded).")
        elsewhere = read_progress(lib.index_dir) if running_build(str(lib.index_dir)) is None else None
        if elsewhere is not None:  # another process (the command line, another page server) is building it
            st.info(f"Another process is building this library's first index ({md(elsewhere.describe())}). This page "
                    "opens it as soon as it is searchable.")
            time.sleep(2)
            st.rerun()
        if running_build(str(lib.index_dir)) is None:
            start_page_build(lib, args.model)
        follow_build(lib, st.container(), until_searchable=True)
    try:
        searcher = load_searcher(str(lib.root), args.index, lib.build_id(), args.model, zotero)
    except CorruptIndexError as error:  # a damaged index is rebuilt, not trusted
        st.warning(f"{md(error)} Rebuilding it from your files now.")
        start_page_build(lib, args.model)
        follow_build(lib, st.container())
    with summary:
        index_summary(lib, lib.manifest_for_update())
    return lib, searcher, build_box


def main() -> None:
    """The page's edge: every failure becomes a message on the page, never an exception box."""
    st.set_page_config(page_title="Papersearch", page_icon="📚", layout="wide")
    st.markdown(f"<style>{STYLE}</style>", unsafe_allow_html=True)
    st.title("Papersearch")
    try:
        search_page()
    except (PapersearchError, ModelLoadError) as error:
        st.error(md(page_message(error)))
    except Exception as error:  # noqa: BLE001 — a bug: shown plainly, traceback in the server log
        _log.exception("unexpected error on the page")
        st.error(
            f"Unexpected {type(error).__name__}: {md(error)}. This is a bug in Papersearch; the details are in the "
            "terminal that runs the page. Please report it."
        )


def page_message(error: Exception) -> str:
    """A domain error as the page says it: the error's sentence and what to do here."""
    if isinstance(error, ModelMismatchError):
        return f"{error} Start the page without a model (or with this one), or rebuild the index with the new model."
    if isinstance(error, CorruptIndexError):
        return f"{error} Press Rebuild index to rebuild it from your files."
    if isinstance(error, StoreUnavailableError) and error.locked:
        return f"{error} Stop the other process that has it open (`watch`, `serve`, `mcp` or another page), then reload."
    if isinstance(error, StoreUnavailableError) and error.damaged:
        return f"{error} Move that file away (or delete it) and reload this page: it rebuilds the index from your files."
    if isinstance(error, StoreUnavailableError) and error.credentials_in_uri:
        return f"{error} Put the user and password in ${ENV_MILVUS_TOKEN}, not in the URI."
    return str(error)


def search_page() -> None:
    args = page_arguments()
    lib, searcher, build_box = open_searcher(args)
    marks_key = (str(lib.root), str(lib.index_dir), lib.build_id(), lib.marks_file.version())
    searcher = marked_searcher((*marks_key, args.model), lib, searcher)
    keep_desk_state(st.session_state)  # the desk not shown keeps its query, filters and opened paper
    desk = st.radio("Show", DESKS, horizontal=True, key="desk", label_visibility="collapsed")
    if desk == DESKS[1]:
        library_view(lib, searcher.index.catalog, marks_key)
    else:
        search_area(lib, searcher)
    follow_build(lib, build_box)  # after the results: the page answers first, then follows a running build


@st.cache_resource(show_spinner=False, max_entries=8)
def marked_searcher(key: tuple, _lib: Library, _searcher: Searcher) -> Searcher:
    """The cached searcher with the marks file laid over its papers (`key` names the build and the
    marks file's version, so a mark set here or on the command line shows on the next run). A marks
    file a hand edit broke is said, and the page goes on without marks rather than failing."""
    try:
        return _lib.with_marks(_searcher)
    except MarksFileError as error:
        st.warning(md(error))
        return _searcher


def search_area(lib: Library, searcher: Searcher) -> None:

    query_column, k_column, mode_column, view_column = st.columns([6, 1, 2, 2])
    query = query_column.text_input(
        "Search your papers and notes", key="query", on_change=leave_related_views,
        placeholder="e.g. unaligned feature fusion for video · 非对齐特征融合",
    )
    k = int(k_column.number_input("Results", min_value=1, max_value=100, value=10, key="k", help=RESULTS_HELP))
    mode = mode_column.selectbox("Ranking", MODES, key="mode", help=MODE_HELP)
    view = view_column.radio("View", VIEWS, horizontal=True, key="view")
    with st.expander("Paste a paragraph or an abstract to find related papers"):
        pasted = st.text_area("Text of any length: it is read whole, in parts the model can take", key="pasted")
        st.button("Find related papers", key="find_related", disabled=not pasted.strip(),
                  on_click=lambda: st.session_state.update(related=st.session_state["pasted"]))
    files = searcher.index.manifest.files
    scope = scope_controls(searcher.index.catalog, sorted(path for path, record in files.items() if record.kind != "pdf"),
                           lib.folders())
    recent_box = st.sidebar.container()  # filled last: with this run's search in it
    where = replace(filter_controls(searcher.index.catalog, has_marks(searcher)), **scope.fields())
    explain = st.toggle("Why this result", key="why")
    grouped = view != "By passage"
    depth = search_depth(k, grouped)
    started = time.perf_counter()
    like = st.session_state.get("like")
    if like is not None or st.session_state.get("related") or query.strip():
        show_active_scope(scope, where.tag)
    if like is not None:
        st.markdown(f"#### More like: {md(like['label'])}")
        if st.button("Back to my search", key="unlike"):
            del st.session_state["like"]
            st.rerun()
        response = searcher.similar(chunk_id=like["chunk_id"], k=depth, where=where)
    elif st.session_state.get("related"):
        st.markdown("#### Related to the pasted text")
        if st.button("Back to my search", key="unrelate"):
            del st.session_state["related"]
            st.rerun()
        response = searcher.search(st.session_state["related"], k=depth, mode=mode, where=where)
    elif query.strip():
        response = searcher.search(query, k=depth, mode=mode, where=where)
        remember_search(lib, query, mode, where, scope.label)
    else:
        st.caption("Type a question or a few keywords, in English or Chinese, and press Enter.")
        recent_sidebar(lib, recent_box)
        return
    show_response(response, lib, searcher, view, k, explain, (time.perf_counter() - started) * 1000)
    recent_sidebar(lib, recent_box)


def has_marks(searcher: Searcher) -> bool:
    """Does the index hold any of the reader's own highlights or comments?"""
    return bool(pc.any(pc.equal(searcher.passages.column("kind"), MARK_KIND)).as_py())


def leave_related_views() -> None:
    """A new query is a new search: it ends "More like this" and "Related to the pasted text", and
    clears the picks of the last results."""
    for key in ("like", "related"):
        st.session_state.pop(key, None)
    clear_picks()


def open_paper(catalog: Catalog, paper_id: str) -> None:
    """A citation followed from a card: search for that paper by its title (a button's callback,
    so the query box can still be set before it is drawn)."""
    record = catalog.paper(paper_id)
    if record is not None:
        leave_related_views()
        st.session_state["query"] = record.title


def more_like_this(hit) -> None:
    """Remember the passage and search again with its vector (Searcher.similar)."""
    st.session_state["like"] = {"chunk_id": hit.chunk_id, "label": f"{hit.title} ({hit.location or hit.path})"}
    st.rerun()


def show_response(response, lib: Library, searcher: Searcher, view: str, k: int, explain: bool, ms: float) -> None:
    for notice in response.notices:
        st.warning(md(notice))
    grouped = view != "By passage"
    groups = (by_paper(response.hits, limit=k) if view == "By paper"
              else response.by_document(limit=k) if view == "By file" else [])
    shown = [hit for group in groups for hit in group.hits] if grouped else list(response.hits[:k])
    count = len(groups) if grouped else len(shown)
    unit = {"By paper": ("paper", "papers"), "By file": ("file", "files")}.get(view, ("passage", "passages"))
    st.caption(f"{count} {unit[count != 1]} in {ms:.0f} ms (Results counts {unit[1]} in this view)")
    pick_view = {"By paper": "paper", "By file": "file"}.get(view, "passage")
    picked = picked_hits(pick_view, groups if view == "By paper" else [], groups if view == "By file" else [], shown)
    download_buttons(shown, searcher.index.catalog, picked)
    ctx = CardContext(
        library=lib, catalog=searcher.index.catalog,
        file_hashes={path: record.sha256 for path, record in searcher.index.manifest.files.items()},
        static_dir=STATIC_DIR, query=response.query, explain=explain, on_more_like_this=more_like_this,
        page_marks=lambda pdf, page: marks_on_page(searcher.passages, pdf, page),
        on_open_paper=lambda paper_id: open_paper(searcher.index.catalog, paper_id),
        on_search_within=search_within, pickable=True,
    )
    if not response.hits:
        st.info("No results.")
    elif view == "By paper":
        show_paper_cards(groups, ctx)
    elif view == "By file":
        show_document_cards(groups, ctx)
    else:
        show_passage_cards(tuple(shown), ctx)


main()
