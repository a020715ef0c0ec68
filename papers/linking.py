"""Linking: which nodes (entries, per-paper notes, PDFs) are the same paper.

A union-find over the nodes, joined by evidence in order of strength: an explicit local link,
the same arXiv id, a per-paper note's own top entry, a file name spelling a known title, the
same title, a close title. Two groups with different arXiv ids are never joined; a link that
would join them, or a title that fits two papers equally well, becomes a ``Doubt``.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import unquote

import numpy as np
from rapidfuzz import fuzz, process

from papers.abbreviations import abbreviation_matches
from papers.file_names import title_from_pdf_filename
from papers.links import is_local_paper_link
from papers.nodes import Doubt, LibraryNodes
from papers.records import LinkEvent, UnresolvedLink
from papers.titles import (
    AMBIGUITY_MARGIN,
    FUZZY_THRESHOLD,
    main_title,
    normalise_title,
    title_key,
    title_match_score,
    titles_fit,
)

LINK_METHODS = ("explicit_link", "arxiv", "note_file", "filename", "title_exact", "abbreviation", "title_fuzzy")
_LOCAL_LINK_LABELS_SKIPPED = {"code", "blog", "video", "supp", "website"}
_WINDOWS_ABSOLUTE = re.compile(r"^[a-zA-Z]:[\\/]")


class Groups:
    """Union-find over nodes that refuses to join groups with different arXiv ids."""

    def __init__(self, arxiv_ids: list[str | None]):
        self.parent = list(range(len(arxiv_ids)))
        self.arxiv: list[str | None] = list(arxiv_ids)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def conflict(self, a: int, b: int) -> tuple[str, str] | None:
        ra, rb = self.find(a), self.find(b)
        xa, xb = self.arxiv[ra], self.arxiv[rb]
        if ra != rb and xa and xb and xa != xb:
            return xa, xb
        return None

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or self.conflict(a, b):
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.arxiv[ra] = self.arxiv[ra] or self.arxiv[rb]
        return True


class Linker:
    """Runs the linking steps over ``nodes``; doubts are added to ``nodes.doubts``."""

    def __init__(self, nodes: LibraryNodes):
        self.graph = nodes
        self.nodes = nodes.nodes
        self.groups = Groups([n.arxiv for n in nodes.nodes])
        self.link_counts: Counter[str] = Counter()
        self.events: list[LinkEvent] = []
        self.unresolved: list[UnresolvedLink] = []

    def link(self) -> Groups:
        self._explicit()
        self._same_arxiv()
        self._note_files()
        self._file_names()
        self._exact_titles()
        for index, matches in abbreviation_matches(self.graph, self.groups.find):
            roots = {self.groups.find(m): m for m in matches}
            if len(roots) == 1:
                self._join(index, matches[0], "abbreviation")
            else:  # a name two papers share: report, don't guess
                self._doubt(index, "abbreviation names several papers", [(m, None) for m in roots.values()])
        self._fuzzy_titles()
        return self.groups

    def _doubt(self, index: int, reason: str, candidates: list[tuple[int, float | None]], subject: str = "") -> None:
        self.graph.doubts.append(Doubt(index, reason, candidates, subject))

    def _join(self, a: int, b: int, method: str, score: float | None = None) -> bool:
        conflict = self.groups.conflict(a, b)
        if conflict:
            self._doubt(a, f"{method} link refused: arXiv {conflict[0]} vs {conflict[1]}", [(b, score)])
            return False
        if self.groups.union(a, b):
            self.link_counts[method] += 1
            self.events.append(LinkEvent(method, self.nodes[a].key, self.nodes[b].key, score))
            return True
        return False

    def _explicit(self) -> None:
        for path, indices in self.graph.entry_nodes.items():
            for index in indices:
                entry = self.nodes[index].entry
                for link in entry.links:
                    if link.label in _LOCAL_LINK_LABELS_SKIPPED or not is_local_paper_link(link.url):
                        continue
                    target, reason = self._resolve(path, link.url)
                    if target is None:
                        self.unresolved.append(UnresolvedLink(path, entry.line, link.label, link.url, reason))
                        continue
                    target_node = self.graph.file_node.get(target)
                    if target_node is None:
                        continue  # a list note or an image: not a paper file
                    if not self._nodes_fit(index, target_node):
                        self._doubt(index, "explicit link to a file whose title differs", [(target_node, None)])
                        continue
                    self._join(index, target_node, "explicit_link")

    def _resolve(self, source: str, url: str) -> tuple[str | None, str]:
        """A local link's library file: relative to the note, else by unique file name."""
        target = unquote(url.strip().strip("<>")).split("#", 1)[0].split("?", 1)[0].replace("\\", "/")
        if not target:
            return None, "missing"
        if not _WINDOWS_ABSOLUTE.match(url) and not target.startswith("/"):
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
            if joined in self.graph.files:
                return joined, ""
        candidates = self.graph.by_basename.get(PurePosixPath(target).name.casefold(), [])
        if len(candidates) == 1:
            return candidates[0], ""
        if len(candidates) > 1:
            same_dir = [c for c in candidates if posixpath.dirname(c) == posixpath.dirname(source)]
            if len(same_dir) == 1:
                return same_dir[0], ""
            return None, "ambiguous name"
        return None, "missing"

    def _same_arxiv(self) -> None:
        """Same arXiv id → same paper, unless two mentions' titles disagree outright: a pasted
        link of another paper ("A Toolbox for Video Restoration" with the FGST paper's link).
        A PDF's own arXiv stamp is trusted whatever its title reading."""
        clusters: dict[str, list[int]] = defaultdict(list)
        for index, node in enumerate(self.nodes):
            if not node.arxiv:
                continue
            reps = clusters[node.arxiv]
            home = next((r for r in reps if self._nodes_fit(r, index, trust_pdf=True)), None)
            if home is None:
                if reps:
                    self._doubt(index, f"same arXiv id {node.arxiv} but a different title: not merged",
                                [(r, None) for r in reps])
                reps.append(index)
            else:
                self._join(home, index, "arxiv")

    def _nodes_fit(self, a: int, b: int, trust_pdf: bool = False) -> bool:
        na, nb = self.nodes[a], self.nodes[b]
        if trust_pdf and "pdf" in (na.kind, nb.kind):
            return True
        if not na.titles or not nb.titles:
            return True
        return any(titles_fit(x, y) for x in na.titles for y in nb.titles)

    def _note_files(self) -> None:
        for path, indices in self.graph.entry_nodes.items():
            for index in indices:
                if self.nodes[index].top_of == path and path in self.graph.file_node:
                    self._join(self.graph.file_node[path], index, "note_file")

    def _title_index(self, kinds: set[str]) -> dict[str, list[int]]:
        index: dict[str, list[int]] = defaultdict(list)
        for i, node in enumerate(self.nodes):
            if node.kind in kinds:
                for title in node.titles:
                    key = title_key(title)
                    if key:
                        index[key].append(i)
        return index

    def _file_names(self) -> None:
        """A per-paper note's or PDF's name spelling the title of an entry (or of a PDF)."""
        by_title = self._title_index({"entry"})
        pdf_titles = self._title_index({"pdf"})
        for path, index in sorted(self.graph.file_node.items()):
            node = self.nodes[index]
            name_title = node.note_info.title if node.note_info else (
                node.titles[0] if node.kind == "note" else title_from_pdf_filename(path)
            )
            if not name_title:
                continue
            key = title_key(name_title)
            matches = [i for i in by_title.get(key, []) + pdf_titles.get(key, []) if i != index]
            self._join_all(index, matches, "filename", name_title)

    def _exact_titles(self) -> None:
        index = self._title_index({"entry", "pdf", "note"})
        for key in sorted(index):
            members = index[key]
            for other in members[1:]:
                self._join(members[0], other, "title_exact")

    def _join_all(self, index: int, matches: list[int], method: str, title: str) -> None:
        roots: dict[int, int] = {}
        for m in matches:
            roots.setdefault(self.groups.find(m), m)
        roots.pop(self.groups.find(index), None)
        distinct = list(roots.values())
        # several matches that cannot be one paper (different arXiv ids): report, don't guess
        for a in distinct:
            for b in distinct:
                if a < b and self.groups.conflict(a, b):
                    self._doubt(index, f"{method}: '{title}' names papers with different arXiv ids",
                                [(m, 100.0) for m in distinct])
                    return
        for m in distinct:
            self._join(index, m, method)

    def _fuzzy_titles(self) -> None:
        best = self._close_title_pairs()
        if best is None:
            return
        groups = self.groups
        neighbours: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for (ra, rb), score in best.items():
            neighbours[ra].append((score, rb))
            neighbours[rb].append((score, ra))
        blocked: set[int] = set()
        for root, found in sorted(neighbours.items()):
            found.sort(reverse=True)
            top_score = found[0][0]
            if top_score < FUZZY_THRESHOLD:
                continue
            close = [(s, r) for s, r in found if s >= FUZZY_THRESHOLD and top_score - s <= AMBIGUITY_MARGIN]
            # candidates that are themselves the same paper do not make a mention ambiguous
            distinct = []
            for s, r in close:
                if not any(
                    best.get((min(r, d), max(r, d)), 0.0) >= FUZZY_THRESHOLD and not groups.conflict(r, d)
                    for _, d in distinct
                ):
                    distinct.append((s, r))
            near_miss = [(s, r) for s, r in found if s < FUZZY_THRESHOLD and top_score - s <= AMBIGUITY_MARGIN]
            if len(distinct) >= 2:
                blocked.add(root)
                self._doubt(root, "two different papers match this title", [(r, s) for s, r in distinct])
            elif near_miss and len(distinct) == 1:
                # the runner-up is just under the threshold: as good as a tie
                blocked.add(root)
                self._doubt(root, "runner-up title is almost as close", [(r, s) for s, r in distinct + near_miss[:1]])
        for (ra, rb), score in sorted(best.items(), key=lambda item: (-item[1], item[0])):
            if score >= FUZZY_THRESHOLD and ra not in blocked and rb not in blocked:
                self._join(ra, rb, "title_fuzzy", score)

    def _close_title_pairs(self) -> dict[tuple[int, int], float] | None:
        """Best title score of every pair of groups that comes near the threshold.

        Blocked, so the work grows with the library rather than with its square: only titles
        that share a word piece (``_blocks``) are compared, first all at once by rapidfuzz's
        ratio, then the few that come near the threshold by ``title_match_score``.
        """
        groups = self.groups
        owners: list[int] = []
        strings: list[str] = []
        originals: list[str] = []
        for i, node in enumerate(self.nodes):
            for title in node.titles:
                normalised = normalise_title(title)
                if len(normalised) >= 8 and len(normalised.split()) >= 2:
                    owners.append(i)
                    strings.append(normalised)
                    originals.append(title)
        if not strings:
            return None
        best: dict[tuple[int, int], float] = {}
        cutoff = FUZZY_THRESHOLD - AMBIGUITY_MARGIN

        def consider(a: int, b: int) -> None:
            ra, rb = groups.find(owners[a]), groups.find(owners[b])
            if ra == rb:
                return
            a, b = min(a, b), max(a, b)
            score = title_match_score(originals[a], originals[b])
            if score < cutoff:
                return
            pair = (min(ra, rb), max(ra, rb))
            if score > best.get(pair, 0.0):
                best[pair] = score

        # one representative per (group, spelling) of each normalised title: the score depends
        # on the spelling only, the pair on the groups only
        distinct: dict[str, dict[tuple[int, str], int]] = defaultdict(dict)
        for k, normalised in enumerate(strings):
            distinct[normalised].setdefault((groups.find(owners[k]), originals[k]), k)
        keys = list(distinct)
        members = [list(distinct[key].values()) for key in keys]
        for items in members:  # the same normalised title in groups that stayed apart
            for x, a in enumerate(items):
                for b in items[x + 1 :]:
                    consider(a, b)
        left, right = _blocks(keys)
        if len(left):
            scores = process.cpdist(
                [keys[i] for i in left], [keys[j] for j in right], scorer=fuzz.ratio, score_cutoff=80, workers=-1
            )
            for row in scores.nonzero()[0]:
                for a in members[left[row]]:
                    for b in members[right[row]]:
                        consider(a, b)
        # also the colon rule: "Main Title" vs "Main Title: Subtitle" (ratio may be low)
        by_main: dict[str, list[int]] = defaultdict(list)
        for k, title in enumerate(originals):
            main = main_title(title)
            if main is not None:
                by_main[main].append(k)
        for k, normalised in enumerate(strings):
            for other in by_main.get(normalised, []):
                ra, rb = groups.find(owners[k]), groups.find(owners[other])
                if ra != rb:
                    pair = (min(ra, rb), max(ra, rb))
                    best[pair] = max(best.get(pair, 0.0), FUZZY_THRESHOLD)
        return best


# Candidate pairs of titles come from the word pieces they share (4 letters of a word, or a
# shorter word). A piece held by more than BLOCK_LIMIT titles ("tion", "netw") is too common to
# make candidates, so the pairs compared grow linearly with the library instead of with its
# square; a title made only of such common pieces is paired with the holders of its FALLBACK
# least common ones. Two titles that score 87+ share long unchanged stretches of words, hence pieces: a pair is
# missed only when every piece it shares is common, e.g. a typo in the middle of the one rare word
# of a title otherwise made of words used by 100+ other titles. With at most BLOCK_LIMIT distinct
# titles nothing is left out.
BLOCK_LIMIT = 100
FALLBACK = 3
_PIECE = 4


def _pieces(normalised: str) -> set[str]:
    found: set[str] = set()
    for word in normalised.split():
        if len(word) <= _PIECE:
            found.add(word)
        else:
            found.update(word[i : i + _PIECE] for i in range(len(word) - _PIECE + 1))
    return found


def _blocks(keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (i < j) of normalised titles, as two index arrays (see BLOCK_LIMIT)."""
    pieces = [_pieces(key) for key in keys]
    postings: dict[str, list[int]] = defaultdict(list)
    for index, found in enumerate(pieces):
        for piece in found:
            postings[piece].append(index)
    size = len(keys)
    codes = []
    for ids in postings.values():
        if 2 <= len(ids) <= BLOCK_LIMIT:
            ids_array = np.asarray(ids, dtype=np.int64)
            i, j = _upper_pairs(len(ids))
            codes.append(ids_array[i] * size + ids_array[j])
    for index, found in enumerate(pieces):
        if any(len(postings[piece]) <= BLOCK_LIMIT for piece in found):
            continue
        for piece in sorted(found, key=lambda p: (len(postings[p]), p))[:FALLBACK]:
            others = np.asarray(postings[piece], dtype=np.int64)
            others = others[others != index]
            codes.append(np.minimum(others, index) * size + np.maximum(others, index))
    if not codes:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    unique = _sorted_unique(np.concatenate(codes))
    return unique // size, unique % size


def _sorted_unique(codes: np.ndarray) -> np.ndarray:
    """``np.unique`` of integers by sorting: NumPy 2's hashing ``unique`` took 2.6 s on the 4 million
    pair codes of a 10,000-file library, a sort and a comparison 0.3 s."""
    codes = np.sort(codes)
    return codes[np.concatenate(([True], codes[1:] != codes[:-1]))] if len(codes) else codes


@lru_cache(maxsize=BLOCK_LIMIT + 1)
def _upper_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(n, k=1)
