"""Profanity and insults from a word list, found as whole words with the hub BanList.

The built-in list is deliberately small and mild. Slurs are not committed to source: a deployment
passes its own list (``extra_terms``) from configuration.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine.validators.adapter import GuardrailsCheck, ValidationResult, Validator, fail, register_validator
from engine.validators.terms import TermMatcher

TOXICITY_MESSAGES = {"toxicity.word_list": "profanity or insult from the word list"}

DEFAULT_TOXIC_TERMS: tuple[str, ...] = (
    "fuck", "fucks", "fucking", "fucked", "fucker", "motherfucker", "shit", "shitty", "bullshit",
    "bitch", "bastard", "asshole", "dickhead", "cunt", "piss off", "screw you", "shut up",
    "idiot", "idiots", "moron", "morons", "dumbass", "stupid",
)  # fmt: skip


@register_validator(name="governor/toxicity", data_type="string")
class ToxicityDetector(Validator):  # type: ignore[misc]
    """guardrails validator: one error span per listed word, reason ``toxicity.word_list``."""

    def __init__(self, terms: Iterable[str], on_fail: Any = None, **kwargs: Any) -> None:
        super().__init__(on_fail=on_fail, **kwargs)
        # Exact only: one edit turns "fucking" into "ducking".
        self._matcher = TermMatcher(terms, fuzzy_min_len=10**6)

    def validate(self, value: Any, metadata: dict[str, Any]) -> ValidationResult:
        return fail(
            [("toxicity.word_list", m.start, m.end) for m in self._matcher.find(str(value))], "toxic words"
        )


def toxicity_validator(extra_terms: Iterable[str] = ()) -> GuardrailsCheck:
    """The ``toxicity`` validator: code toxicity.word_list."""
    detector = ToxicityDetector((*DEFAULT_TOXIC_TERMS, *extra_terms), on_fail="noop")
    return GuardrailsCheck(
        "toxicity", detector, messages=TOXICITY_MESSAGES, default_code="toxicity.word_list"
    )
