"""Apply a policy's obligations to the text it allowed: redact spans, append a disclaimer."""

from __future__ import annotations

from collections.abc import Sequence

from engine.errors import GovernorError
from engine.policy.decision import Obligation
from engine.validators.base import Span


class ObligationError(GovernorError):
    """An obligation the gate does not know or cannot apply; the gate then refuses to release."""


def redact(text: str, spans: Sequence[Span], label: str = "REDACTED") -> str:
    """Replace each span (overlaps merged) with [label]; spans outside the text are an error."""
    merged: list[list[int]] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if not 0 <= span.start < span.end <= len(text):
            raise ObligationError(f"span {span.start}-{span.end} is outside a text of {len(text)} characters")
        if merged and span.start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span.end)
        else:
            merged.append([span.start, span.end])
    for start, end in reversed(merged):
        text = f"{text[:start]}[{label}]{text[end:]}"
    return text


def apply(text: str, obligations: Sequence[Obligation]) -> str:
    """The text as released. Redactions first (their spans refer to the original text), then additions."""
    spans = [s for o in obligations if o.type == "redact" for s in o.spans]
    released = redact(text, spans) if spans else text
    for obligation in obligations:
        if obligation.type == "redact":
            continue
        if obligation.type == "append_disclaimer" and obligation.text:
            released = f"{released.rstrip()}\n\n{obligation.text}"
        else:
            raise ObligationError(f"unknown or incomplete obligation '{obligation.type}'")
    return released
