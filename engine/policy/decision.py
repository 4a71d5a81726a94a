"""A policy decision as Rego returns it: allow, reasons (stable codes), obligations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.validators.base import Span

POLICY_UNAVAILABLE = "policy_unavailable"
POLICY_ERROR = "policy_error"
VALIDATOR_ERROR = "validator_error"


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class Obligation:
    """Something the gate must do to an allowed event before release (redact spans, add a disclaimer)."""

    type: str
    code: str | None = None
    spans: tuple[Span, ...] = ()
    text: str | None = None

    def describe(self) -> str:
        return f"{self.type}:{self.code}" if self.code else self.type


@dataclass(frozen=True)
class PolicyDecision:
    allow: bool
    reasons: tuple[Reason, ...] = ()
    obligations: tuple[Obligation, ...] = ()

    @classmethod
    def deny(cls, code: str, message: str) -> PolicyDecision:
        return cls(allow=False, reasons=(Reason(code, message),))

    @classmethod
    def parse(cls, raw: Any) -> PolicyDecision:
        """Strict: anything but a well-formed decision denies (fail closed) with policy_error."""
        if not isinstance(raw, dict) or not isinstance(raw.get("allow"), bool):
            return cls.deny(POLICY_ERROR, f"policy returned no well-formed decision ({type(raw).__name__})")
        try:
            reasons = tuple(Reason(str(r["code"]), str(r.get("message", ""))) for r in raw.get("reasons", []))
            obligations = tuple(
                Obligation(
                    type=str(o["type"]),
                    code=o.get("code"),
                    spans=tuple(Span(int(s["start"]), int(s["end"])) for s in o.get("spans", [])),
                    text=o.get("text"),
                )
                for o in raw.get("obligations", [])
            )
        except (KeyError, TypeError, ValueError) as exc:
            return cls.deny(POLICY_ERROR, f"malformed reasons or obligations ({type(exc).__name__})")
        if not raw["allow"] and not reasons:
            return cls.deny(POLICY_ERROR, "policy denied without giving a reason")
        if any(not r.code for r in reasons):
            return cls.deny(POLICY_ERROR, "policy gave a reason without a code")
        allow = raw["allow"] and not reasons
        return cls(allow=allow, reasons=reasons, obligations=obligations)
