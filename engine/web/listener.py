"""One background consumer per web instance (read_committed, no group, no commits): reads the two topics the
web-app principal may read, answers.approved and requests.status (see outcomes.py), from `lookback`
seconds ago and fills the event hub with the events of web requests.

Starting from a timestamp rather than committed offsets is what lets a second instance, or a restarted
one, serve any request submitted within the lookback window: no state passes between instances.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

from confluent_kafka import OFFSET_END, Consumer, KafkaException, TopicPartition

from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import EnvelopeError
from engine.errors import ContractViolation, GovernorError
from engine.kafka import config
from engine.settings import Settings
from engine.web import outcomes, trust
from engine.web.events import EventHub
from engine.web.request_ids import looks_like_request_id

log = logging.getLogger(__name__)
Headers = list[tuple[str, bytes]]


class OutcomeListener:
    """Turns committed outcome records into stream events; `start()` runs it on a daemon thread."""

    def __init__(self, settings: Settings, hub: EventHub, lookback_seconds: float = 900.0) -> None:
        self.hub, self.lookback_seconds = hub, lookback_seconds
        self._settings = settings
        self._mappers = outcomes.mappers(settings.topics, trust.release_verifier(settings))
        self._codec = GovernedCodec(ContractRegistry.load(settings.contracts_dir, settings.topics))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.assigned = threading.Event()
        self.last_poll = 0.0
        self.problem: str | None = None
        self.skipped = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="web-outcomes", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)

    def healthy(self, max_silence: float = 5.0) -> bool:
        alive = self._thread is not None and self._thread.is_alive()
        return alive and self.assigned.is_set() and time.monotonic() - self.last_poll < max_silence

    def take(self, topic: str, value: bytes | None, headers: Headers) -> bool:
        """Publish the events of one record if it belongs to a web request; False when skipped."""
        mapper = self._mappers.get(topic)
        if mapper is None or value is None:
            return False
        try:
            envelope = self._codec.decode(topic, value)
        except (EnvelopeError, ContractViolation):
            self.skipped += 1  # not ours to dead-letter: the stage that wrote it answers for it
            return False
        if not looks_like_request_id(envelope.trace.trace_id):
            return False
        try:
            events = mapper(envelope, value, headers)
        except (KeyError, TypeError) as exc:  # a contract allows what a mapper did not expect
            log.warning("web outcome skipped topic=%s error=%s", topic, type(exc).__name__)
            self.skipped += 1
            return False
        if not events:
            return False
        self.hub.publish(envelope.trace.trace_id, events)
        return True

    def _run(self) -> None:
        # Never joins (assign() only), but named under the groups the web-app principal may use.
        group = f"{self._settings.group(trust.APP_PRINCIPAL)}.listener.{uuid.uuid4().hex[:8]}"
        consumer = Consumer(config.consumer(self._settings, group))
        try:
            while not self._stop.is_set() and not self.assigned.is_set():
                try:
                    consumer.assign(self._start_positions(consumer))
                    self.assigned.set()
                except (KafkaException, GovernorError) as exc:
                    self.problem = f"cannot assign the outcome topics: {exc}"
                    log.warning("web listener %s", self.problem)
                    self._stop.wait(1.0)
            self.problem = None
            while not self._stop.is_set():
                batch = consumer.consume(500, 0.2)
                self.last_poll = time.monotonic()
                for msg in batch:
                    if msg.error():
                        continue
                    self.take(msg.topic() or "", msg.value(), _headers(msg.headers()))
        finally:
            consumer.close()

    def _start_positions(self, consumer: Consumer) -> list[TopicPartition]:
        since_ms = int((time.time() - self.lookback_seconds) * 1000)
        wanted: list[TopicPartition] = []
        for topic in self._mappers:
            meta = consumer.list_topics(topic, timeout=10).topics.get(topic)
            if meta is None or meta.error is not None or not meta.partitions:
                raise GovernorError(f"topic {topic} does not exist (provision the contracts)")
            wanted += [TopicPartition(topic, p, since_ms) for p in meta.partitions]
        found = consumer.offsets_for_times(wanted, timeout=10)
        # No record at or after the timestamp: start at the end, for records still to come.
        return [
            TopicPartition(tp.topic, tp.partition, tp.offset if tp.offset >= 0 else OFFSET_END)
            for tp in found
        ]


def _headers(raw: object) -> Headers:
    pairs = raw.items() if isinstance(raw, dict) else raw if isinstance(raw, list) else []
    return [(k, v) for k, v in pairs if isinstance(k, str) and isinstance(v, bytes)]
