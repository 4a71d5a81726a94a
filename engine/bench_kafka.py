"""Kafka-side parts of the benchmarks: the ceiling (a minimal confluent-kafka exactly-once loop), a load
producer (all at once or at a steady rate), per-message latency and resident memory.

The ceiling is the reference every stage figure is read against: the same broker, the same messages,
the same transaction size and producer settings, and nothing but the loop.
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from confluent_kafka import Consumer, Producer, TopicPartition

from engine.kafka import config
from engine.pipeline.processor import BatchObserver
from engine.pipeline.records import Record
from engine.settings import Settings


@dataclass(frozen=True)
class RunFigures:
    """Messages handled after warm-up, over how long, and the added latency of each."""

    messages: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.messages / self.seconds

    def quantile(self, q: int) -> float:
        """The q-th percentile of added latency, in milliseconds."""
        if len(self.latencies) < 2:
            return (self.latencies or [0.0])[0] * 1000
        return statistics.quantiles(self.latencies, n=100)[q - 1] * 1000

    def latency(self) -> str:
        return f"added latency p50 {self.quantile(50):7.1f} ms   p99 {self.quantile(99):7.1f} ms"

    def line(self, name: str) -> str:
        return (
            f"{name:28} {self.throughput:9.1f} msg/s   {self.latency()}   "
            f"({self.messages} in {self.seconds:.2f}s)"
        )


class BatchClock(BatchObserver):
    """Times each batch from the start of its handling to its commit. The first transaction also finds
    coordinators: it is warm-up, not counted. With ``since_produced``, a message's latency runs from its
    record timestamp instead (what a steady producer sees: waiting for the loop included)."""

    def __init__(self, since_produced: bool = False) -> None:
        self.latencies: list[float] = []
        self.first = self.last = self._started = 0.0
        self.warmup = 0
        self.since_produced = since_produced

    def handling(self, records: list[Record]) -> None:
        self._started = time.perf_counter()

    def committed(self, records: list[Record]) -> None:
        self.last = time.perf_counter()
        if not self.first:
            self.first, self.warmup = self.last, len(records)
        elif self.since_produced:
            # perf_counter and the wall clock differ by a constant over a run: convert once per batch.
            now_ms = time.time() * 1000
            self.latencies.extend((now_ms - (r.timestamp_ms or now_ms)) / 1000 for r in records)
        else:
            self.latencies.extend([self.last - self._started] * len(records))

    def figures(self, done: int) -> RunFigures:
        return RunFigures(done - self.warmup, self.last - self.first or 1e-9, self.latencies)


@dataclass
class ResidentMemory(BatchObserver):
    """Samples the process's resident set size at every commit (Linux /proc)."""

    samples: list[tuple[int, int]] = field(default_factory=list)  # (messages so far, bytes)
    _done: int = 0

    def committed(self, records: list[Record]) -> None:
        self._done += len(records)
        self.samples.append((self._done, rss_bytes()))

    def after(self, messages: int) -> int:
        """The first sample taken once ``messages`` were committed."""
        return next((rss for done, rss in self.samples if done >= messages), self.samples[-1][1])


def rss_bytes() -> int:
    import os

    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def ceiling_run(
    settings: Settings,
    source: str,
    target: str,
    n: int,
    timeout: float = 300,
    producer_overrides: dict[str, object] | None = None,
) -> RunFigures:
    """Kafka's own exactly-once limit: poll one, drain with ``consume(n, 0)``, produce, send the offsets,
    commit; up to ``settings.batch_size`` records a transaction, the stages' producer settings (plus
    ``producer_overrides``, e.g. a compression to compare)."""
    name = f"{settings.group_prefix}.ceiling-{uuid.uuid4().hex[:4]}"
    consumer = Consumer(config.consumer(settings, name))
    producer = Producer(
        {**config.transactional_producer(settings, f"{name}-0"), **(producer_overrides or {})}
    )
    producer.init_transactions(30)
    consumer.subscribe([source])
    most, latencies = settings.batch_size, []
    first = last = 0.0
    done = warmup = 0
    deadline = time.monotonic() + timeout
    try:
        while done < n and time.monotonic() < deadline:
            msg = consumer.poll(settings.batch_timeout_seconds)
            if msg is None or msg.error():
                continue
            batch = [msg]
            while len(batch) < most:
                more = consumer.consume(most - len(batch), 0)
                if not more:
                    break
                batch.extend(more)
            started = time.perf_counter()
            producer.begin_transaction()
            offsets: dict[int, int] = {}
            for m in batch:
                producer.produce(target, m.value(), m.key())
                offsets[m.partition() or 0] = (m.offset() or 0) + 1
            producer.send_offsets_to_transaction(
                [TopicPartition(source, p, o) for p, o in offsets.items()],
                consumer.consumer_group_metadata(),
                30,
            )
            producer.commit_transaction(60)
            last = time.perf_counter()
            done += len(batch)
            if not first:
                first, warmup = last, len(batch)
            else:
                latencies.extend([last - started] * len(batch))
    finally:
        consumer.close()
    return RunFigures(done - warmup, last - first or 1e-9, latencies)


def produce_all(settings: Settings, topics: Sequence[str], values: Iterable[tuple[bytes, bytes]]) -> int:
    """Every (key, value) to every topic, as fast as the producer takes them; returns how many values."""
    producer = Producer({**config.producer(settings), "linger.ms": 20})
    count = 0
    for key, value in values:
        for topic in topics:
            while True:
                try:
                    producer.produce(topic, value, key)
                    break
                except BufferError:  # the local queue is full: let deliveries drain it
                    producer.poll(0.05)
        producer.poll(0)
        count += 1
    producer.flush(120)
    return count


class SteadyProducer(threading.Thread):
    """Produces ``values`` to ``topic`` at ``rate`` per second, evenly spaced (a background thread)."""

    def __init__(self, settings: Settings, topic: str, values: Sequence[tuple[bytes, bytes]], rate: float):
        super().__init__(name=f"steady-{uuid.uuid4().hex[:4]}", daemon=True)
        # Ready before the first timestamp: a record produced while the feeder still connects, fetches
        # metadata or acquires an idempotent producer id is stamped before it can leave, and that wait
        # (up to 0.8 s, measured) was counted as the gate's latency. The feeder needs no idempotence.
        self.producer = Producer({**config.producer(settings), "linger.ms": 0, "enable.idempotence": False})
        self.producer.list_topics(topic, timeout=30)
        self.topic, self.values, self.rate = topic, values, rate

    def run(self) -> None:
        start = time.perf_counter()
        for i, (key, value) in enumerate(self.values):
            wait = start + i / self.rate - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            self.producer.produce(self.topic, value, key)
            self.producer.poll(0)
        self.producer.flush(60)


def run_until(process_batch: Callable[[], int], n: int, timeout: float) -> int:
    """Call ``process_batch`` until ``n`` inputs are committed or ``timeout`` passes; returns the count."""
    done, deadline = 0, time.monotonic() + timeout
    while done < n and time.monotonic() < deadline:
        done += process_batch()
    return done
