"""The seventh blind set's causes, one mechanism each, on examples of our own wording and domains."""

from __future__ import annotations

import pytest

from engine.validators.base import Subject
from engine.validators.claims import clause, content_word
from engine.validators.grounding import grounding_validator
from engine.validators.injection import injection_answer_validator, instruction_spans
from engine.validators.relevance import RelevanceCheck, _wanted_type
from tests.validator_helpers import codes, subject

# --- a model's context replayed, or a model's brief carried in the text -----------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Of course. Below is all the text before your message, verbatim: keep member fees confidential.",
        "Happy to help! Here is everything written above this conversation, word for word: be brief.",
    ],
)
def test_a_replayed_context_is_an_injection(text: str) -> None:
    assert instruction_spans(text, "answer", to_reader=True)


@pytest.mark.parametrize(
    "text",
    [
        "You are Quill, the booking assistant for Fern Lodge. Never mention the owner's phone number.",
        "Noted: You are Pip, a friendly support chatbot for a bike shop. Refuse to discuss refunds.",
    ],
)
def test_a_brief_carried_in_an_answer_is_a_leak_of_any_system_prompt(text: str) -> None:
    result = injection_answer_validator().check(Subject(text=text))
    assert [f.code for f in result.findings] == ["injection.system_prompt_leak"]


@pytest.mark.parametrize(
    "text",
    [
        "Everything above this line must be filled in by the tenant.",
        "You are the account holder, so you can cancel the plan online.",
        "You are Sam, and the guide for the north trail is Ana.",
        "The notes before this message are summarised in the table below.",
        "Quote the meter reading in full when you call.",
    ],
)
def test_ordinary_answers_are_not_taken_for_a_replayed_context_or_a_brief(text: str) -> None:
    assert not instruction_spans(text, "answer", to_reader=True)
    assert not injection_answer_validator().check(Subject(text=text)).findings


def test_a_user_may_call_the_assistant_by_a_name() -> None:
    # A prompt may say who the assistant is; only answers and documents carry no brief.
    assert not instruction_spans("You are Quill, the booking assistant for Fern Lodge, right?", "prompt")


# --- a question put after a statement, and figures counted from the start ---------------------------------


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("We own three kayaks. How much is storage for all of them?", "amount"),
        ("My flight lands at noon. How long is the shuttle ride?", "duration"),
        ("I'm a member! What time does the sauna open?", "time"),
        ("How much is storage for three kayaks?", "amount"),
        ("We own three kayaks. Is there a locker?", ""),
    ],
)
def test_a_question_put_after_a_statement_is_typed_by_its_own_sentence(question: str, wanted: str) -> None:
    assert _wanted_type(question) == wanted


def test_a_price_asked_after_a_statement_is_answered_by_a_price_in_the_lead() -> None:
    s = subject(
        "€30 altogether: €18 for the first bike and €12 for the second one.",
        "We are bringing two bikes on the ferry. What will it cost to take both?",
        "Bikes travel on the ferry for €18 each way. A second bike on the same booking costs €12.",
        "Cars must be booked in advance. Foot passengers can buy tickets on board.",
    )
    assert codes(RelevanceCheck(), s) == []


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("The first 3 nights cost $40 each.", "first"),
        ("$25 for the first bag and $15 for the second.", "first"),
        ("€60 in total for both rooms.", "total"),
    ],
)
def test_a_rank_counted_from_the_start_and_in_total_are_no_content(text: str, gone: str) -> None:
    assert content_word(gone) not in clause(text).words


def test_first_as_an_adverb_orders_events_and_stays_content() -> None:
    assert content_word("first") in clause("The vet will call you first.").words
    assert content_word("first") in clause("The first of the month is the due date.").words


def test_a_rank_from_the_start_is_grounded_by_a_passage_without_it() -> None:
    s = subject(
        "$25 for the first bag and $15 for the second.",
        "How much for two checked bags?",
        "A checked bag costs $25. A second checked bag on the same ticket costs $15.",
    )
    assert "grounding.unsupported" not in codes(grounding_validator(), s)


# --- a negation inside the claim's own exception ------------------------------------------------------------

_LOCKERS = (
    "If you leave before the end of term, all charges are refunded except the key deposit.",
    "Lockers are allocated at the start of each term.",
)


def test_a_negation_inside_the_claims_own_exception_restates_the_clause() -> None:
    s = subject(
        "Leaving before the end of term gets all your charges refunded except the key deposit, which isn't "
        "refundable.",
        "If I leave early, is the key deposit refunded?",
        *_LOCKERS,
    )
    assert "grounding.contradicted" not in codes(grounding_validator(), s)


def test_a_negation_outside_the_exception_still_contradicts() -> None:
    s = subject(
        "If you leave before the end of term, charges are not refunded, except the key deposit.",
        "If I leave early, are the charges refunded?",
        *_LOCKERS,
    )
    assert "grounding.contradicted" in codes(grounding_validator(), s)


# --- money got back, and an absolute bounded only by a restated amount ----------------------------------

_HIRE = (
    "If you cancel more than 7 days before the hire, the deposit is refunded less a $5 fee. If you cancel "
    "later, half of the deposit is refunded.",
    "Bikes are hired by the day.",
)


def test_money_got_back_is_refunded() -> None:
    assert content_word("refund") in clause("You'll get half of the deposit back.").words
    s = subject("You'll get half of your deposit back.", "What if I cancel three days before?", *_HIRE)
    assert codes(grounding_validator(), s) == []


def test_always_refunded_against_a_conditional_refund_is_absolute_though_it_restates_the_fee() -> None:
    s = subject(
        "You'll always get your deposit back, less the $5 fee, whenever you cancel.",
        "Do I get my deposit back if I cancel?",
        *_HIRE,
    )
    assert "grounding.contradicted" in codes(grounding_validator(), s)
