"""Topics the application must not talk about (medical, legal, investment advice, politics, ...).

Terms are found with the hub BanList (fuzzy for long terms) through ``TermMatcher``; each finding
names the topic, the policy decides what an off-topic answer or prompt means. An answer that quotes a
term with its phrase from a retrieved passage ("cheques, cash or cryptocurrency") is on the subject of
the tenant's own documents, not on a disallowed topic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from engine.validators.adapter import (
    DETAIL_SEPARATOR,
    GuardrailsCheck,
    ValidationResult,
    Validator,
    fail,
    register_validator,
)
from engine.validators.base import Subject
from engine.validators.terms import TermMatch, TermMatcher

SCOPE_MESSAGES = {"scope.out_of_scope": "about a topic outside this application's scope"}

# Phrases rather than single words where a word alone is common in insurance answers
# ("prescription drug coverage", "a conservative estimate").
DEFAULT_SCOPE_TOPICS: Mapping[str, Sequence[str]] = {
    "medical_advice": (
        "medical advice", "diagnosis", "diagnoses", "diagnose", "dosage", "you should take",
        "symptoms of", "treatment for", "side effects of", "what medication", "which medication",
        "medication should i take", "should i take for",
    ),
    "legal_advice": (
        "legal advice", "sue", "lawsuit", "take legal action", "legal action against", "hire a lawyer",
        "hire an attorney",
    ),
    "investment_advice": (
        "investment advice", "stock tips", "buy stocks", "buy shares", "which stocks", "cryptocurrency",
        "bitcoin", "invest in", "guaranteed returns",
    ),
    "politics": (
        "election", "elections", "vote for", "political party", "democrats", "republicans", "left-wing",
        "right-wing",
    ),
}  # fmt: skip


@register_validator(name="governor/scope", data_type="string")
class ScopeDetector(Validator):  # type: ignore[misc]
    """guardrails validator: a span per disallowed-topic term, reason ``scope.out_of_scope|<topic>``."""

    def __init__(self, topics: Mapping[str, Sequence[str]], on_fail: Any = None, **kwargs: Any) -> None:
        super().__init__(on_fail=on_fail, **kwargs)
        self._matchers = {topic: TermMatcher(terms, fuzzy_min_len=10) for topic, terms in topics.items()}

    def validate(self, value: Any, metadata: dict[str, Any]) -> ValidationResult:
        text = str(value)
        context: Sequence[str] = metadata.get("context", ())
        spans = [
            (f"scope.out_of_scope{DETAIL_SEPARATOR}{topic}", m.start, m.end)
            for topic, matcher in self._matchers.items()
            for m in matcher.find(text)
            if not _quoted(text, m, context)
        ]
        return fail(spans, "text is about a disallowed topic")


_WORD = re.compile(r"\w+")
# A term with this many words beside it, on one side, that a passage has in the same order is quoted.
_PHRASE_WORDS = 2


@lru_cache(maxsize=4096)
def _phrases(passage: str) -> str:
    return f" {' '.join(_WORD.findall(passage.lower()))} "


def _quoted(text: str, match: TermMatch, context: Sequence[str]) -> bool:
    """Whether the term and the words next to it on either side appear together in a passage."""
    if not context:
        return False
    before = _WORD.findall(text[: match.start].lower())[-_PHRASE_WORDS:]
    term = _WORD.findall(text[match.start : match.end].lower())
    after = _WORD.findall(text[match.end :].lower())[:_PHRASE_WORDS]
    windows = [w for w in (before + term, term + after) if len(w) == len(term) + _PHRASE_WORDS]
    return any(f" {' '.join(w)} " in _phrases(p) for w in windows for p in context)


def _context(subject: Subject) -> dict[str, Any]:
    return {"context": tuple(p.text for p in subject.context)}


def scope_validator(topics: Mapping[str, Sequence[str]] = DEFAULT_SCOPE_TOPICS) -> GuardrailsCheck:
    """The ``scope`` validator: code scope.out_of_scope, the topics named in the message."""
    return GuardrailsCheck(
        "scope",
        ScopeDetector(topics, on_fail="noop"),
        messages=SCOPE_MESSAGES,
        default_code="scope.out_of_scope",
        metadata=_context,
    )
