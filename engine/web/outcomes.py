"""Which record gives which stream event. The web-app principal reads two topics only (issue 10):

- answers.approved -> released (only with a valid release-gate signature; otherwise an error);
- requests.status -> admitted, drafting, blocked (phase, the governance layer's reason codes and
  messages, audit reference) or error (the stage and its reason code), as the stages report each step.

Neither carries a draft, a rejected answer or a raw prompt: those topics stay closed to the web app.
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


def status_events(payload: dict[str, Any]) -> list[StreamEvent]:
    """The events of one status record's payload (as its contract lets through); none for a step the
    page does not show."""
    phase, step, reference = str(payload["phase"]), payload["status"], payload.get("decision_id")
    if step == "admitted":
        return [StreamEvent("admitted", {"audit_reference": reference})]
    if step == "drafting":
        return [*_implied("drafting"), StreamEvent("drafting", {"model": payload.get("model")})]
    reasons = [{"code": str(r["code"]), "message": str(r["message"])} for r in payload["reasons"]]
    if step == "blocked":
        data = {"phase": phase, "reasons": reasons, "audit_reference": reference}
        return [*_implied(phase), StreamEvent("blocked", data)]
    if step == "error":
        first = reasons[0] if reasons else {"code": "processing.error", "message": ""}
        message = first["message"] or f"The {phase} stage could not process this request ({first['code']})."
        data = {"phase": phase, "code": first["code"], "message": message, "audit_reference": reference}
        return [*_implied(phase), StreamEvent("error", data)]
    return []


def _status(env: Envelope, value: bytes, headers: Headers) -> list[StreamEvent]:
    return status_events(env.payload)


def mappers(topics: Topics, verified: Verify) -> dict[str, Mapper]:
    """Topic name -> how its records become stream events (`verified`: the release signature check).
    These are the only topics the web app reads."""
    return {topics.answers_approved: _released(verified), topics.requests_status: _status}
