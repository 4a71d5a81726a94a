"""A gate as a Kafka stage: decide the batch, route each verdict to its topic and write one audit record
per decision (dead letters included), all in the batch's transaction."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.audit.records import decision_record, validator_summary
from engine.audit.writer import AuditWriter
from engine.envelope import Envelope
from engine.errors import PolicyUnavailable
from engine.gates.policy_gate import GateItem, PolicyGate, Verdict
from engine.pipeline.dead_letter import reason_for
from engine.pipeline.handler import Emit, Inbound, Result, StageHandler
from engine.pipeline.records import Output, Record
from engine.pipeline.status import Reason, Status, Step
from engine.policy.decision import POLICY_UNAVAILABLE
from engine.validators.base import Subject

REVISION_REFRESH_SECONDS = 30.0


@dataclass(frozen=True)
class Route:
    """What differs between gates: what to inspect, and what to publish for each outcome."""

    subject: Callable[[Envelope], Subject]
    approved: Callable[[Envelope, Verdict], tuple[str, Envelope]]
    rejected: Callable[[Envelope, Verdict], tuple[str, Envelope]]
    # What the gate establishes from the record itself (its signature, not its payload) for the policy.
    facts: Callable[[Record], Mapping[str, Any]] | None = None
    # The step an approval reports on the status channel; None where the approved record is the signal.
    # A rejection always reports `blocked` with the verdict's reasons.
    approved_step: Step | None = None


@dataclass
class GateHandler(StageHandler):
    """The handler a TransactionalProcessor runs for a gate."""

    gate: PolicyGate = field(kw_only=True)
    route: Route = field(kw_only=True)
    audit: AuditWriter = field(kw_only=True)
    policy_revision: str = field(kw_only=True)
    # Called with the batch's subjects before the validators run (see gates/prefetch.py).
    prefetch: Callable[[list[Subject]], None] | None = field(default=None, kw_only=True)
    _revision_checked: float = field(default_factory=time.monotonic, init=False)

    def __post_init__(self) -> None:
        self.observers.append(self.audit)

    def _refresh_revision(self) -> None:
        """OPA reloads policies while the gate runs: audit records must name the revision in force."""
        if time.monotonic() - self._revision_checked < REVISION_REFRESH_SECONDS:
            return
        self._revision_checked = time.monotonic()
        with contextlib.suppress(PolicyUnavailable):  # keep the last known one; decisions fail closed anyway
            self.policy_revision = self.gate.policy.revision()

    def process(self, batch: list[Inbound]) -> list[Result]:
        self._refresh_revision()
        facts = self.route.facts or (lambda record: {})
        items = [GateItem(i.envelope, self.route.subject(i.envelope), facts(i.record)) for i in batch]
        if self.prefetch is not None:
            self.prefetch([item.subject for item in items])
        verdicts = self.gate.decide(items)
        _wait_out_outages(verdicts)
        results = []
        for item, verdict in zip(batch, verdicts, strict=True):
            make = self.route.approved if verdict.outcome == "approved" else self.route.rejected
            topic, event = make(item.envelope, verdict)
            results.append(Result(emits=(Emit(topic, event),), status=self._status(verdict), context=verdict))
        return results

    def _status(self, verdict: Verdict) -> Status | None:
        if verdict.outcome == "approved":
            step = self.route.approved_step
            return Status(step, decision_id=verdict.decision_id) if step else None
        reasons = tuple(Reason(r.code, r.message) for r in verdict.reasons)
        return Status("blocked", reasons, decision_id=verdict.decision_id)

    def emitted(self, item: Inbound, result: Result) -> list[Output]:
        verdict = _verdict(result.context)
        assert verdict is not None  # every decided message carries its verdict
        event = result.emits[0].event
        return [
            self._audit(
                item.record,
                item.envelope,
                verdict.outcome,
                [r.code for r in verdict.reasons],
                verdict,
                event.contract,
            )
        ]

    def dead_lettered(
        self, record: Record, envelope: Envelope | None, error: Exception, context: object
    ) -> list[Output]:
        outputs = super().dead_lettered(record, envelope, error, context)
        return [*outputs, self._audit(record, envelope, "dlq", [reason_for(error)], _verdict(context))]

    def _audit(
        self,
        msg: Record,
        envelope: Envelope | None,
        outcome: str,
        reasons: list[str],
        verdict: Verdict | None,
        produced: str | None = None,
    ) -> Output:
        contracts = [c for c in (envelope.contract if envelope else None, produced) if c]
        record = decision_record(
            decision_id=verdict.decision_id if verdict else uuid.uuid4().hex,
            gate=self.gate.name,
            outcome=outcome,
            reasons=reasons,
            envelope=envelope,
            topic=msg.topic,
            partition=msg.partition,
            offset=msg.offset,
            raw_value=msg.value,
            contracts=contracts,
            policy_revision=self.policy_revision,
            validators=validator_summary(verdict.validators) if verdict else {},
            obligations=[o.describe() for o in verdict.obligations] if verdict else [],
            latency_ms=verdict.latency_ms if verdict else 0.0,
        )
        return self.audit.output(record, envelope)


def _wait_out_outages(verdicts: list[Verdict]) -> None:
    """Fail closed means never approve, not reject for good: a batch OPA could not decide is raised, so
    the processor rewinds it and backs off until OPA answers again."""
    for verdict in verdicts:
        if any(reason.code == POLICY_UNAVAILABLE for reason in verdict.reasons):
            raise PolicyUnavailable(f"{verdict.reasons[0].message}; the batch waits for OPA")


def _verdict(context: object) -> Verdict | None:
    return context if isinstance(context, Verdict) else None
