"""Runs a guardrails-ai validator as a Governor ``Validator``: error spans in, findings out, never raises.

Every validator module imports this one, and importing it switches guardrails' telemetry off; that
happens before any guardrails validator or Guard is built, which is what starts the exporter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.errors import InfrastructureUnavailable
from engine.validators.base import Finding, Span, Subject, ValidatorResult
from engine.validators.telemetry import disable_library_telemetry

disable_library_telemetry()

from guardrails.validator_base import (  # noqa: E402
    ErrorSpan,
    FailResult,
    PassResult,
    ValidationResult,
    Validator,
    register_validator,
)

__all__ = [
    "DETAIL_SEPARATOR",
    "ErrorSpan",
    "FailResult",
    "GuardrailsCheck",
    "PassResult",
    "ValidationResult",
    "Validator",
    "error_result",
    "fail",
    "register_validator",
]

# An error span's reason is "<code>" or "<code>|<detail>"; the detail (a configured name such as a
# topic, never text from the payload) is added to the finding's message.
DETAIL_SEPARATOR = "|"

# Exception text can quote the payload; an audit record must not carry it whole.
_MAX_ERROR_CHARS = 200


def error_result(name: str, exc: BaseException) -> ValidatorResult:
    """The fail-closed verdict for a validator that could not finish."""
    return ValidatorResult(
        validator=name, passed=False, error=f"{type(exc).__name__}: {exc}"[:_MAX_ERROR_CHARS]
    )


def fail(spans: list[tuple[str, int, int]], message: str) -> ValidationResult:
    """A guardrails verdict from ``(code, start, end)`` triples; the code travels as the span's reason."""
    if not spans:
        return PassResult()
    return FailResult(
        error_message=message,
        error_spans=[ErrorSpan(start=start, end=end, reason=code) for code, start, end in spans],
    )


def _no_metadata(subject: Subject) -> dict[str, Any]:
    return {}


class GuardrailsCheck:
    """A Governor validator around one guardrails validator whose error-span reasons are reason codes.

    ``messages`` maps each code to a fixed human message: guardrails' own error messages quote the
    offending text (secrets, PII), which must not reach the audit trail.
    """

    def __init__(
        self,
        name: str,
        inner: Validator,
        *,
        messages: Mapping[str, str],
        default_code: str,
        metadata: Callable[[Subject], dict[str, Any]] = _no_metadata,
    ) -> None:
        self.name = name
        self.inner = inner
        self._messages = dict(messages)
        self._default_code = default_code
        self._metadata = metadata

    def check(self, subject: Subject) -> ValidatorResult:
        """Validate ``subject.text``; any exception becomes ``ValidatorResult.error``."""
        try:
            result = self.inner.validate(subject.text, self._metadata(subject))
            return self._to_result(result, len(subject.text))
        except InfrastructureUnavailable:
            raise  # an outage (the embedding endpoint) is no verdict on this text: the gate waits and retries
        except Exception as exc:  # a validator must never take the gate down with it
            return error_result(self.name, exc)

    def _to_result(self, result: ValidationResult, text_len: int) -> ValidatorResult:
        if not isinstance(result, FailResult):
            return ValidatorResult(validator=self.name, passed=True)
        spans_by_code: dict[str, set[Span]] = {}
        details_by_code: dict[str, set[str]] = {}
        for es in result.error_spans or ():
            if not 0 <= es.start <= es.end <= text_len:
                raise ValueError(f"{self.name}: span [{es.start}, {es.end}) outside text of {text_len} chars")
            code, _, detail = es.reason.partition(DETAIL_SEPARATOR)
            if code not in self._messages:
                code, detail = self._default_code, ""
            spans_by_code.setdefault(code, set()).add(Span(es.start, es.end))
            if detail:
                details_by_code.setdefault(code, set()).add(detail)
        if not spans_by_code:
            spans_by_code[self._default_code] = set()
        findings = tuple(
            Finding(
                code=code,
                message=_message(self._messages.get(code, code), details_by_code.get(code)),
                spans=tuple(sorted(spans, key=_key)),
            )
            for code, spans in spans_by_code.items()
        )
        return ValidatorResult(validator=self.name, passed=False, findings=findings)


def _message(base: str, details: set[str] | None) -> str:
    return f"{base}: {', '.join(sorted(details))}" if details else base


def _key(span: Span) -> tuple[int, int]:
    return (span.start, span.end)
