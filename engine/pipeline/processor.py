"""The exactly-once loop every stage and gate runs: consume a batch, handle it, and commit the
produced records together with the consumer offsets in one Kafka transaction.

A batch either commits whole (outputs visible to read_committed readers, offsets advanced) or
aborts whole (the consumer is rewound and the batch is handled again). A fenced or fatal error
ends the loop with an exception, so a zombie member stops instead of writing duplicates.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition

from engine import metrics
from engine.kafka import config
from engine.pipeline.records import Output, Record
from engine.settings import Settings

log = logging.getLogger(__name__)
INITIAL_BACKOFF_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 30.0


Handler = Callable[[list[Record]], list[Output]]


class BatchObserver:
    """Hooks into the loop (no-ops here): what must follow partitions and transactions, such as an audit
    chain's head or a benchmark's clock, observes them instead of wrapping the handler."""

    def assigned(self, partitions: list[TopicPartition]) -> None:
        """Partitions were assigned to this member (before any of their records is handled)."""

    def handling(self, records: list[Record]) -> None:
        """A batch is about to be handled."""

    def committed(self, records: list[Record]) -> None:
        """The batch's transaction committed: its outputs are visible and its offsets advanced."""

    def aborted(self, records: list[Record]) -> None:
        """The batch was undone and will be handled again."""


class TransactionalProcessor:
    """Runs ``handler`` over batches from ``topics`` with exactly-once delivery of its outputs."""

    def __init__(
        self,
        settings: Settings,
        stage: str,
        topics: Sequence[str],
        handler: Handler,
        observers: Sequence[BatchObserver] = (),
        consumer_overrides: dict[str, object] | None = None,
    ) -> None:
        self.settings, self.stage, self.topics, self.handler = settings, stage, list(topics), handler
        self.observers = list(observers)
        self.group = settings.group(stage)
        # Static membership under the same id as the transactional producer: a restarted member takes
        # its predecessor's place at once instead of waiting out the session timeout.
        member = {"group.instance.id": settings.transactional_id(stage), "session.timeout.ms": 15000}
        self.consumer = Consumer(
            config.consumer(settings, self.group, **{**member, **(consumer_overrides or {})})
        )
        self.producer = Producer(config.transactional_producer(settings, settings.transactional_id(stage)))
        self.producer.init_transactions(30)
        metrics.prime_stage(stage, gate=stage if stage in ("admission", "release") else None)
        # Metric children looked up once, not per message.
        self._consumed = _children(lambda topic: metrics.MESSAGES_IN.labels(stage, topic))
        self._produced = _children(lambda topic: metrics.MESSAGES_OUT.labels(stage, topic))
        self._transactions = _children(lambda outcome: metrics.TRANSACTIONS.labels(stage, outcome))
        self._in_flight = metrics.IN_FLIGHT.labels(stage)
        self._last_lag_check = 0.0
        self._backoff = INITIAL_BACKOFF_SECONDS
        self.committed_batches = 0

    def run(self, stop: threading.Event | None = None, idle_exit_seconds: float | None = None) -> None:
        """Process until ``stop`` is set (or nothing arrives for idle_exit_seconds)."""
        stop = stop or threading.Event()
        self.consumer.subscribe(self.topics, on_assign=self._assigned)
        idle_since = time.monotonic()
        try:
            while not stop.is_set():
                if self.process_batch():
                    idle_since = time.monotonic()
                elif idle_exit_seconds is not None and time.monotonic() - idle_since > idle_exit_seconds:
                    return
        finally:
            self.close()

    def close(self) -> None:
        with contextlib.suppress(RuntimeError):  # already closed
            self.consumer.close()
        with contextlib.suppress(KafkaException):  # a fenced producer has nothing left to deliver
            self.producer.flush(10)

    def _assigned(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        log.info("stage=%s assigned=%s", self.stage, [(p.topic, p.partition) for p in partitions])
        for observer in self.observers:
            observer.assigned(partitions)

    def process_batch(self) -> int:
        """Consume and handle one batch; returns how many input messages were committed."""
        messages = self._consume()
        if not messages:
            self._report_lag()
            return 0
        for topic, n in Counter(msg.topic for msg in messages).items():  # one metric call per topic
            self._consumed[topic].inc(n)
        self._in_flight.set(len(messages))
        started = time.perf_counter()
        for observer in self.observers:
            observer.handling(messages)
        try:
            outputs = self.handler(messages)
        except Exception:
            # Handlers dead-letter what is wrong with a message; what escapes is infrastructure (a model
            # or store unreachable): rewind, back off, and handle the batch again instead of dying on it.
            log.exception("stage=%s batch failed, retrying in %.1fs", self.stage, self._backoff)
            self._abort(messages, transaction_open=False)
            time.sleep(self._backoff)
            self._backoff = min(self._backoff * 2, MAX_BACKOFF_SECONDS)
            return 0
        self._backoff = INITIAL_BACKOFF_SECONDS
        try:
            self._commit(messages, outputs)
        except KafkaException as exc:
            err = exc.args[0]
            if err.fatal() or err.code() in (KafkaError._FENCED, KafkaError.PRODUCER_FENCED):
                self._transactions["fatal"].inc()
                raise
            log.warning("stage=%s transaction failed, batch will be handled again: %s", self.stage, err)
            self._abort(messages)
            return 0
        metrics.STAGE_LATENCY.labels(self.stage).observe(time.perf_counter() - started)
        metrics.BATCH_SIZE.labels(self.stage).observe(len(messages))
        self._in_flight.set(0)
        self.committed_batches += 1
        self._report_lag()
        return len(messages)

    def _consume(self) -> list[Record]:
        """Wait for the first record, then drain what has already arrived, up to the batch's count and time
        bounds: a backlog fills a transaction at once instead of each batch waiting out a timeout."""
        most, linger = self.settings.batch_size, self.settings.batch_linger_seconds
        batch = self.consumer.consume(1, self.settings.batch_timeout_seconds)
        deadline = time.monotonic() + linger
        while batch and len(batch) < most and time.monotonic() < deadline:
            more = self.consumer.consume(most - len(batch), 0)
            if not more:
                break
            batch.extend(more)
        good = []
        for msg in batch:
            err = msg.error()
            if err is None:
                good.append(Record.of(msg))
            elif err.fatal():
                raise KafkaException(err)
            else:
                log.warning("stage=%s consumer error: %s", self.stage, err)
        return good

    def _commit(self, messages: list[Record], outputs: list[Output]) -> None:
        self.producer.begin_transaction()
        for out in outputs:
            headers: list[tuple[str, str | bytes | None]] = list(out.headers)
            if out.partition is None:
                self.producer.produce(out.topic, value=out.value, key=out.key, headers=headers)
            else:
                self.producer.produce(
                    out.topic, value=out.value, key=out.key, headers=headers, partition=out.partition
                )
        for topic, n in Counter(out.topic for out in outputs).items():
            self._produced[topic].inc(n)
        self.producer.send_offsets_to_transaction(
            _next_offsets(messages), self.consumer.consumer_group_metadata(), 30
        )
        self._commit_with_retry()
        self._transactions["committed"].inc()
        for observer in self.observers:
            observer.committed(messages)

    def _commit_with_retry(self) -> None:
        while True:
            try:
                self.producer.commit_transaction(60)
                return
            except KafkaException as exc:
                if exc.args[0].retriable():
                    continue
                raise

    def _abort(self, messages: list[Record], transaction_open: bool = True) -> None:
        """Undo a failed batch: abort its transaction (if one was begun) and seek back so it is handled
        again."""
        self._transactions["aborted"].inc()
        for observer in self.observers:
            observer.aborted(messages)
        if transaction_open:
            try:
                self.producer.abort_transaction(30)
            except KafkaException as exc:
                if exc.args[0].fatal():
                    raise
        self._rewind(messages)

    def _rewind(self, messages: list[Record]) -> None:
        first: dict[tuple[str, int], int] = {}
        for msg in messages:
            key = (msg.topic, msg.partition)
            first[key] = min(first.get(key, msg.offset), msg.offset)
        for (topic, partition), offset in first.items():
            # A partition revoked meanwhile raises; its new owner starts from the committed offset.
            with contextlib.suppress(KafkaException):
                self.consumer.seek(TopicPartition(topic, partition, offset))

    def _report_lag(self) -> None:
        now = time.monotonic()
        if now - self._last_lag_check < 10:
            return
        self._last_lag_check = now
        try:
            assignment = self.consumer.assignment()
            committed = self.consumer.committed(assignment, timeout=5) if assignment else []
            for tp in committed:
                _, high = self.consumer.get_watermark_offsets(tp, timeout=5)
                lag = high - tp.offset if tp.offset >= 0 else high
                metrics.CONSUMER_LAG.labels(self.group, tp.topic, str(tp.partition)).set(max(lag, 0))
        except KafkaException as exc:
            log.debug("lag check failed: %s", exc)


def _next_offsets(messages: list[Record]) -> list[TopicPartition]:
    latest: dict[tuple[str, int], int] = {}
    for msg in messages:
        key = (msg.topic, msg.partition)
        latest[key] = max(latest.get(key, -1), msg.offset)
    return [TopicPartition(t, p, off + 1) for (t, p), off in latest.items()]


class _children(dict[str, Any]):
    """Metric children by label value, created on first use."""

    def __init__(self, make: Callable[[str], Any]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: str) -> Any:
        self[key] = child = self._make(key)
        return child
