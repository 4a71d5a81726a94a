"""Whole-word term search with the hub BanList validator (guardrails-ai-ban-list, fuzzysearch).

BanList as published matches inside words ("sue" in "issue"), reports every span one character
late (its index map counts from 1), and with ``max_l_dist=1`` returns ragged fuzzy edges
("stock tip f"). We keep its fuzzy search and repair the rest: shift the start back, snap the edges
to word boundaries, and keep a match only if the snapped text is within the allowed distance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from guardrails_ai.ban_list import BanList
from rapidfuzz.distance import Levenshtein

from engine.validators.adapter import FailResult, Validator

# BanList's error spans start one past the match (guardrails-ai-ban-list 0.1.0); pinned by a test.
_BANLIST_START_SHIFT = -1


@dataclass(frozen=True)
class TermMatch:
    """One occurrence of a configured term: the term as configured, and where it is in the text."""

    term: str
    start: int
    end: int


@dataclass(frozen=True)
class _Entry:
    term: str
    key: str
    max_l_dist: int
    pieces: tuple[str, ...]
    banlist: Validator


def _squash(text: str) -> str:
    return text.replace(" ", "").lower()


def _pieces(key: str, max_l_dist: int) -> tuple[str, ...]:
    # Pigeonhole: k edits leave at least one of k+1 disjoint pieces intact, so a text that holds
    # none of them cannot match and BanList (~20 µs a call) need not run.
    n = max_l_dist + 1
    size = len(key) // n
    return tuple(key[i * size : (i + 1) * size if i < n - 1 else len(key)] for i in range(n))


class TermMatcher:
    """Finds configured terms as whole words; terms of ``fuzzy_min_len``+ letters allow one edit."""

    def __init__(self, terms: Iterable[str], *, fuzzy_min_len: int = 8) -> None:
        entries = []
        for term in dict.fromkeys(t.strip() for t in terms if t.strip()):
            key = _squash(term)
            l_dist = 1 if len(key) >= fuzzy_min_len else 0
            banlist = BanList(banned_words=[term], max_l_dist=l_dist, on_fail="noop")
            entries.append(_Entry(term, key, l_dist, _pieces(key, l_dist), banlist))
        self._entries = tuple(entries)

    def find(self, text: str) -> list[TermMatch]:
        """Non-overlapping whole-word matches, in text order."""
        squashed = _squash(text)
        found: list[TermMatch] = []
        for entry in self._entries:
            if not any(piece in squashed for piece in entry.pieces):
                continue
            result = entry.banlist.validate(text, {})
            if not isinstance(result, FailResult):
                continue
            for es in result.error_spans or ():
                span = _snap(text, es.start + _BANLIST_START_SHIFT, es.end, entry)
                if span is not None:
                    found.append(TermMatch(entry.term, *span))
        return _non_overlapping(found)


def _word_ok(text: str, start: int, end: int) -> bool:
    return (
        0 <= start < end <= len(text)
        and (start == 0 or not text[start - 1].isalnum())
        and (end == len(text) or not text[end].isalnum())
        and not text[start].isspace()
        and not text[end - 1].isspace()
    )


def _snap(text: str, start: int, end: int, entry: _Entry) -> tuple[int, int] | None:
    if (
        _word_ok(text, start, end)
        and Levenshtein.distance(_squash(text[start:end]), entry.key) <= entry.max_l_dist
    ):
        return start, end
    if entry.max_l_dist == 0:
        return None
    best: tuple[int, int, int] | None = None
    for s in {start, _word_start(text, start), _next_word_start(text, start)}:
        for e in {end, _word_end(text, end), _prev_word_end(text, end)}:
            if not _word_ok(text, s, e):
                continue
            dist = Levenshtein.distance(_squash(text[s:e]), entry.key)
            if dist <= entry.max_l_dist and (best is None or dist < best[0]):
                best = (dist, s, e)
    return None if best is None else (best[1], best[2])


def _word_start(text: str, i: int) -> int:
    while 0 < i <= len(text) and text[i - 1].isalnum():
        i -= 1
    return i


def _next_word_start(text: str, i: int) -> int:
    while i < len(text) and text[i].isalnum():
        i += 1
    while i < len(text) and not text[i].isalnum():
        i += 1
    return i


def _word_end(text: str, i: int) -> int:
    while 0 <= i < len(text) and text[i].isalnum():
        i += 1
    return i


def _prev_word_end(text: str, i: int) -> int:
    while i > 0 and text[i - 1].isalnum():
        i -= 1
    while i > 0 and not text[i - 1].isalnum():
        i -= 1
    return i


def _non_overlapping(matches: list[TermMatch]) -> list[TermMatch]:
    kept: list[TermMatch] = []
    for m in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    return kept
