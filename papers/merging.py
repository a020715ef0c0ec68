"""From linked groups to records: one PaperRecord per group, its fields chosen from the
strongest source that has them (a per-paper note's own entry, its file name, then the other
mentions by majority, then the PDF), and a stable id (arXiv id, else a hash of the title)."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict

from papers.entries import PaperEntry
from papers.linking import LINK_METHODS, Groups, Linker
from papers.nodes import LibraryNodes, Node
from papers.records import Ambiguity, Catalog, EntryRef, PaperRecord
from papers.titles import title_key


def merge(library: LibraryNodes, linker: Linker) -> Catalog:
    groups = linker.groups
    nodes = library.nodes
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(nodes)):
        members[groups.find(i)].append(i)
    records: list[PaperRecord] = []
    root_id: dict[int, str] = {}
    used_ids: set[str] = set()
    block_ends = {
        (path, start): end
        for spans in (library.blocks, library.sections) for path, found in spans.items() for start, end, _ in found
    }
    unconfirmed: list[Ambiguity] = []
    doubted = {doubt.index for doubt in library.doubts}
    for root in sorted(members, key=lambda r: _sort_key(nodes, members[r])):
        if all(nodes[i].tentative for i in members[root]):
            # ambiguous mentions that linking tied to no known paper: reported (once), not recorded
            unconfirmed += [_unconfirmed(nodes[i]) for i in members[root] if i not in doubted]
            continue
        record = _record(library, members[root], used_ids, block_ends)
        used_ids.add(record.paper_id)
        root_id[root] = record.paper_id
        records.append(record)
    by_id = {r.paper_id: r for r in records}
    by_file = {}
    for path, index in library.file_node.items():
        by_file[path] = root_id[groups.find(index)]
    blocks, sections = {}, {}
    for target, source in ((blocks, library.blocks), (sections, library.sections)):
        for path, spans in source.items():
            ordered = sorted(
                (start, end, root_id[groups.find(i)]) for start, end, i in spans if groups.find(i) in root_id
            )
            if ordered or source is library.blocks:
                target[path] = ([s for s, _, _ in ordered], ordered)
    return Catalog(
        papers=records,
        link_counts={m: linker.link_counts.get(m, 0) for m in LINK_METHODS},
        ambiguous=[_ambiguity(library, groups, root_id, doubt) for doubt in library.doubts] + unconfirmed,
        links=list(linker.events),
        unresolved_links=list(linker.unresolved),
        _by_id=by_id,
        _by_file=by_file,
        _blocks=blocks,
        _sections=sections,
    )


def _unconfirmed(node: Node) -> Ambiguity:
    entry = node.entry
    return Ambiguity(
        subject=node.key,
        title=entry.title,
        candidates=(),
        reason=f"{entry.evidence}: not recorded, too little evidence and no known paper has this "
        "title or abbreviation",
    )


def _ambiguity(library: LibraryNodes, groups: Groups, root_id: dict[int, str], doubt) -> Ambiguity:
    node = library.nodes[doubt.index]
    return Ambiguity(
        subject=doubt.subject or node.key,
        title=node.titles[0] if node.titles else "",
        candidates=tuple(
            (root_id.get(groups.find(c), ""), library.nodes[c].titles[0] if library.nodes[c].titles else "", s)
            for c, s in doubt.candidates
        ),
        reason=doubt.reason,
    )


def _sort_key(nodes: list[Node], indices: list[int]) -> tuple:
    keys = []
    for i in indices:
        node = nodes[i]
        if node.entry is not None:
            keys.append((node.entry.path, node.entry.line))
        else:
            keys.append((node.key, 0))
    return min(keys)


def _record(
    library: LibraryNodes, indices: list[int], used_ids: set[str], block_ends: dict[tuple[str, int], int]
) -> PaperRecord:
    nodes = [library.nodes[i] for i in indices]
    entries = sorted((n.entry for n in nodes if n.entry is not None), key=lambda e: (e.path, e.line))
    tops = [e for n in nodes if n.top_of and (e := n.entry) is not None]
    note_infos = [n.note_info for n in nodes if n.kind == "note" and n.note_info]
    pdf_infos = [n.pdf_info for n in nodes if n.pdf_info is not None]
    title = _choose_title(tops, entries, nodes)
    arxiv = Counter(n.arxiv for n in nodes if n.arxiv).most_common(1)
    arxiv_id = arxiv[0][0] if arxiv else None
    venue = _choose_venue(tops, entries, note_infos)
    year, month = _choose_date(tops, note_infos, entries, pdf_infos)
    reads = [e.read for e in entries if e.read is not None]
    read = True if any(reads) else (False if reads else None)
    abbreviation = next(
        (x for x in [*(e.abbreviation for e in tops), *(i.abbreviation for i in note_infos),
                     *(e.abbreviation for e in entries)] if x),
        None,
    )
    topics = list(dict.fromkeys(e.topic for e in entries if e.topic))
    annotations = dict.fromkeys(e.annotation.strip() for e in entries if e.annotation and e.annotation.strip())
    annotation = "\n\n".join(annotations) or None
    links: dict[str, list[str]] = {}
    for entry in [*tops, *entries]:
        for link in entry.links:
            if link.url and link.url not in links.setdefault(link.label, []):
                links[link.label].append(link.url)
    files = sorted(
        (n.key for n in nodes if n.kind in ("note", "pdf")),
        key=lambda p: (p.lower().endswith(".pdf"), p),
    )
    refs = []
    for entry in entries:
        end = block_ends.get((entry.path, entry.line), entry.line)
        refs.append(EntryRef(entry.path, entry.line, end, entry.title, entry.read))
    titles = list(dict.fromkeys([title] + [t for n in nodes for t in n.titles]))
    return PaperRecord(
        paper_id=_paper_id(arxiv_id, title, used_ids),
        title=title,
        venue=venue,
        year=year,
        month=month,
        arxiv=arxiv_id,
        read=read,
        abbreviation=abbreviation,
        topics=tuple(topics),
        annotation=annotation,
        links={k: tuple(v) for k, v in links.items() if v},
        files=tuple(files),
        entries=tuple(refs),
        titles=tuple(titles),
        authors=next((info.authors for info in pdf_infos if info.authors), ()),
        citation_key=next((n.citation_key for n in nodes if n.citation_key), None),
        thesis=next((info.thesis for info in pdf_infos if info.thesis), None),
        school=next((info.school for info in pdf_infos if info.thesis and info.school), None),
    )


def _choose_title(tops: list[PaperEntry], entries: list[PaperEntry], nodes: list[Node]) -> str:
    if tops:
        return tops[0].title
    if entries:
        counts = Counter(e.title for e in entries)
        best = max(counts.values())
        return next(e.title for e in entries if counts[e.title] == best)
    for kind in ("pdf", "note"):
        for node in nodes:
            if node.kind == kind and node.titles:
                return node.titles[0]
    return nodes[0].key


def _choose_venue(tops, entries, note_infos) -> str | None:
    ordered = [*(e.venue for e in tops), *(i.venue for i in note_infos), *(e.venue for e in entries)]
    ordered = [v for v in ordered if v]
    real = [v for v in ordered if v.casefold() != "arxiv"]
    pool = real or ordered
    if not pool:
        return None
    counts = Counter(pool)
    best = max(counts.values())
    return next(v for v in pool if counts[v] == best)


def _choose_date(tops, note_infos, entries, pdf_infos) -> tuple[int | None, int | None]:
    for source in (*tops, *note_infos):
        if source.year:
            return source.year, source.month
    dated = [(e.year, e.month) for e in entries if e.year]
    if dated:
        counts = Counter(year for year, _ in dated)
        year = max(counts, key=lambda y: (counts[y], -y))
        month = next((m for y, m in dated if y == year and m), None)
        return year, month
    for info in sorted(pdf_infos, key=lambda i: i.year_source == "metadata_date"):
        if info.year:
            return info.year, None
    return None, None


def _paper_id(arxiv_id: str | None, title: str, used: set[str]) -> str:
    if arxiv_id:
        base = "arxiv-" + arxiv_id.replace("/", "_")
    else:
        digest = hashlib.sha1(title_key(title).encode("utf-8")).hexdigest()[:12]
        base = "title-" + digest
    paper_id, n = base, 2
    while paper_id in used:
        paper_id, n = f"{base}-{n}", n + 1
    return paper_id
