"""The 20 queries written beside a generated library, each with the file whose text answers it.

Taken from the generated text itself: words of a title, the content words of a sentence (the
way one types a half-remembered sentence: no stop words, no punctuation) or a span of a Chinese
passage. Each records its `source` (the exact text it came from), so the generator can list every
other file holding that text too (`also_in`): sentences recur across files now and then.
"""

from __future__ import annotations

import random
import re

from bench.big_library.identity import Identity
from bench.big_library.sources import CJK, Pool, sentences
from bench.big_library.typeface import Typeface
from bench.big_library.writer import text_of

PLAN = ["title"] * 6 + ["sentence"] * 8 + ["note sentence"] * 3 + ["chinese"] * 3
STOP = set("""a an the of and or in on for to with by from at as is are was were be been being that this these those
which who we our it its their than into not no but also can may has have had such both between after before
during under over there here then so""".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")
_CHINESE_SPAN = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9 ]{9,23}")


def pick_queries(identities: list[Identity], pool: Pool, face: Typeface, seed: int) -> list[dict]:
    rng = random.Random(f"{seed}:queries")
    pdfs = [identity for identity in identities if identity.kind == "pdf"]
    notes = [identity for identity in identities if identity.kind == "note"] or pdfs
    chinese = [identity for identity in identities if identity.chinese] + notes
    queries = []
    for number, kind in enumerate(PLAN, 1):
        candidates = {"title": pdfs, "sentence": pdfs, "note sentence": notes, "chinese": chinese}[kind] or identities
        for _ in range(50):  # a file without a fitting sentence: try another
            target = rng.choice(candidates)
            found = _query(kind, target, pool, face, seed, rng)
            if found:
                query, source, page = found
                queries.append({"id": f"q{number:02d}", "kind": kind.split()[-1], "query": query, "file": target.path,
                                "page": page, "source": source})
                break
    return queries


def _query(kind: str, target: Identity, pool: Pool, face: Typeface, seed: int, rng: random.Random):
    text, laid = text_of(target, pool, face, seed)
    if kind == "title":
        words = target.title.split()
        length = min(len(words), rng.randint(4, 7))
        start = rng.randint(0, len(words) - length)
        span = " ".join(words[start : start + length])
        return span, span, 1 if laid else None
    parts = ([(page, part) for n, (page, _, part) in enumerate(laid.placed) if n in laid.one_page] if laid
             else [(None, line) for line in text.splitlines() if not line.startswith((">", "!", "|"))])  # not a note's header
    if kind == "chinese":
        spans = [(page, span.strip()) for page, part in parts for span in _CHINESE_SPAN.findall(part)]
        if not spans:
            return None
        page, span = rng.choice(spans)
        return span, span, page
    found = [(page, sentence) for page, part in parts if not CJK.search(part)
             for sentence in sentences(part) if len(sentence.split()) >= 12]
    if not found:
        return None
    page, sentence = rng.choice(found)
    content = [word for word in _WORD.findall(sentence) if word.lower() not in STOP]
    return " ".join(content[:9]), sentence, page
