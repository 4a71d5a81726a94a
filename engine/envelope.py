"""The one event envelope carried on every Governor topic, and its wire format."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

CONTRACT_HEADER = "governor-contract"
# Where a lone surrogate can come from: a \uD800-\uDFFF escape, or its UTF-8 form (json.loads decodes
# bytes with "surrogatepass", so it lets that through too).
_SURROGATE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
ENVELOPE_FIELDS = ("id", "type", "contract", "tenant", "produced_at", "trace", "payload")


class EnvelopeError(ValueError):
    """Bytes that are not a well-formed envelope; the message says which field is wrong."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Trace:
    """Links a prompt, its drafts and its decisions: one trace id, plus the event that caused this one."""

    trace_id: str
    causation_id: str | None = None


@dataclass(frozen=True)
class Envelope:
    """An immutable event: identity, contract, tenant, lineage and the contract-described payload."""

    type: str
    contract: str  # "<name>@<version>"
    tenant: str
    payload: dict[str, Any]
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    produced_at: str = field(default_factory=_now)
    trace: Trace = field(default_factory=lambda: Trace(trace_id=uuid.uuid4().hex))

    def derive(self, type: str, contract: str, payload: dict[str, Any], id: str | None = None) -> Envelope:
        """A new event caused by this one: same tenant and trace, causation pointing here."""
        return Envelope(
            type=type,
            contract=contract,
            tenant=self.tenant,
            payload=payload,
            id=id or uuid.uuid4().hex,
            trace=Trace(trace_id=self.trace.trace_id, causation_id=self.id),
        )

    @property
    def contract_name(self) -> str:
        return self.contract.partition("@")[0]

    def to_dict(self) -> dict[str, Any]:
        """A fresh dict (payload copied: the caller may change it), as ``dataclasses.asdict`` gives but
        several times cheaper: a gate makes three per message."""
        return self._fields(_copy_json(self.payload))

    def to_bytes(self) -> bytes:
        return json.dumps(self._fields(self.payload), separators=(",", ":"), ensure_ascii=False).encode()

    def _fields(self, payload: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": self.type,
            "contract": self.contract,
            "tenant": self.tenant,
            "payload": payload,
            "id": self.id,
            "produced_at": self.produced_at,
            "trace": {"trace_id": self.trace.trace_id, "causation_id": self.trace.causation_id},
        }

    @classmethod
    def from_dict(cls, data: Any) -> Envelope:
        if not isinstance(data, dict):
            raise EnvelopeError(f"envelope must be a JSON object, got {type(data).__name__}")
        missing = [f for f in ENVELOPE_FIELDS if f not in data]
        if missing:
            raise EnvelopeError(f"envelope is missing field(s): {', '.join(missing)}")
        extra = sorted(set(data) - set(ENVELOPE_FIELDS))
        if extra:
            raise EnvelopeError(f"envelope has unknown field(s): {', '.join(extra)}")
        for name in ("id", "type", "contract", "tenant", "produced_at"):
            if not isinstance(data[name], str) or not data[name]:
                raise EnvelopeError(f"envelope field '{name}' must be a non-empty string")
        if "@" not in data["contract"]:
            raise EnvelopeError("envelope field 'contract' must read '<name>@<version>'")
        if not isinstance(data["payload"], dict):
            raise EnvelopeError("envelope field 'payload' must be a JSON object")
        try:
            produced = datetime.fromisoformat(data["produced_at"])
        except ValueError:
            raise EnvelopeError("envelope field 'produced_at' must be an ISO-8601 timestamp") from None
        if not 1970 <= produced.year <= 2200:  # what every consumer's clock types can hold
            raise EnvelopeError("envelope field 'produced_at' is out of range (1970-2200)")
        trace = data["trace"]
        if not isinstance(trace, dict) or not isinstance(trace.get("trace_id"), str) or not trace["trace_id"]:
            raise EnvelopeError("envelope field 'trace.trace_id' must be a non-empty string")
        causation = trace.get("causation_id")
        if causation is not None and not isinstance(causation, str):
            raise EnvelopeError("envelope field 'trace.causation_id' must be a string or null")
        return cls(
            id=data["id"],
            type=data["type"],
            contract=data["contract"],
            tenant=data["tenant"],
            produced_at=data["produced_at"],
            trace=Trace(trace_id=trace["trace_id"], causation_id=causation),
            payload=data["payload"],
        )

    @classmethod
    def from_bytes(cls, raw: bytes | None) -> Envelope:
        if raw is None:
            raise EnvelopeError("message has no value (tombstone) on a governed topic")
        try:
            data = json.loads(raw, parse_constant=_refuse_constant)
            # What cannot be written back out (a lone surrogate) must not get past the edge either. The
            # re-encode that proves it runs only when the bytes could hold one: one JSON pass otherwise.
            if _may_hold_surrogate(raw):
                json.dumps(data, ensure_ascii=False).encode()
        except (UnicodeError, json.JSONDecodeError) as exc:
            raise EnvelopeError(f"message value is not JSON: {exc}") from exc
        except (RecursionError, ValueError) as exc:
            raise EnvelopeError(f"message value is not acceptable JSON: {str(exc)[:200]}") from exc
        return cls.from_dict(data)


def _copy_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_copy_json(v) for v in value)
    return value


def _may_hold_surrogate(raw: bytes) -> bool:
    # UTF-16 and UTF-32 (which json.loads also reads: a BOM, or a zero byte up front) are checked in full.
    utf16_or_32 = raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4]
    return utf16_or_32 or _SURROGATE_BYTES.search(raw) is not None


def _refuse_constant(name: str) -> Any:
    """NaN and Infinity are not JSON: refused here, they would break every encoder downstream."""
    raise ValueError(f"non-standard JSON constant {name}")
