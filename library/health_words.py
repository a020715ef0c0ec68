"""The library's health report in plain words, each kind of problem with what to do about it.

`papers --health` and the page's Library view print the same sentences, so the fix the command
line suggests is the one the page shows. The JSON form (export/paper_json.health_to_dict) keeps the
raw fields for tools.
"""

from __future__ import annotations

from dataclasses import dataclass

from papers import HealthReport


@dataclass(frozen=True)
class HealthTopic:
    key: str  # the health JSON's field
    title: str  # "2 PDFs have no text", with its count
    fix: str  # what the researcher can do
    items: tuple[str, ...]  # one plain line per file, link or pair


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def health_in_words(report: HealthReport) -> list[HealthTopic]:
    """Only the kinds of problem the library has, in the report's order."""
    topics = []
    if report.unreadable_pdfs:
        topics.append(HealthTopic(
            "pdfs_without_text", _plural(len(report.unreadable_pdfs), "PDF has no text Papersearch could read",
                                         "PDFs have no text Papersearch could read"),
            "A scanned PDF is read once Tesseract is installed (README, \"Scanned PDFs\"): install it and rebuild. "
            "Otherwise replace the file with a PDF that has text (the publisher's or arXiv's).",
            tuple(report.unreadable_pdfs)))
    if report.missing_link_targets:
        lines = []
        for link in report.missing_link_targets:
            what = ("no such file" if link.reason == "missing"
                    else "several files have this name; write the link with its folder")
            lines.append(f"{link.path}, line {link.line}: link \"{link.label}\" to {link.target}: {what}")
        topics.append(HealthTopic(
            "missing_link_targets", _plural(len(lines), "link in your notes points to a file that is not there",
                                            "links in your notes point to files that are not there"),
            "Correct the link in the note (the path is relative to the note), or put the file where it points.",
            tuple(lines)))
    if report.unmentioned_pdfs:
        topics.append(HealthTopic(
            "unmentioned_pdfs", _plural(len(report.unmentioned_pdfs), "PDF is not mentioned by any note",
                                        "PDFs are not mentioned by any note"),
            "Nothing is wrong with them; to give one a venue, topic and reading status, add it to a paper list "
            "(- [ ] \"Title\" Venue, Year [pdf](path/to/file.pdf)) or write a note on it.",
            tuple(report.unmentioned_pdfs)))
    if report.duplicate_suspects:
        lines = tuple(f"\"{pair['titles'][0]}\" and \"{pair['titles'][1]}\": {pair['reason']}"
                      for pair in report.duplicate_suspects)
        topics.append(HealthTopic(
            "duplicate_suspects", _plural(len(lines), "pair of papers may be one paper", "pairs of papers may be one paper"),
            "If a pair is one paper, give both mentions the same arXiv link or the same title; if they are two "
            "papers, there is nothing to do.",
            lines))
    if report.ambiguous:
        lines = []
        for item in report.ambiguous:
            candidates = "; ".join(f"\"{title}\"" for _, title, _ in item.candidates[:3])
            lines.append(f"{item.subject}: \"{item.title}\": {item.reason}" + (f" (could be {candidates})" if candidates else ""))
        topics.append(HealthTopic(
            "ambiguous", _plural(len(lines), "mention could not be matched to one paper",
                                 "mentions could not be matched to one paper"),
            "Add the paper's arXiv link under the mention, or write its full title, and rebuild.",
            tuple(lines)))
    return topics
