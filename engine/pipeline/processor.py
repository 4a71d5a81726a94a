"""The exactly-once loop every stage and gate runs: consume a batch, handle it, and commit the
produced records together with the consumer offsets in one Kafka transaction.

A batch either commits whole (outputs visible to read_committed readers, offsets advanced) or
aborts whole (the consumer is rewound and the batch is handled again). A handler that raises (an
outage: a model, a store or OPA cannot answer) blocks the stage: the batch is rewound and retried with
backoff, never turned into an outcome. A transaction that keeps failing ends the loop after a bound,
and a fenced or fatal error at once, so a supervisor restarts the member and a zombie writes nothing.
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
from engine.errors import GovernorError
from engine.kafka import access, config
from engine.pipeline import membership
from engine.pipeline.lag import LagReporter
from engine.pipeline.records import Output, Record
from engine.settings import Settings

log = logging.getLogger(__name__)
INITIAL_BACKOFF_SECONDS = 0.5
# A stage blocked on an outage probes again at least this often, so it resumes soon after the fix.
MAX_BACKOFF_SECONDS = 5.0
# Transactions that fail this many times in a row are not transient (an ACL refusing a topic, a record
# too large): the member exits naming the cause instead of re-running its handler forever.
MAX_FAILED_TRANSACTIONS = 6
SESSION_TIMEOUT_MS = 15000
COMMITTED_ATTEMPTS = 3


Handler = Callable[[list[Record]], list[Output]]


class BatchObserver:
    """Hooks into the loop (no-ops here): what must follow partitions and transactions, such as an audit
    chain's head or a benchmark's clock, observes them instead of wrapping the handler."""

    def assigned(self, partitions: list[TopicPartition]) -> None:
        """Partitions were assigned to this member (before any of their records is handled); each carries
        its committed offset and the metadata committed with it."""

    def handling(self, records: list[Record]) -> None:
        """A batch is about to be handled."""

    def offset_metadata(self, topic: str, partition: int) -> str | None:
        """Metadata to commit with this partition's offset in the batch's transaction (None: none)."""
        return None

    def committed(self, records: list[Record]) -> None:
        """The batch's transaction committed: its outputs are visible and its offsets advanced."""

    def aborted(self, records: list[Record]) -> None:
        """The batch was undone and will be handled again."""


class TransactionFailing(GovernorError):
    """Transactions kept failing with an error Kafka does not call fatal; the member exits."""


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
        self.instance = instance = settings.transactional_id(stage)
        # Static membership under the same id as the transactional producer: a restarted member takes
        # its predecessor's place at once instead of waiting out the session timeout. A live member
        # holding the id is refused here, before init_transactions would fence it.
        access.check_login(settings)  # a refused login is named now, not a timeout 30 s later
        membership.claim(settings, self.group, instance, SESSION_TIMEOUT_MS / 1000)
        member = {"group.instance.id": instance, "session.timeout.ms": SESSION_TIMEOUT_MS}
        lag = LagReporter(self.group).consumer_settings()
        self.consumer = Consumer(
            config.consumer(settings, self.group, **{**member, **lag, **(consumer_overrides or {})})
        )
        self.producer = Producer(config.transactional_producer(settings, instance))
        try:
            self.producer.init_transactions(30)
        except KafkaException as exc:
            raise access.refusal(settings, exc.args[0], instance, "WRITE") or exc from None
        metrics.prime_stage(stage, gate=stage if stage in ("admission", "release") else None)
        # Metric children looked up once, not per message.
        self._consumed = _children(lambda topic: metrics.MESSAGES_IN.labels(stage, topic))
        self._produced = _children(lambda topic: metrics.MESSAGES_OUT.labels(stage, topic))
        self._transactions = _children(lambda outcome: metrics.TRANSACTIONS.labels(stage, outcome))
        self._in_flight = metrics.IN_FLIGHT.labels(stage)
        self._blocked = metrics.STAGE_BLOCKED.labels(stage)
        self._blocked_seconds = metrics.STAGE_BLOCKED_SECONDS.labels(stage)
        self._backoff = INITIAL_BACKOFF_SECONDS
        self._failed_transactions = 0
        self._open = False
        self._stop = threading.Event()
        self.committed_batches = 0

    def run(self, stop: threading.Event | None = None, idle_exit_seconds: float | None = None) -> None:
        """Process until ``stop`` is set (or nothing arrives for idle_exit_seconds)."""
        self._stop = stop or threading.Event()
        self.consumer.subscribe(self.topics, on_assign=self._assigned)
        idle_since = time.monotonic()
        try:
            while not self._stop.is_set():
                if self.process_batch():
                    idle_since = time.monotonic()
                elif idle_exit_seconds is not None and time.monotonic() - idle_since > idle_exit_seconds:
                    return
        finally:
            self.close()

    def close(self) -> None:
        """Abort a transaction left open (an error mid-commit), leave the group, deliver what is queued."""
        if self._open:
            with contextlib.suppress(KafkaException):
                self.producer.abort_transaction(10)
            self._open = False
        with contextlib.suppress(RuntimeError):  # already closed
            self.consumer.close()
            membership.release(self.group, self.instance)
        with contextlib.suppress(KafkaException):  # a fenced producer has nothing left to deliver
            self.producer.flush(10)

    def _assigned(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        log.info("stage=%s assigned=%s", self.stage, [(p.topic, p.partition) for p in partitions])
        committed = self._committed(partitions) if partitions else []
        for observer in self.observers:
            observer.assigned(committed)

    def _committed(self, partitions: list[TopicPartition]) -> list[TopicPartition]:
        """The committed offsets (and their metadata) of newly assigned partitions: one broker call."""
        for attempt in range(1, COMMITTED_ATTEMPTS + 1):
            try:
                return list(self.consumer.committed(partitions, timeout=10))
            except KafkaException as exc:
                if attempt == COMMITTED_ATTEMPTS:
                    raise GovernorError(
                        f"stage {self.stage}: could not read the committed offsets of "
                        f"{[(p.topic, p.partition) for p in partitions]}: {exc.args[0].str()}"
                    ) from exc
                time.sleep(attempt)
        raise AssertionError("unreachable")

    def process_batch(self) -> int:
        """Consume and handle one batch; returns how many input messages were committed."""
        messages = self._consume()
        if not messages:
            return 0
        for topic, n in Counter(msg.topic for msg in messages).items():  # one metric call per topic
            self._consumed[topic].inc(n)
        self._in_flight.set(len(messages))
        started = time.perf_counter()
        for observer in self.observers:
            observer.handling(messages)
        try:
            outputs = self.handler(messages)
        except Exception as exc:
            # Handlers dead-letter what is wrong with a message; what escapes is an outage (a model, a store
            # or OPA cannot answer): rewind, back off, and handle the batch again; never an outcome.
            self._wait_out(messages, exc)
            return 0
        self._blocked.set(0)
        self._backoff = INITIAL_BACKOFF_SECONDS
        try:
            self._commit(messages, outputs)
        except KafkaException as exc:
            self._transaction_failed(messages, outputs, exc)
            return 0
        # The transaction is committed: nothing below may abort it or produce the batch again.
        self._failed_transactions = 0
        self._transactions["committed"].inc()
        for observer in self.observers:
            observer.committed(messages)
        metrics.STAGE_LATENCY.labels(self.stage).observe(time.perf_counter() - started)
        metrics.BATCH_SIZE.labels(self.stage).observe(len(messages))
        self._in_flight.set(0)
        self.committed_batches += 1
        return len(messages)

    def _wait_out(self, messages: list[Record], exc: Exception) -> None:
        log.warning(
            "stage=%s blocked, batch of %d rewound, retrying in %.1fs: %s: %s",
            self.stage, len(messages), self._backoff, type(exc).__name__, exc,
        )  # fmt: skip
        log.debug("stage=%s handler error", self.stage, exc_info=exc)
        self._blocked.set(1)
        self._abort(messages, transaction_open=False)
        self._sleep(self._backoff)
        self._backoff = min(self._backoff * 2, MAX_BACKOFF_SECONDS)

    def _transaction_failed(self, messages: list[Record], outputs: list[Output], exc: KafkaException) -> None:
        err = exc.args[0]
        denied = access.refusal(self.settings, err, access.topics_named(o.topic for o in outputs), "WRITE")
        if denied is not None:  # an ACL will not change by retrying: exit now, naming what was refused
            self._abort(messages)
            raise denied from None
        if err.fatal() or err.code() in (KafkaError._FENCED, KafkaError.PRODUCER_FENCED):
            self._transactions["fatal"].inc()
            raise exc
        self._failed_transactions += 1
        self._abort(messages)
        if self._failed_transactions >= MAX_FAILED_TRANSACTIONS:
            raise TransactionFailing(
                f"stage {self.stage}: {self._failed_transactions} transactions in a row failed, the last "
                f"with {err.name()}: {err.str()}; exiting so a supervisor restarts the stage"
            ) from exc
        backoff = min(INITIAL_BACKOFF_SECONDS * 2 ** (self._failed_transactions - 1), MAX_BACKOFF_SECONDS)
        log.warning(
            "stage=%s transaction failed (%d in a row), batch handled again in %.1fs: %s",
            self.stage, self._failed_transactions, backoff, err,
        )  # fmt: skip
        self._sleep(backoff)

    def _sleep(self, seconds: float) -> None:
        """Back off, but wake for a stop; blocked time is counted so dashboards show the stage waiting."""
        started = time.monotonic()
        self._stop.wait(seconds)
        self._blocked_seconds.inc(time.monotonic() - started)

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
            elif (denied := access.refusal(self.settings, err, self._resource(err))) is not None:
                raise denied
            else:
                log.warning("stage=%s consumer error: %s", self.stage, err)
        return good

    def _resource(self, err: KafkaError) -> str:
        """What a consumer's authorization error was about: its group, else its topics."""
        if err.code() == KafkaError.GROUP_AUTHORIZATION_FAILED:
            return self.group
        return access.topics_named(self.topics)

    def _commit(self, messages: list[Record], outputs: list[Output]) -> None:
        self.producer.begin_transaction()
        self._open = True
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
        offsets, group = self._next_offsets(messages), self.consumer.consumer_group_metadata()
        _resumed(lambda: self.producer.send_offsets_to_transaction(offsets, group, 30))
        _resumed(lambda: self.producer.commit_transaction(60))
        self._open = False

    def _next_offsets(self, messages: list[Record]) -> list[TopicPartition]:
        """The offsets to commit, each with what observers keep beside it (an audit chain's head)."""
        latest: dict[tuple[str, int], int] = {}
        for msg in messages:
            key = (msg.topic, msg.partition)
            latest[key] = max(latest.get(key, -1), msg.offset)
        offsets = []
        for (topic, partition), offset in latest.items():
            metadata = next(
                (m for o in self.observers if (m := o.offset_metadata(topic, partition)) is not None), None
            )
            if metadata is None:
                offsets.append(TopicPartition(topic, partition, offset + 1))
            else:
                offsets.append(TopicPartition(topic, partition, offset + 1, metadata=metadata))
        return offsets

    def _abort(self, messages: list[Record], transaction_open: bool = True) -> None:
        """Undo a failed batch: abort its transaction (if one was begun) and seek back so it is handled
        again."""
        self._transactions["aborted"].inc()
        for observer in self.observers:
            observer.aborted(messages)
        if transaction_open and self._open:
            try:
                _resumed(lambda: self.producer.abort_transaction(30))
            except KafkaException as exc:
                if exc.args[0].fatal():
                    raise
            self._open = False
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


def _resumed(call: Callable[[], None]) -> None:
    """Run a transactional call, calling it again while librdkafka says it may be retried.

    A call that times out (its coordinator moving after a broker died) goes on in the background; calling
    it again resumes it. Aborting instead starts over work about to finish, and the abort itself waits for
    the same coordinator: under load each such round took a minute and the member fell minutes behind.
    An abortable or fatal error is not retriable and goes to the caller as before."""
    for attempt in range(1, MAX_FAILED_TRANSACTIONS + 1):
        try:
            call()
            return
        except KafkaException as exc:
            if not exc.args[0].retriable() or attempt == MAX_FAILED_TRANSACTIONS:
                raise
            log.info("transactional call resumed after %s (attempt %d)", exc.args[0].name(), attempt)


class _children(dict[str, Any]):
    """Metric children by label value, created on first use."""

    def __init__(self, make: Callable[[str], Any]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: str) -> Any:
        self[key] = child = self._make(key)
        return child
