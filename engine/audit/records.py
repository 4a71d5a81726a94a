"""What an audit record says about a decision: coordinates, versions, outcome, reasons, no raw PII."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from engine.envelope import Envelope
from engine.validators.base import ValidatorResult


def validator_summary(results: dict[str, ValidatorResult]) -> dict[str, Any]:
    """Codes and spans only: the audit trail must not copy the PII it found."""
    return {
        name: {
            "passed": r.passed,
            "error": r.error,
            "codes": sorted({f.code for f in r.findings}),
            "spans": [[s.start, s.end] for f in r.findings for s in f.spans],
        }
        for name, r in sorted(results.items())
    }


def decision_record(
    *,
    decision_id: str,
    gate: str,
    outcome: str,
    reasons: list[str],
    envelope: Envelope | None,
    topic: str,
    partition: int,
    offset: int,
    raw_value: bytes | None,
    contracts: list[str],
    policy_revision: str,
    validators: dict[str, Any],
    obligations: list[str],
    latency_ms: float,
) -> dict[str, Any]:
    """An unsealed record; audit.chain.seal() adds seq, prev_hash and hash."""
    return {
        "decision_id": decision_id,
        "gate": gate,
        "outcome": outcome,
        "reasons": reasons,
        "subject": {
            "envelope_id": envelope.id if envelope else None,
            "trace_id": envelope.trace.trace_id if envelope else None,
            "tenant": envelope.tenant if envelope else None,
            "topic": topic,
            "partition": partition,
            "offset": offset,
            "content_sha256": hashlib.sha256(raw_value or b"").hexdigest(),
        },
        "contracts": contracts,
        "policy_revision": policy_revision,
        "validators": validators,
        "obligations": obligations,
        "latency_ms": round(latency_ms, 3),
        "decided_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }
