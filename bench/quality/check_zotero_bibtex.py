"""Does Zotero's own BibTeX import keep what a Papersearch BibTeX export says?

    .venv/bin/python -m bench.quality.check_zotero_bibtex --bib refs.bib \
        --translators ZOTERO_TRANSLATORS_CHECKOUT --utilities ZOTERO_UTILITIES_CHECKOUT [--json-out FILE]
    .venv/bin/python -m bench.quality.check_zotero_bibtex --self-test --translators ... --utilities ...

Runs zotero/translators' BibTeX.js under Node with zotero/utilities (checkouts the user provides,
e.g. from GitHub; nothing of Zotero is copied here), through zotero_bibtex/run_bibtex_import.js,
which saves items as zotero/translate and the Zotero client do. `--self-test` replays the
translator's own import test cases through that harness first, to show it imports as Zotero does.
The utilities checkout needs `npm install jsdom` (the translator decodes HTML entities with it).

For every entry of the export, the imported item is checked against the entry as bibtexparser
reads it: the arXiv id in Extra (`arXiv: ID`, Zotero's form for eprint + eprinttype), the title
(LaTeX decoded), the DOI, the year, the number of authors, and the item type.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path

import bibtexparser
from pylatexenc.latex2text import LatexNodes2Text

from bench.common import write_json

HARNESS = Path(__file__).parent / "zotero_bibtex" / "run_bibtex_import.js"
ZOTERO_TYPES = {"article": "journalArticle", "inproceedings": "conferencePaper", "phdthesis": "thesis",
                "mastersthesis": "thesis", "book": "book", "techreport": "report", "misc": "document"}
_DECODE = LatexNodes2Text()


def run_harness(translators: Path, utilities: Path, target: str) -> object:
    env_path = str(utilities / "node_modules")
    completed = subprocess.run(
        ["node", str(HARNESS), str(translators), str(utilities), target],
        capture_output=True, text=True, check=True, env={"NODE_PATH": env_path, "PATH": "/usr/bin:/bin"},
    )
    return json.loads(completed.stdout)


def plain_title(value: str) -> str:
    return " ".join(_DECODE.latex_to_text(value).split())


def check_entry(entry, item: dict) -> list[str]:
    """The ways `item` (what Zotero saved) loses or changes what `entry` (our export) says."""
    fields = {field.key: field.value for field in entry.fields}
    problems = []
    if ZOTERO_TYPES.get(entry.entry_type) not in (None, item["itemType"]):
        problems.append(f"type {entry.entry_type} -> {item['itemType']}")
    if plain_title(fields.get("title", "")) != " ".join(item.get("title", "").split()):
        problems.append(f"title {item.get('title', '')!r}")
    if "eprint" in fields and f"arXiv: {fields['eprint']}" not in item.get("extra", ""):
        problems.append(f"arXiv id {fields['eprint']} lost")
    if "doi" in fields and fields["doi"] not in (item.get("DOI", "") + item.get("extra", "")):
        problems.append(f"DOI {fields['doi']} lost")
    if "year" in fields and not item.get("date", "").startswith(fields["year"]):
        problems.append(f"year {fields['year']} -> {item.get('date')!r}")
    authors = [name for name in re.split(r"\s+and\s+", fields.get("author", "")) if name.strip()]
    saved_authors = [c for c in item.get("creators", []) if c.get("creatorType") == "author"]
    if len(authors) != len(saved_authors):
        problems.append(f"{len(authors)} authors -> {len(saved_authors)}")
    return problems


def check_export(bib: Path, translators: Path, utilities: Path) -> dict:
    entries = bibtexparser.parse_string(bib.read_text(encoding="utf-8")).entries
    items = run_harness(translators, utilities, str(bib))
    report = {"entries": len(entries), "items": len(items), "problems": {}}
    if len(entries) != len(items):
        report["problems"]["(file)"] = [f"{len(entries)} entries -> {len(items)} items"]
        return report
    for entry, item in zip(entries, items):
        problems = check_entry(entry, item)
        if problems:
            report["problems"][entry.key] = problems
    fields = [{field.key: field.value for field in entry.fields} for entry in entries]
    report["with_arxiv"] = sum("eprint" in f for f in fields)
    report["with_doi"] = sum("doi" in f for f in fields)
    report["with_author"] = sum("author" in f for f in fields)
    report["chinese_titles"] = sum(bool(re.search(r"[\u4e00-\u9fff]", f.get("title", ""))) for f in fields)
    report["entries_kept_whole"] = len(entries) - len(report["problems"])
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bib", type=Path)
    parser.add_argument("--translators", type=Path, required=True, help="a checkout of zotero/translators")
    parser.add_argument("--utilities", type=Path, required=True, help="a checkout of zotero/utilities (npm install jsdom)")
    parser.add_argument("--self-test", action="store_true", help="replay the translator's own import test cases")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    report = {}
    if args.self_test:
        report["self_test"] = run_harness(args.translators, args.utilities, "--self-test")
        print(f"translator's own import tests reproduced: {report['self_test']['passed']} of {report['self_test']['total']}")
    if args.bib:
        report["export"] = check_export(args.bib, args.translators, args.utilities)
        export = report["export"]
        print(f"{export['entries']} entries, {export.get('entries_kept_whole', 0)} imported whole "
              f"({export.get('with_arxiv', 0)} with an arXiv id, {export.get('with_doi', 0)} with a DOI, "
              f"{export.get('with_author', 0)} with authors, {export.get('chinese_titles', 0)} Chinese titles)")
        for key, problems in export["problems"].items():
            print(f"  {key}: {'; '.join(problems)}")
    if args.json_out:
        write_json(args.json_out, report)


if __name__ == "__main__":
    main()
