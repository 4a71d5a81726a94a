"""Sentence spans and content tokens: the text handling grounding and injection share."""

from __future__ import annotations

import re
from functools import lru_cache

from engine.validators.stopwords import ENGLISH_STOPWORDS

# A sentence ends at . ! ? (plus closing quotes/brackets) before whitespace or the end, or at a
# line break (list items and paragraphs are separate claims).
_BOUNDARY = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s|$)|\n")
_LAST_TOKEN = re.compile(r"(\S+)$")
_ABBREVIATIONS = frozenset(
    (
        "e.g",
        "i.e",
        "etc",
        "vs",
        "approx",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "no",
        "nos",
        "inc",
        "ltd",
        "co",
        "corp",
        "jr",
        "sr",
        "dept",
        "est",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "u.s",
        "u.k",
        "a.m",
        "p.m",
        "ca",
        "cf",
        "al",
    )
)

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)?")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences as exact ``(start, end)`` spans, surrounding whitespace excluded."""
    spans: list[tuple[int, int]] = []
    seg_start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group() != "\n" and not _ends_sentence(text, m.start(), m.end()):
            continue
        _add(text, seg_start, m.end(), spans)
        seg_start = m.end()
    _add(text, seg_start, len(text), spans)
    return spans


def _ends_sentence(text: str, punct_start: int, punct_end: int) -> bool:
    if text[punct_start:punct_end] == ".":
        # Bounded look-behind: abbreviations are short, and a scan from 0 would be quadratic.
        token = _LAST_TOKEN.search(text, max(0, punct_start - 12), punct_start)
        word = token.group(1).lstrip("([\"'").lower() if token else ""
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            return False
    nxt = punct_end
    while nxt < len(text) and text[nxt].isspace():
        nxt += 1
    # "approx. five" or "the U.S. market": a lower-case continuation is the same sentence.
    return nxt == len(text) or not text[nxt].islower()


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def normalise_number(token: str) -> str:
    """'5,000.00' and '5000' compare equal; '1.5' keeps its decimals."""
    n = token.replace(",", "")
    if "." in n:
        whole, _, frac = n.partition(".")
        n = whole if not frac.rstrip("0") else f"{whole}.{frac.rstrip('0')}"
    return n.lstrip("0") or "0"


def stem(word: str) -> str:
    """A crude suffix stripper: only consistency matters, both sides of a comparison use it."""
    w = word[:-2] if word.endswith("'s") else word
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("edly", ""), ("ed", ""), ("ly", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)] + keep
            if suffix in ("ing", "ed") and len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    else:
        if w.endswith("es") and len(w) > 4 and (w[-3] in "sxz" or w[-4:-2] in ("ch", "sh")):
            w = w[:-2]
        elif w.endswith("s") and len(w) > 3 and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
    return w[:-1] if len(w) > 3 and w.endswith("e") else w


def content_tokens(text: str) -> tuple[set[str], set[str]]:
    """(stemmed content words, normalised numbers) of ``text``; stopwords and 1-letter words dropped."""
    words: set[str] = set()
    numbers: set[str] = set()
    for token in _TOKEN.findall(text):
        if token[0].isdigit():
            numbers.add(normalise_number(token))
        elif (word := _content_word(token)) is not None:
            words.add(word)
    return words, numbers


# Vocabulary repeats across messages; caching the stem halves grounding's cost.
@lru_cache(maxsize=65536)
def _content_word(token: str) -> str | None:
    low = token.lower()
    return stem(low) if len(low) > 1 and low not in ENGLISH_STOPWORDS else None
