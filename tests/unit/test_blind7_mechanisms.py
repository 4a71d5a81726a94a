"""The seventh blind set's causes, one mechanism each, on examples of our own wording and domains."""

from __future__ import annotations

import pytest

from engine.validators.base import Subject
from engine.validators.injection import injection_answer_validator, instruction_spans

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
