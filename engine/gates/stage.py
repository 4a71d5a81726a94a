"""A gate as a Kafka stage: decode each record (DLQ what is malformed), decide the batch, route each
verdict to its topic and write one audit record per decision, all in the batch's transaction."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from engine.audit.records import decision_record, validator_summary
from engine.audit.writer import AuditWriter
from engine.contracts.codec import GovernedCodec
from engine.envelope import Envelope, EnvelopeError
from engine.errors import ContractViolation, PolicyUnavailable
from engine.gates.dead_letter import dead_letter, reason_for
from engine.gates.policy_gate import GateItem, PolicyGate, Verdict
from engine.kafka.processor import Output
from engine.kafka.record import Record
from engine.validators.base import Subject

REVISION_REFRESH_SECONDS = 30.0


@dataclass(frozen=True)
class Route:
    """What differs between gates: what to inspect, and what to publish for each outcome."""

    subject: Callable[[Envelope], Subject]
    approved: Callable[[Envelope, Verdict], tuple[str, Envelope]]
    rejected: Callable[[Envelope, Verdict], tuple[str, Envelope]]


class GateStage:
    """The handler a TransactionalProcessor runs for a gate."""

    def __init__(
        self,
        gate: PolicyGate,
        route: Route,
        codec: GovernedCodec,
        audit: AuditWriter,
        dlq_topic: str,
        policy_revision: str,
    ) -> None:
        self.gate, self.route, self.codec, self.audit = gate, route, codec, audit
        self.dlq_topic, self.policy_revision = dlq_topic, policy_revision
        self._revision_checked = time.monotonic()

    def _refresh_revision(self) -> None:
        """OPA reloads policies while the gate runs: audit records must name the revision in force."""
        if time.monotonic() - self._revision_checked < REVISION_REFRESH_SECONDS:
            return
        self._revision_checked = time.monotonic()
        with contextlib.suppress(PolicyUnavailable):  # keep the last known one; decisions fail closed anyway
            self.policy_revision = self.gate.policy.revision()

    def handle(self, messages: list[Record]) -> list[Output]:
        self._refresh_revision()
        outputs: list[Output] = []
        decodable: list[tuple[Record, Envelope]] = []
        for msg in messages:
            try:
                decodable.append((msg, self.codec.decode(msg.topic, msg.value)))
            except (EnvelopeError, ContractViolation) as exc:
                outputs.append(dead_letter(self.codec, self.dlq_topic, self.gate.name, msg, exc))
                outputs.append(self._audit(msg, None, "dlq", [reason_for(exc)], None))
        verdicts = self.gate.decide([GateItem(env, self.route.subject(env)) for _, env in decodable])
        for (msg, envelope), verdict in zip(decodable, verdicts, strict=True):
            make = self.route.approved if verdict.outcome == "approved" else self.route.rejected
            topic, event = make(envelope, verdict)
            try:
                value, headers = self.codec.encode(topic, event)
            except ContractViolation as exc:  # e.g. redaction made a text longer than its contract allows
                outputs.append(dead_letter(self.codec, self.dlq_topic, self.gate.name, msg, exc, envelope))
                outputs.append(self._audit(msg, envelope, "dlq", [reason_for(exc)], verdict))
                continue
            outputs.append(Output(topic, value, envelope.trace.trace_id.encode(), headers))
            outputs.append(
                self._audit(
                    msg,
                    envelope,
                    verdict.outcome,
                    [r.code for r in verdict.reasons],
                    verdict,
                    produced=event.contract,
                )
            )
        return outputs

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
