"""Validators then one batched policy decision, for any gate. Fails closed at every step."""

from __future__ import annotations

import time
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from engine import metrics
from engine.envelope import Envelope
from engine.errors import PolicyMalformed, PolicyUnavailable
from engine.gates import obligations as obligation_rules
from engine.gates.pii_digest import hashed_payload
from engine.policy.client import PolicyClient
from engine.policy.decision import (
    POLICY_ERROR,
    POLICY_UNAVAILABLE,
    VALIDATOR_ERROR,
    Obligation,
    PolicyDecision,
    Reason,
)
from engine.validators.base import Subject, Validator, ValidatorResult


@dataclass(frozen=True)
class GateItem:
    """One event to decide: its envelope (for the policy), what the validators inspect, and facts the
    gate established about the record itself (such as `identity`, from its signature)."""

    envelope: Envelope
    subject: Subject
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """A gate's decision on one event, and the text to release when approved."""

    decision_id: str
    outcome: Literal["approved", "rejected"]
    reasons: tuple[Reason, ...]
    obligations: tuple[Obligation, ...]
    released_text: str | None
    validators: dict[str, ValidatorResult]
    latency_ms: float

    @property
    def primary_reason(self) -> str:
        return self.reasons[0].code if self.reasons else "none"


class PolicyGate:
    """Runs a gate's validators on each item and asks Rego (`data.<package>.decision`) for a batch.
    `pii_fields` (contract name -> the fields its contract classifies as `pii`) says which payload fields
    reach the policy as digests (engine/gates/pii_digest.py) instead of values."""

    def __init__(
        self,
        name: str,
        package: str,
        validators: Sequence[Validator],
        policy: PolicyClient,
        *,
        pii_fields: Mapping[str, Collection[str]],
    ) -> None:
        self.name, self.package, self.validators, self.policy = name, package, list(validators), policy
        self.pii_fields = {contract: frozenset(fields) for contract, fields in pii_fields.items()}
        for validator in self.validators:  # series exist at zero before the first failure
            metrics.VALIDATOR_FAILURES.labels(validator.name)
            metrics.VALIDATOR_ERRORS.labels(validator.name)

    def decide(self, items: Sequence[GateItem], batched: bool = True) -> list[Verdict]:
        started = time.perf_counter()
        results = [{v.name: v.check(item.subject) for v in self.validators} for item in items]
        inputs = [self.policy_input(item, res) for item, res in zip(items, results, strict=True)]
        try:
            ask = self.policy.decide if batched else self.policy.decide_unbatched
            decisions = ask(self.package, inputs, gate=self.name)
        except PolicyUnavailable as exc:
            decisions = [PolicyDecision.deny(POLICY_UNAVAILABLE, str(exc))] * len(items)
        except PolicyMalformed as exc:  # our own message, from the shape of OPA's answer, never its text
            decisions = [PolicyDecision.deny(POLICY_ERROR, str(exc))] * len(items)
        latency_ms = (time.perf_counter() - started) * 1000 / max(len(items), 1)
        return [
            self._verdict(item, res, decision, latency_ms)
            for item, res, decision in zip(items, results, decisions, strict=True)
        ]

    def policy_input(self, item: GateItem, results: dict[str, ValidatorResult]) -> dict[str, Any]:
        envelope = item.envelope.to_dict()
        pii = self.pii_fields.get(item.envelope.contract_name, frozenset())
        payload = hashed_payload(envelope["payload"], pii)
        if isinstance(payload.get("context"), list):  # the policy needs passage ids, not their text
            payload["context"] = [{"id": c.get("id")} for c in payload["context"] if isinstance(c, dict)]
        envelope["payload"] = payload
        return {
            **item.facts,
            "gate": self.name,
            "envelope": envelope,
            "validators": {name: r.to_policy_input() for name, r in results.items()},
        }

    def _verdict(
        self, item: GateItem, results: dict[str, ValidatorResult], decision: PolicyDecision, latency_ms: float
    ) -> Verdict:
        for name, result in results.items():
            if result.error:
                metrics.VALIDATOR_ERRORS.labels(name).inc()
            elif not result.passed:
                metrics.VALIDATOR_FAILURES.labels(name).inc()
        errored = sorted(n for n, r in results.items() if r.error)
        if decision.allow and errored:  # belt and braces: a policy bug must not release unchecked text
            decision = PolicyDecision.deny(
                VALIDATOR_ERROR, f"validator(s) failed to run: {', '.join(errored)}"
            )
        released = None
        if decision.allow:
            try:
                released = obligation_rules.apply(item.subject.text, decision.obligations)
            except obligation_rules.ObligationError as exc:
                decision = PolicyDecision.deny(
                    POLICY_ERROR, f"obligation could not be applied ({type(exc).__name__})"
                )
        verdict = Verdict(
            decision_id=uuid.uuid4().hex,
            outcome="approved" if decision.allow else "rejected",
            reasons=decision.reasons,
            obligations=decision.obligations if decision.allow else (),
            released_text=released,
            validators=results,
            latency_ms=latency_ms,
        )
        metrics.DECISIONS.labels(self.name, verdict.outcome, verdict.primary_reason).inc()
        metrics.GATE_LATENCY.labels(self.name).observe(latency_ms / 1000)
        return verdict
