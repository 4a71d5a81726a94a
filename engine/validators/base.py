"""What every validator returns, and the subject it inspects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) in the inspected text."""

    start: int
    end: int


@dataclass(frozen=True)
class Finding:
    """One problem found: a stable reason code (e.g. ``pii.email``), a human message, where it is."""

    code: str
    message: str
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class ValidatorResult:
    """A validator's verdict: passed, the findings, or the error that stopped it (fail closed)."""

    validator: str
    passed: bool
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    # Which checks ran (e.g. grounding's "lexical", "embedding", "judge"), so a policy can require one.
    checks: tuple[str, ...] = ()

    def to_policy_input(self) -> dict[str, Any]:
        """The shape Rego sees under ``input.validators[<name>]``; no raw text, only codes and spans."""
        return {
            "passed": self.passed,
            "error": self.error,
            "checks": list(self.checks),
            "findings": [
                {
                    "code": f.code,
                    "message": f.message,
                    "spans": [{"start": s.start, "end": s.end} for s in f.spans],
                }
                for f in self.findings
            ],
        }


@dataclass(frozen=True)
class ContextPassage:
    """A retrieved passage the answer should be grounded in."""

    id: str
    text: str


@dataclass(frozen=True)
class Subject:
    """What a gate asks validators to inspect: the text, and what it may be checked against."""

    text: str
    question: str = ""
    context: tuple[ContextPassage, ...] = ()
    system_prompt: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class Validator(Protocol):
    """A named check over a subject. Must not raise: errors come back as ``ValidatorResult.error``."""

    name: str

    def check(self, subject: Subject) -> ValidatorResult: ...
