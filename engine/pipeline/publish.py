"""A plain (non-transactional) producer that only sends envelopes their topic's contract allows."""

from __future__ import annotations

from confluent_kafka import KafkaError, Message, Producer

from engine.contracts.codec import GovernedCodec
from engine.envelope import Envelope
from engine.errors import GovernorError
from engine.kafka import config
from engine.settings import Settings


class GovernedProducer:
    """For edges of the pipeline (ingest, ask, tests): validate, produce, and confirm delivery."""

    def __init__(self, settings: Settings, codec: GovernedCodec) -> None:
        self.codec = codec
        self._producer = Producer(config.producer(settings))
        self._errors: list[str] = []

    def send(self, topic: str, envelope: Envelope, key: str | None = None) -> None:
        value, encoded = self.codec.encode(topic, envelope)
        headers: list[tuple[str, str | bytes | None]] = list(encoded)
        self._producer.produce(
            topic,
            value=value,
            key=key.encode() if key else None,
            headers=headers,
            on_delivery=self._delivered,
        )
        self._producer.poll(0)

    def send_raw(self, topic: str, value: bytes | None, key: bytes | None = None) -> None:
        """Bypass the contract: only for tests and tools that must inject malformed records."""
        self._producer.produce(topic, value=value, key=key, on_delivery=self._delivered)

    def flush(self, timeout: float = 30) -> None:
        remaining = self._producer.flush(timeout)
        if remaining or self._errors:
            errors, self._errors = self._errors, []
            raise GovernorError(f"{remaining} record(s) undelivered; errors: {errors[:3]}")

    def _delivered(self, err: KafkaError | None, msg: Message) -> None:
        if err is not None:
            self._errors.append(str(err))
