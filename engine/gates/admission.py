"""The admission gate: requested prompts in, admitted prompts (PII redacted) or rejections out."""

from __future__ import annotations

from engine.envelope import Envelope
from engine.gates.policy_gate import Verdict
from engine.gates.release import masked, rejection
from engine.gates.stage import Route
from engine.settings import Settings
from engine.validators.base import Subject


def prompt_subject(envelope: Envelope) -> Subject:
    return Subject(text=str(envelope.payload.get("question", "")))


def admission_route(settings: Settings) -> Route:
    topics = settings.topics

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

    return Route(subject=prompt_subject, approved=approved, rejected=rejected)
