"""The validator sets each gate runs, and running a set over one subject.

Names are the keys Rego sees under ``input.validators``: pii, secrets, grounding, injection, scope,
toxicity, format, relevance, data_request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from engine.validators.adapter import error_result
from engine.validators.base import Subject, Validator, ValidatorResult
from engine.validators.data_request import data_request_validator
from engine.validators.format import format_validator
from engine.validators.grounding import Embed, grounding_validator
from engine.validators.injection import injection_answer_validator, injection_prompt_validator
from engine.validators.judge import ClaimJudge
from engine.validators.pii import pii_validator
from engine.validators.relevance import relevance_validator
from engine.validators.scope import DEFAULT_SCOPE_TOPICS, scope_validator
from engine.validators.secrets import secrets_validator
from engine.validators.toxicity import toxicity_validator

__all__ = ["DEFAULT_SCOPE_TOPICS", "admission_validators", "release_validators", "run_validators"]


def release_validators(
    *,
    embed: Embed | None = None,
    judge: ClaimJudge | None = None,
    system_prompt: str = "",
    scope_topics: Mapping[str, Sequence[str]] = DEFAULT_SCOPE_TOPICS,
    max_chars: int = 2000,
) -> list[Validator]:
    """Validators for answers: pii, secrets, grounding, injection (echo/leak), scope, toxicity, format,
    relevance."""
    return [
        pii_validator(),
        secrets_validator(),
        grounding_validator(embed, judge=judge),
        injection_answer_validator(system_prompt),
        scope_validator(scope_topics),
        toxicity_validator(),
        format_validator(max_chars),
        relevance_validator(),
    ]


def admission_validators(
    *, scope_topics: Mapping[str, Sequence[str]] = DEFAULT_SCOPE_TOPICS, max_chars: int = 4000
) -> list[Validator]:
    """Validators for prompts: injection (attempts), data_request, scope, pii, format."""
    return [
        injection_prompt_validator(),
        data_request_validator(),
        scope_validator(scope_topics),
        pii_validator(),
        format_validator(max_chars),
    ]


def run_validators(validators: Iterable[Validator], subject: Subject) -> dict[str, ValidatorResult]:
    """Each validator's result by name; a validator that raises despite its contract fails closed."""
    results: dict[str, ValidatorResult] = {}
    for validator in validators:
        name = getattr(validator, "name", type(validator).__name__)
        if name in results:
            raise ValueError(f"two validators named {name!r}: Rego would see only one")
        try:
            results[name] = validator.check(subject)
        except Exception as exc:  # third-party Validator implementations may not honour the contract
            results[name] = error_result(name, exc)
    return results
