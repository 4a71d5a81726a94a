"""Which topic gives which stream event: the one mapping to change when the web-app principal is limited
to approved answers plus a status channel (issue 10).

Today: prompts.admitted -> admitted; answers.draft -> drafting (the draft's text is never passed on);
answers.approved -> released; answers.rejected -> blocked (admission or release); governance.dlq ->
error (the reason code only: the dead letter's error text may quote model output).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.envelope import Envelope
from engine.settings import Topics
from engine.web.events import StreamEvent

Headers = list[tuple[str, bytes]]
Mapper = Callable[[Envelope, bytes, Headers], list[StreamEvent]]
Verify = Callable[[bytes, Headers], bool]

# What a later phase says about the earlier ones: a draft exists only for an admitted prompt.
_IMPLIED = {"drafting": ("admitted",), "release": ("admitted", "drafting"), "infer": ("admitted",)}


def _implied(step: str) -> list[StreamEvent]:
    return [StreamEvent(kind, {"implied": True}) for kind in _IMPLIED.get(step, ())]


def _admitted(env: Envelope, value: bytes, headers: Headers) -> list[StreamEvent]:
    p = env.payload
    return [StreamEvent("admitted", {"question": p.get("question"), "audit_reference": p.get("decision_id")})]


def _drafting(env: Envelope, value: bytes, headers: Headers) -> list[StreamEvent]:
    return [*_implied("drafting"), StreamEvent("drafting", {"model": env.payload.get("model")})]


def _released(verified: Verify) -> Mapper:
    def released(env: Envelope, value: bytes, headers: Headers) -> list[StreamEvent]:
        p = env.payload
        if not verified(value, headers):  # unsigned or forged: never shown as an approved answer
            refused = {
                "phase": "release",
                "code": "release.signature_invalid",
                "message": "An approval arrived without a valid release-gate signature and was refused.",
                "audit_reference": p.get("decision_id"),
            }
            return [StreamEvent("error", refused)]
        data: dict[str, Any] = {
            "answer": p["answer"],
            "citations": list(p.get("citations", [])),
            "obligations": list(p.get("obligations", [])),
            "model": p.get("model"),
            "audit_reference": p.get("decision_id"),
            "signature_verified": True,
        }
        return [*_implied("release"), StreamEvent("released", data)]

    return released


def _blocked(env: Envelope, value: bytes, headers: Headers) -> list[StreamEvent]:
    p = env.payload
    phase = str(p.get("gate", "release"))
    data = {
        "phase": phase,
        "reasons": [{"code": r["code"], "message": r["message"]} for r in p.get("reasons", [])],
        "audit_reference": p.get("decision_id"),
    }
    return [*_implied(phase), StreamEvent("blocked", data)]


def _error(env: Envelope, value: bytes, headers: Headers) -> list[StreamEvent]:
    p = env.payload
    stage, code = str(p.get("stage", "unknown")), str(p.get("reason", "processing.error"))
    data = {
        "phase": stage,
        "code": code,
        "message": f"The {stage} stage could not process this request ({code}).",
        "audit_reference": None,
    }
    return [*_implied(stage), StreamEvent("error", data)]


def mappers(topics: Topics, verified: Verify) -> dict[str, Mapper]:
    """Topic name -> how its records become stream events (`verified`: the release signature check)."""
    return {
        topics.prompts_admitted: _admitted,
        topics.answers_draft: _drafting,
        topics.answers_approved: _released(verified),
        topics.answers_rejected: _blocked,
        topics.dlq: _error,
    }
