"""The fifth blind set's causes, one mechanism each, on examples of our own wording and domains: phrasal
verbs and modal phrases said in other words, filler words, and the other mechanisms added below."""

from __future__ import annotations

import pytest

from engine.validators.base import ContextPassage, Subject
from engine.validators.claims import content_word
from engine.validators.grounding import grounding_validator


def codes(validator: object, subject: Subject) -> list[str]:
    return [f.code for f in validator.check(subject).findings]  # type: ignore[attr-defined]


def subject(answer: str, question: str, *passages: str) -> Subject:
    return Subject(
        text=answer,
        question=question,
        context=tuple(ContextPassage(f"p{i}", p) for i, p in enumerate(passages)),
    )


# --- phrasal verbs, modal phrases and filler --------------------------------------------------------------

GARAGE = (
    "A car left for servicing is collected by the owner after 4 pm. The balance of the invoice is settled "
    "when the car is collected. If the repair is likely to cost more than the quote, the workshop will phone "
    "the owner for approval before continuing. Refunds are made by the original payment method."
)


@pytest.mark.parametrize(
    "answer",
    [
        "You can pick your car up after 4 pm.",
        "The rest of the invoice is settled when you pick the car up.",
        "If the repair looks like costing more than the quote, the workshop will ring you and ask for "
        "approval before carrying on.",
        "Refunds are paid back the same way as the original payment.",
    ],
)
def test_phrasal_verbs_and_synonyms_are_support(answer: str) -> None:
    assert codes(grounding_validator(), subject(answer, "", GARAGE)) == []


def test_modal_and_filler_words_are_no_content() -> None:
    # "need to" is a modal as "must" is; "altogether" and "things" say how an answer is put.
    assert content_word("altogether") is None
    assert content_word("things") is None
    assert content_word("ahead") is None


def test_a_negation_with_a_clitic_is_a_negation() -> None:
    # "nobody's home" is "nobody is home": the negation, not a content word "nobody".
    assert content_word("nobody's") is None
    assert content_word("nobody\u2019s") is None


def test_send_back_is_return() -> None:
    passage = "Unworn shoes can be returned within 21 days for a refund."
    answer = "You can send unworn shoes back within 21 days for a refund."
    assert codes(grounding_validator(), subject(answer, "", passage)) == []
