"""Forwards records from one topic to another in transactions, optionally through the contract check.

It is the baseline `governor bench gate` measures the release gate against (same broker, same
transactional loop, no gate), and the simplest stage to test exactly-once delivery with.
"""

from __future__ import annotations

from engine.contracts.codec import GovernedCodec
from engine.envelope import EnvelopeError
from engine.errors import ContractViolation
from engine.gates.dead_letter import dead_letter
from engine.kafka.processor import Output, TransactionalProcessor
from engine.kafka.record import Record
from engine.settings import Settings


class PassThrough:
    """Handler: copy each record to `target`; with a codec, DLQ what breaks its contract."""

    def __init__(self, target: str, codec: GovernedCodec | None = None, dlq_topic: str = "") -> None:
        self.target, self.codec, self.dlq_topic = target, codec, dlq_topic

    def handle(self, messages: list[Record]) -> list[Output]:
        outputs = []
        for msg in messages:
            if self.codec is not None:
                try:
                    self.codec.decode(msg.topic, msg.value)
                except (EnvelopeError, ContractViolation) as exc:
                    outputs.append(dead_letter(self.codec, self.dlq_topic, "passthrough", msg, exc))
                    continue
            outputs.append(Output(self.target, msg.value or b"", msg.key, msg.headers))
        return outputs


def build_processor(
    settings: Settings,
    source: str,
    target: str,
    codec: GovernedCodec | None = None,
    stage: str = "passthrough",
) -> TransactionalProcessor:
    handler = PassThrough(target, codec, settings.topics.dlq)
    return TransactionalProcessor(settings, stage, [source], handler.handle)
