"""Puts a user's question on prompts.requested, under the web app's principal, for the user's tenant."""

from __future__ import annotations

import threading
from typing import Protocol

from confluent_kafka import KafkaError, Message, Producer

from engine.contracts.codec import GovernedCodec
from engine.envelope import Envelope, Trace
from engine.errors import GovernorError
from engine.kafka import config
from engine.settings import Settings
from engine.web import trust
from engine.web.users import User

CHANNEL = "web"


class SubmitError(GovernorError):
    """Kafka did not confirm the prompt; nothing was asked."""


class Submitter(Protocol):
    def submit(self, request_id: str, user: User, question: str) -> None: ...


def prompt_envelope(request_id: str, user: User, question: str) -> Envelope:
    """The request id is the envelope id (a retry with the same idempotency key repeats it) and the trace
    id (every outcome carries it). The tenant is the user's, from the users file."""
    return Envelope(
        type="prompt.requested",
        contract="prompts.requested@1",
        tenant=user.tenant,
        payload={"question": question, "user": user.name, "channel": CHANNEL},
        id=request_id,
        trace=Trace(request_id),
    )


class KafkaSubmitter:
    """Produces and waits for the broker's acknowledgement (blocking: call it from a worker thread)."""

    def __init__(self, settings: Settings, codec: GovernedCodec, timeout: float = 15.0) -> None:
        self._producer = Producer(config.producer(settings))
        self._codec, self._timeout = codec, timeout
        self._topic = settings.topics.prompts_requested
        self._key = trust.request_key(settings)

    def submit(self, request_id: str, user: User, question: str) -> None:
        envelope = prompt_envelope(request_id, user, question)
        value, headers = self._codec.encode(self._topic, envelope)
        done = threading.Event()
        failure: list[str] = []

        def delivered(err: KafkaError | None, msg: Message) -> None:
            if err is not None:
                failure.append(err.str())
            done.set()

        all_headers: list[tuple[str, str | bytes | None]] = [
            *headers,
            *trust.request_headers(value, self._key),
        ]
        self._producer.produce(
            self._topic, value, key=request_id.encode(), headers=all_headers, on_delivery=delivered
        )
        waited = 0.0
        while not done.is_set() and waited < self._timeout:
            self._producer.poll(0.05)  # serves whichever delivery callbacks are due, ours included
            waited += 0.05
        if not done.is_set():
            raise SubmitError(f"Kafka did not acknowledge the prompt within {self._timeout:.0f}s")
        if failure:
            raise SubmitError(f"Kafka refused the prompt: {failure[0]}")

    def close(self) -> None:
        self._producer.flush(5)
