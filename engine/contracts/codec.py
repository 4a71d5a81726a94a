"""The contract gate on the wire: validate on produce, decode-and-validate on consume."""

from __future__ import annotations

import re

from engine import metrics
from engine.contracts.registry import ContractRegistry
from engine.envelope import CONTRACT_HEADER, Envelope, EnvelopeError
from engine.errors import ContractViolation

Headers = list[tuple[str, bytes]]


class GovernedCodec:
    """Turns envelopes into record values and back, refusing anything its topic's contract forbids."""

    def __init__(self, registry: ContractRegistry) -> None:
        self.registry = registry

    def encode(self, topic: str, envelope: Envelope) -> tuple[bytes, Headers]:
        """Bytes and headers for `topic`; raises ContractViolation naming the field and rule."""
        try:
            self.check(topic, envelope)
        except ContractViolation:
            metrics.CONTRACT_VIOLATIONS.labels(topic, "produce").inc()
            raise
        return envelope.to_bytes(), [(CONTRACT_HEADER, envelope.contract.encode())]

    def decode(self, topic: str, value: bytes | None) -> Envelope:
        """The envelope in a consumed value; raises EnvelopeError or ContractViolation."""
        try:
            envelope = Envelope.from_bytes(value)
            self.check(topic, envelope)
        except (EnvelopeError, ContractViolation):
            metrics.CONTRACT_VIOLATIONS.labels(topic, "consume").inc()
            raise
        return envelope

    def check(self, topic: str, envelope: Envelope) -> None:
        contract = self.registry.for_topic(topic)
        name, _, version = envelope.contract.partition("@")
        if name != contract.metadata.name:
            raise ContractViolation(
                envelope.contract, "$.contract", "contract", f"topic {topic} carries {contract.id}"
            )
        if envelope.type != contract.metadata.event_type:
            raise ContractViolation(
                envelope.contract,
                "$.type",
                "type",
                f"expected '{contract.metadata.event_type}', got '{envelope.type}'",
            )
        if re.fullmatch(r"[0-9]+", version) is None:  # not isdigit(): "²" is a digit int() refuses
            raise ContractViolation(
                envelope.contract, "$.contract", "version", f"version '{version}' is not a number"
            )
        contract.validate(envelope.payload, int(version))
