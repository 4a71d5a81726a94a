"""The admission gate: requested prompts in, admitted prompts (PII redacted) or rejections out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from engine.envelope import Envelope
from engine.gates.policy_gate import Verdict
from engine.gates.release import masked, rejection
from engine.gates.stage import Route
from engine.pipeline.records import Record
from engine.settings import Settings
from engine.validators.base import Subject


def prompt_subject(envelope: Envelope) -> Subject:
    return Subject(text=str(envelope.payload.get("question", "")))


Identify = Callable[[bytes | None, Sequence[tuple[str, bytes]]], dict[str, str]]


def admission_route(settings: Settings, identify: Identify | None = None) -> Route:
    """`identify` names the app that signed a request (policy input `identity`); without it every
    request reads as unsigned, and the policy refuses it."""
    topics = settings.topics

    def facts(record: Record) -> dict[str, Any]:
        if identify is None:
            return {"identity": {"status": "unsigned"}}
        return {"identity": identify(record.value, record.headers)}

    def approved(envelope: Envelope, verdict: Verdict) -> tuple[str, Envelope]:
        payload = {
            "question": verdict.released_text or "",
            "user": envelope.payload["user"],
            "decision_id": verdict.decision_id,
        }
        return topics.prompts_admitted, envelope.derive("prompt.admitted", "prompts.admitted@1", payload)

    def rejected(envelope: Envelope, verdict: Verdict) -> tuple[str, Envelope]:
        question = masked(str(envelope.payload.get("question", "")), verdict)
        return topics.answers_rejected, rejection(envelope, verdict, "admission", question, None)

    return Route(
        subject=prompt_subject, approved=approved, rejected=rejected, facts=facts, approved_step="admitted"
    )
