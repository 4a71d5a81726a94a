"""Output format: empty, too long, or not (mostly) English.

The language check is a heuristic, not a language identifier: English prose of any length has
many stopwords ("the", "to", "of", ...) and almost only ASCII letters. It runs only on texts long
enough for those ratios to mean something. A terse answer can have no stopword at all ("Harbor Mutual
acknowledges every complaint within 2 business days."); it is then judged by the words it shares with
the retrieved passages it answers from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from engine.validators.adapter import GuardrailsCheck, ValidationResult, Validator, fail, register_validator
from engine.validators.base import Subject
from engine.validators.stopwords import ENGLISH_STOPWORDS
from engine.validators.text import stem

FORMAT_MESSAGES = {
    "format.empty": "text is empty",
    "format.too_long": "text is longer than allowed",
    "format.language": "text is not mostly English",
}

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
LANGUAGE_MIN_CHARS = 40
_MIN_WORDS = 6
_MIN_ASCII_LETTER_SHARE = 0.85
_MIN_STOPWORD_SHARE = 0.12
# Without enough stopwords, at least this share of the words must be the reference texts' own words.
_MIN_SHARED_SHARE = 0.5


def looks_english(text: str, reference: Sequence[str] = ()) -> bool:
    """True when letters are mostly ASCII and enough words are English stopwords, or (with too few
    stopwords) most words are words of ``reference`` (the passages it answers from)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True  # numbers and symbols only: nothing to judge
    if sum(ch.isascii() for ch in letters) / len(letters) < _MIN_ASCII_LETTER_SHARE:
        return False
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < _MIN_WORDS:
        return True
    if sum(w in ENGLISH_STOPWORDS for w in words) / len(words) >= _MIN_STOPWORD_SHARE:
        return True
    vocabulary = _vocabulary(tuple(reference))
    return bool(vocabulary) and sum(stem(w) in vocabulary for w in words) / len(words) >= _MIN_SHARED_SHARE


@lru_cache(maxsize=256)
def _vocabulary(texts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(stem(w.lower()) for t in texts for w in _WORD.findall(t))


@register_validator(name="governor/format", data_type="string")
class FormatDetector(Validator):  # type: ignore[misc]
    """guardrails validator: format.empty, format.too_long (span = the excess), format.language."""

    def __init__(self, max_chars: int, on_fail: Any = None, **kwargs: Any) -> None:
        super().__init__(on_fail=on_fail, max_chars=max_chars, **kwargs)
        self._max_chars = max_chars

    def validate(self, value: Any, metadata: dict[str, Any]) -> ValidationResult:
        text = str(value)
        stripped = text.strip()
        if not stripped:
            return fail([("format.empty", 0, len(text))], "text is empty")
        spans = []
        if len(text) > self._max_chars:
            spans.append(("format.too_long", self._max_chars, len(text)))
        reference = metadata.get("reference", ())
        if len(stripped) > LANGUAGE_MIN_CHARS and not looks_english(stripped, reference):
            start = len(text) - len(text.lstrip())
            spans.append(("format.language", start, start + len(stripped)))
        return fail(spans, "text has the wrong format")


def _reference(subject: Subject) -> dict[str, Any]:
    # The passages, not the question: a question in another language must not vouch for an answer in it.
    return {"reference": tuple(p.text for p in subject.context)}


def format_validator(max_chars: int = 2000) -> GuardrailsCheck:
    """The ``format`` validator: codes format.empty, format.too_long, format.language."""
    return GuardrailsCheck(
        "format",
        FormatDetector(max_chars, on_fail="noop"),
        messages=FORMAT_MESSAGES,
        default_code="format.empty",
        metadata=_reference,
    )
