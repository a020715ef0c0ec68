"""A tentative mention named by a method name ("- [ ] DDIM", "#### GPEN") is the paper whose
other mentions give that name as its abbreviation (``**DDIM**`` after a title, a note file's
``_ABBR_`` part): the evidence that confirms it. A name two papers share is reported instead."""

from __future__ import annotations

from collections import defaultdict

from papers.nodes import LibraryNodes
from papers.titles import title_key


def abbreviation_matches(nodes: LibraryNodes, find) -> list[tuple[int, list[int]]]:
    """(tentative node, nodes of other groups whose abbreviation is its title), for each
    tentative mention with a one-word title; ``find`` is the union-find's root lookup."""
    owners: dict[str, list[int]] = defaultdict(list)
    for index, node in enumerate(nodes.nodes):
        if node.tentative:
            continue
        names = [node.entry.abbreviation if node.entry else None, node.note_info.abbreviation if node.note_info else None]
        for name in names:
            if name and title_key(name):
                owners[title_key(name)].append(index)
    found = []
    for index, node in enumerate(nodes.nodes):
        if not node.tentative or len(node.titles[0].split()) != 1:
            continue
        matches = [m for m in owners.get(title_key(node.titles[0]), []) if find(m) != find(index)]
        if matches:
            found.append((index, matches))
    return found
