"""The stage-handler base every stage and gate is built on.

The base decodes each record with its topic's contract, hands the readable ones to the stage's own
``process``, encodes what the stage emits with the target topic's contract, and dead-letters what
breaks on the way (undecodable input, a message's own failure, an output its contract refuses).
A stage writes only its logic; hooks let a gate add its audit record beside each outcome. A handler given
a status channel also reports each message's step there (the status its ``process`` returns, or `error`
with the reason code for a dead letter of a readable event), in the same transaction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

from engine.contracts.codec import GovernedCodec
from engine.envelope import Envelope, EnvelopeError
from engine.errors import ContractViolation, GovernorError
from engine.pipeline.dead_letter import dead_letter, reason_for
from engine.pipeline.processor import BatchObserver
from engine.pipeline.records import Output, Record
from engine.pipeline.status import Status, StatusChannel


class UnreadableRecord(GovernorError):
    """A record a stage's own `decode` cannot read (dead-lettered with the subclass's code)."""

    code = "record.unreadable"


@dataclass(frozen=True)
class Inbound:
    """A consumed record and the envelope its contract let through."""

    record: Record
    envelope: Envelope


@dataclass(frozen=True)
class Emit:
    """An event to publish on ``topic``, keyed by its trace unless a key is given."""

    topic: str
    event: Envelope
    key: bytes | None = None


@dataclass(frozen=True)
class Result:
    """What a stage made of one inbound message: events to emit, or the message's own failure (which is
    dead-lettered). ``status`` is the step to report on the status channel; ``context`` travels to the
    hooks (a gate's verdict)."""

    emits: Sequence[Emit] = ()
    error: Exception | None = None
    status: Status | None = None
    context: object = None


@dataclass
class StageHandler(ABC):
    """Decode -> ``process`` -> encode -> outputs, with dead letters for what breaks."""

    stage: str
    codec: GovernedCodec
    dlq_topic: str
    observers: list[BatchObserver] = field(default_factory=list, kw_only=True)
    status: StatusChannel | None = field(default=None, kw_only=True)

    @abstractmethod
    def process(self, batch: list[Inbound]) -> list[Result]:
        """The stage's own logic: one Result per inbound message, in order. Errors outside one message (a
        model or store unreachable) are raised: the processor rewinds the batch and retries it."""

    def handle(self, records: list[Record]) -> list[Output]:
        """What the transactional processor calls for each batch."""
        outputs: list[Output] = []
        readable: list[Inbound] = []
        for record in records:
            try:
                envelope = self.decode(record)
            except (EnvelopeError, ContractViolation, UnreadableRecord) as exc:
                outputs.extend(self.dead_lettered(record, None, exc, None))
                continue
            if envelope is not None:
                readable.append(Inbound(record, envelope))
        for item, result in zip(readable, self.process(readable), strict=True):
            outputs.extend(self._outputs(item, result))
        return outputs

    def decode(self, record: Record) -> Envelope | None:
        """The record's envelope, checked against its topic's contract; None skips a record that carries
        nothing to handle. Stages reading records that are not envelopes (change events) override it."""
        return self.codec.decode(record.topic, record.value)

    def _outputs(self, item: Inbound, result: Result) -> list[Output]:
        if result.error is not None:
            return self.dead_lettered(item.record, item.envelope, result.error, result.context)
        encoded: list[Output] = []
        try:
            for emit in result.emits:
                value, headers = self.codec.encode(emit.topic, emit.event)
                key = emit.key if emit.key is not None else emit.event.trace.trace_id.encode()
                encoded.append(Output(emit.topic, value, key, headers))
            if self.status is not None and result.status is not None:
                encoded.append(self.status.output(item.envelope, result.status))
        except ContractViolation as exc:  # e.g. redaction made a text longer than its contract allows
            return self.dead_lettered(item.record, item.envelope, exc, result.context)
        return [*encoded, *self.emitted(item, result)]

    def dead_lettered(
        self, record: Record, envelope: Envelope | None, error: Exception, context: object
    ) -> list[Output]:
        """The dead letter for a record (with its trace when it was readable) and, for a readable one, its
        `error` status (the reason code only); gates add an audit record."""
        letter = dead_letter(self.codec, self.dlq_topic, self.stage, record, error, envelope)
        if self.status is None or envelope is None:
            return [letter]
        return [letter, self.status.failed(envelope, reason_for(error))]

    def emitted(self, item: Inbound, result: Result) -> list[Output]:
        """Outputs beside a message's emitted events (none by default; gates add an audit record)."""
        return []
