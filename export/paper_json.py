"""Paper records and the library's health report as JSON-ready data (`papers --json`)."""

from __future__ import annotations

from papers import HealthReport, PaperRecord


def paper_to_dict(record: PaperRecord) -> dict:
    return {
        "paper_id": record.paper_id, "title": record.title, "venue": record.venue, "year": record.year,
        "month": record.month, "arxiv": record.arxiv, "read": record.read, "reading": record.reading,
        "read_source": record.read_source, "abbreviation": record.abbreviation,
        "topics": [" > ".join(topic) for topic in record.topics], "annotation": record.annotation,
        "links": {label: list(urls) for label, urls in record.links.items()}, "files": list(record.files),
        "entries": [{"path": entry.path, "line": entry.line} for entry in record.entries],
        "authors": list(record.authors), "thesis": record.thesis, "school": record.school,
        "tags": list(record.tags), "marked_tags": list(record.marked_tags), "collections": list(record.collections),
        "cites": list(record.cites), "cited_by": list(record.cited_by),
    }


def health_to_dict(report: HealthReport) -> dict:
    return {
        "pdfs_without_text": report.unreadable_pdfs,
        "missing_link_targets": [{"path": m.path, "line": m.line, "target": m.target, "reason": m.reason}
                                 for m in report.missing_link_targets],
        "unmentioned_pdfs": report.unmentioned_pdfs,
        "duplicate_suspects": report.duplicate_suspects,
        "ambiguous": [{"subject": a.subject, "title": a.title, "reason": a.reason,
                       "candidates": [{"paper_id": c[0], "title": c[1], "score": c[2]} for c in a.candidates]}
                      for a in report.ambiguous],
    }
