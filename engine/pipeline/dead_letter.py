"""Dead-letter records: what a stage could not process, why, and the original bytes and coordinates."""

from __future__ import annotations

import base64
import hashlib

from engine import metrics
from engine.contracts.codec import GovernedCodec
from engine.envelope import Envelope, EnvelopeError
from engine.errors import ContractViolation
from engine.pipeline.records import Output, Record

DLQ_CONTRACT = "governance.dlq@1"
MAX_ORIGINAL_BYTES = 256 * 1024


def reason_for(error: Exception) -> str:
    if isinstance(error, EnvelopeError):
        return "envelope.malformed"
    code = getattr(error, "code", None)
    if isinstance(code, str):
        return code
    if isinstance(error, ContractViolation):
        return (
            f"contract.{error.rule}".replace("-", "_").lower()
            if error.rule.isidentifier()
            else "contract.violation"
        )
    return "processing.error"


def dead_letter(
    codec: GovernedCodec,
    dlq_topic: str,
    stage: str,
    msg: Record,
    error: Exception,
    cause: Envelope | None = None,
) -> Output:
    """An output for the DLQ topic describing `msg` and `error`; never raises on odd input. When the record
    was a readable envelope (`cause`), the dead letter keeps its tenant and trace, so whoever waits on
    the trace learns what happened."""
    reason = reason_for(error)
    value = msg.value
    payload: dict[str, object] = {
        "stage": stage,
        "reason": reason,
        "error": str(error)[:2000],
        "source": {
            "topic": msg.topic,
            "partition": msg.partition,
            "offset": msg.offset,
            "timestamp_ms": msg.timestamp_ms,
        },
        "original_b64": base64.b64encode(value[:MAX_ORIGINAL_BYTES]).decode() if value is not None else None,
    }
    if value is not None and len(value) > MAX_ORIGINAL_BYTES:
        # A dead letter must fit where its record did not: keep a prefix and the digest of the whole.
        payload["original_truncated"] = True
        payload["original_sha256"] = hashlib.sha256(value).hexdigest()
    envelope = (
        cause.derive("governance.dead_letter", DLQ_CONTRACT, payload)
        if cause
        else Envelope(type="governance.dead_letter", contract=DLQ_CONTRACT, tenant="unknown", payload=payload)
    )
    data, headers = codec.encode(dlq_topic, envelope)
    metrics.DLQ.labels(stage, reason).inc()
    return Output(dlq_topic, data, msg.key, headers)
