"""The release gate: drafts in, approved answers (obligations applied) or rejections with reasons out."""

from __future__ import annotations

from engine.envelope import Envelope
from engine.gates.obligations import redact
from engine.gates.policy_gate import Verdict
from engine.gates.stage import Route
from engine.prompts import TEMPLATES
from engine.settings import Settings
from engine.validators.base import ContextPassage, Span, Subject

SENSITIVE_VALIDATORS = ("pii", "secrets")


def draft_subject(envelope: Envelope) -> Subject:
    payload = envelope.payload
    template = TEMPLATES.get(str(payload.get("template_version", "")))
    return Subject(
        text=str(payload.get("answer", "")),
        question=str(payload.get("question", "")),
        context=tuple(ContextPassage(str(c["id"]), str(c["text"])) for c in payload.get("context", [])),
        system_prompt=template.system if template else "",
    )


def masked(text: str, verdict: Verdict) -> str:
    """The text with every PII and secret span masked, for the review queue."""
    spans = [
        Span(s.start, s.end)
        for name in SENSITIVE_VALIDATORS
        if name in verdict.validators
        for f in verdict.validators[name].findings
        for s in f.spans
        if 0 <= s.start < s.end <= len(text)
    ]
    return redact(text, spans) if spans else text


def rejection(envelope: Envelope, verdict: Verdict, gate: str, question: str, answer: str | None) -> Envelope:
    return envelope.derive(
        "answer.rejected",
        "answers.rejected@1",
        {
            "gate": gate,
            "question": question,
            "answer": answer,
            "reasons": [{"code": r.code, "message": r.message} for r in verdict.reasons],
            "decision_id": verdict.decision_id,
        },
    )


def release_route(settings: Settings) -> Route:
    topics = settings.topics

    def approved(envelope: Envelope, verdict: Verdict) -> tuple[str, Envelope]:
        p = envelope.payload
        payload = {
            "question": p["question"],
            "answer": verdict.released_text or "",
            "citations": [c["id"] for c in p.get("context", [])],
            "model": p["model"],
            "template_version": p["template_version"],
            "decision_id": verdict.decision_id,
            "obligations": [o.describe() for o in verdict.obligations],
        }
        if "workflow" in p:
            payload["workflow"] = p["workflow"]
        return topics.answers_approved, envelope.derive("answer.approved", "answers.approved@1", payload)

    def rejected(envelope: Envelope, verdict: Verdict) -> tuple[str, Envelope]:
        p = envelope.payload
        answer = masked(str(p.get("answer", "")), verdict)
        return topics.answers_rejected, rejection(
            envelope, verdict, "release", str(p.get("question", "")), answer
        )

    return Route(subject=draft_subject, approved=approved, rejected=rejected)
