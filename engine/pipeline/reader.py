"""The one way Governor reads a range of a topic: committed records (read_committed) from chosen offsets,
up to the end that existed when reading started, or on and on when following."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Literal

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition

from engine.errors import GovernorError
from engine.kafka import access, config
from engine.pipeline.records import Record
from engine.settings import Settings

Start = Literal["beginning", "end"] | Mapping[tuple[str, int], int]
# What a broker answers while leadership of a new or moved partition propagates.
_METADATA_LAG = (
    KafkaError.NOT_LEADER_FOR_PARTITION,
    KafkaError.LEADER_NOT_AVAILABLE,
    KafkaError.UNKNOWN_TOPIC_OR_PART,
)


class RangeUnreadable(GovernorError):
    """The range could not be read up to its end in time (an open transaction or a slow broker)."""


class TopicReader:
    """Reads topics by assignment (no group membership, nothing committed): audit verification and
    recovery, clients waiting for their answers, benchmarks."""

    def __init__(self, settings: Settings, purpose: str) -> None:
        group = f"{settings.group_prefix}.{purpose}.{uuid.uuid4().hex[:8]}"
        self._settings = settings
        self._consumer = Consumer(config.consumer(settings, group))
        self._starts: dict[tuple[str, int], int] = {}
        self._ends: dict[tuple[str, int], int] = {}

    def __enter__(self) -> TopicReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._consumer.close()

    def partitions(self, topic: str) -> list[int]:
        return sorted(self._consumer.list_topics(topic, timeout=10).topics[topic].partitions)

    def assign(
        self, topics: Sequence[str], start: Start = "beginning", partitions: Sequence[int] | None = None
    ) -> None:
        """Read `topics` (or only `partitions` of them) from `start`; the end is each partition's high
        watermark now, or the mapping's bound for the partitions it names."""
        assignment = []
        self._starts, self._ends = {}, {}
        for topic in topics:
            for p in partitions if partitions is not None else self.partitions(topic):
                low, high = self.bounds(topic, p)
                if start == "beginning":
                    offset = low
                elif start == "end":
                    offset = high
                else:
                    offset = start.get((topic, p), low)
                self._starts[(topic, p)], self._ends[(topic, p)] = offset, high
                assignment.append(TopicPartition(topic, p, offset))
        self._consumer.assign(assignment)

    def bounds(self, topic: str, partition: int) -> tuple[int, int]:
        """The partition's low and high watermarks now. Right after a topic is created or its leader
        moves, a broker may answer NOT_LEADER until metadata catches up: retriable errors are retried."""
        deadline = time.monotonic() + 30
        while True:
            try:
                low, high = self._consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
                return int(low), int(high)
            except KafkaException as exc:
                error = exc.args[0]
                passing = error.code() in _METADATA_LAG or error.retriable()
                if not passing or time.monotonic() > deadline:
                    raise access.refusal(self._settings, error, topic) or exc from None
                time.sleep(0.2)

    def bound(self, topic: str, partition: int, end: int) -> None:
        """Stop reading this partition at `end` (exclusive) instead of its watermark."""
        self._ends[(topic, partition)] = end

    def poll(self, timeout: float = 0.2, max_records: int = 500) -> list[Record]:
        """Whatever arrived within `timeout`: for readers that wait for new records."""
        return [Record.of(m) for m in self._consumer.consume(max_records, timeout) if not m.error()]

    def at_end(self) -> bool:
        """Every assigned partition was read up to its end. Positions pass aborted records and transaction
        markers too, so reaching the end means the whole range was read."""
        open_ = [k for k, end in self._ends.items() if self._starts[k] < end]  # empty ranges are read
        positions = self._consumer.position([TopicPartition(t, p) for t, p in open_])
        return all(tp.offset >= self._ends[(tp.topic, tp.partition)] for tp in positions)

    def to_end(self, idle_seconds: float | None = None, timeout: float | None = None) -> Iterator[Record]:
        """Every committed record up to the end. An open transaction holds read_committed readers back:
        `idle_seconds` stops after that long without a record (what remains is not committed yet);
        `timeout` refuses with RangeUnreadable instead."""
        started = last_seen = time.monotonic()
        while not self.at_end():
            if timeout is not None and time.monotonic() - started > timeout:
                raise RangeUnreadable(f"could not read {sorted(self._ends)} to the end in {timeout:.0f}s")
            records = self.poll(0.5)
            for record in records:
                if record.offset < self._ends.get((record.topic, record.partition), 0):
                    yield record
            if records:
                last_seen = time.monotonic()
            elif idle_seconds is not None and time.monotonic() - last_seen > idle_seconds:
                return

    def follow(self) -> Iterator[Record]:
        """Every committed record from the assigned start on, waiting for new ones without end."""
        while True:
            yield from self.poll(0.5)
