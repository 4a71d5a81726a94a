"""Outages wait instead of deciding, audit heads travel as offset metadata, lag comes from statistics, and
transactions that keep failing end the member: the parts that need no server."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from confluent_kafka import KafkaError, KafkaException, TopicPartition

from engine import app
from engine.audit.chain import ChainHead
from engine.audit.records import decision_record
from engine.audit.writer import AuditWriter, parse_head
from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.errors import InfrastructureUnavailable
from engine.kafka.access import AccessDenied
from engine.models.embeddings import EmbeddingTimeout
from engine.pipeline import processor as processor_module
from engine.pipeline.lag import lags
from engine.pipeline.processor import BatchObserver, TransactionalProcessor, TransactionFailing
from engine.pipeline.records import Output, Record
from engine.settings import Settings
from engine.validators.base import ContextPassage, Subject
from engine.validators.grounding import grounding_validator

HASH = "ab" * 32


def test_a_chain_head_travels_as_seq_colon_hash_and_garbage_reads_as_none() -> None:
    assert parse_head(f"41:{HASH}") == ChainHead(41, HASH)
    for bad in (None, "", "41", f"x:{HASH}", "41:short", f"-1:{HASH}"):
        assert parse_head(bad) is None


def _writer() -> AuditWriter:
    settings = Settings(bootstrap_servers="127.0.0.1:1")
    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    return AuditWriter(settings, GovernedCodec(registry), "release")


def _record(partition: int) -> dict[str, Any]:
    return decision_record(
        decision_id="d", gate="release", outcome="approved", reasons=[], envelope=None,
        topic="answers.draft", partition=partition, offset=0, raw_value=b"", contracts=[],
        policy_revision="r", validators={}, obligations=[], latency_ms=1.0,
    )  # fmt: skip


def test_the_audit_writer_continues_the_head_committed_with_the_offset_and_commits_its_new_head() -> None:
    writer = _writer()
    writer.assigned([TopicPartition("answers.draft", 0, 10, metadata=f"41:{HASH}"),
                     TopicPartition("answers.draft", 1, -1001)])  # fmt: skip
    assert writer.offset_metadata("answers.draft", 1) is None
    out = writer.output(_record(0), None)
    sealed = json.loads(out.value)["payload"]
    assert sealed["seq"] == 42 and sealed["prev_hash"] == HASH
    assert writer.offset_metadata("answers.draft", 0) == f"42:{sealed['hash']}"
    writer.aborted([])  # the batch is undone: its head never left the process
    assert writer.offset_metadata("answers.draft", 0) == f"41:{HASH}"
    writer.output(_record(0), None)
    writer.committed([])
    assert writer.offset_metadata("answers.draft", 0).startswith("42:")  # type: ignore[union-attr]


def test_lag_comes_from_stored_offsets_of_assigned_partitions_only() -> None:
    stats = {"topics": {"answers.draft": {"partitions": {
        "0": {"consumer_lag_stored": 0, "fetch_state": "active"},
        "1": {"consumer_lag_stored": 12, "fetch_state": "active"},
        "2": {"consumer_lag_stored": 5, "fetch_state": "none"},
        "3": {"consumer_lag_stored": -1, "consumer_lag": 0, "fetch_state": "active"},  # taken over, idle
        "4": {"consumer_lag_stored": -1, "consumer_lag": -1, "fetch_state": "active"},  # not known yet
        "-1": {"consumer_lag_stored": -1, "fetch_state": "none"},
    }}}}  # fmt: skip
    assert lags(stats) == {("answers.draft", 0): 0, ("answers.draft", 1): 12, ("answers.draft", 3): 0}


def test_an_embedding_outage_passes_through_the_validator_instead_of_becoming_a_verdict() -> None:
    def down(texts: Sequence[str]) -> Any:
        raise EmbeddingTimeout("embedding endpoint did not answer")

    validator = grounding_validator(app.outage_aware(down))
    passage = (ContextPassage("p", "The excess for water damage claims is 500 dollars."),)
    # A paraphrase: whether it is supported is the cosine's call, so the check needs the embedding.
    subject = Subject(text="Water damage claims carry an excess of 500 dollars.", context=passage)
    with pytest.raises(InfrastructureUnavailable):
        validator.check(subject)
    up = grounding_validator(app.outage_aware(lambda texts: np.ones((len(texts), 4), dtype=np.float32)))
    assert up.check(subject).error is None
    # A claim the lexical checks decide whatever the cosine (here restated word for word) needs none.
    verbatim = Subject(text="The excess for water damage claims is 500 dollars.", context=passage)
    assert validator.check(verbatim).passed


# --- the processor's commit path, on fakes (no broker)


class FakeProducer:
    def __init__(self, commit_errors: list[KafkaError], offsets_errors: Sequence[KafkaError] = ()) -> None:
        self.commit_errors, self.calls = commit_errors, []  # type: ignore[var-annotated]
        self.offsets_errors = list(offsets_errors)

    def begin_transaction(self) -> None:
        self.calls.append("begin")

    def produce(self, topic: str, **_: Any) -> None:
        self.calls.append("produce")

    def send_offsets_to_transaction(self, offsets: list[TopicPartition], *_: Any) -> None:
        if self.offsets_errors:
            self.calls.append("offsets timed out")
            raise KafkaException(self.offsets_errors.pop(0))
        self.calls.append(("offsets", [(o.partition, o.offset, o.metadata) for o in offsets]))

    def commit_transaction(self, *_: Any) -> None:
        if self.commit_errors:
            raise KafkaException(self.commit_errors.pop(0))
        self.calls.append("commit")

    def abort_transaction(self, *_: Any) -> None:
        self.calls.append("abort")

    def flush(self, *_: Any) -> int:
        return 0


class FakeConsumer:
    def __init__(self, batches: list[list[Record]]) -> None:
        self.batches, self.seeks = batches, []  # type: ignore[var-annotated]

    def consume(self, n: int, timeout: float) -> list[Any]:
        return [_Message(r) for r in self.batches.pop(0)] if self.batches and n == 1 else []

    def consumer_group_metadata(self) -> object:
        return object()

    def seek(self, tp: TopicPartition) -> None:
        self.seeks.append((tp.partition, tp.offset))

    def close(self) -> None:
        pass


class _Message:
    def __init__(self, record: Record) -> None:
        self.record = record

    def error(self) -> None:
        return None

    def timestamp(self) -> tuple[int, int]:
        return (0, 0)

    def headers(self) -> None:
        return None

    def topic(self) -> str:
        return self.record.topic

    def partition(self) -> int:
        return self.record.partition

    def offset(self) -> int:
        return self.record.offset

    def key(self) -> bytes | None:
        return self.record.key

    def value(self) -> bytes | None:
        return self.record.value


def _processor(producer: FakeProducer, consumer: FakeConsumer, observers: list[BatchObserver]) -> Any:
    proc = TransactionalProcessor.__new__(TransactionalProcessor)
    proc.__dict__.update(
        settings=Settings(batch_size=10, batch_linger_seconds=0), stage="fake", topics=["in"],
        handler=lambda records: [Output("out", b"v") for _ in records], observers=observers,
        group="g", instance="g.0", consumer=consumer, producer=producer,
    )  # fmt: skip
    proc.__dict__.update(vars(_template()))
    return proc


def _template() -> Any:
    """The private state __init__ sets, without a broker (metric children, backoff, flags)."""
    import threading

    from engine.pipeline.processor import _children

    t = type("T", (), {})()
    t._consumed = _children(lambda topic: processor_module.metrics.MESSAGES_IN.labels("fake", topic))
    t._produced = _children(lambda topic: processor_module.metrics.MESSAGES_OUT.labels("fake", topic))
    t._transactions = _children(lambda o: processor_module.metrics.TRANSACTIONS.labels("fake", o))
    t._in_flight = processor_module.metrics.IN_FLIGHT.labels("fake")
    t._blocked = processor_module.metrics.STAGE_BLOCKED.labels("fake")
    t._blocked_seconds = processor_module.metrics.STAGE_BLOCKED_SECONDS.labels("fake")
    t._backoff, t._failed_transactions, t._open, t._stop = 0.0, 0, False, threading.Event()
    t.committed_batches = 0
    return t


def _records(n: int) -> list[Record]:
    return [Record("in", 0, i, None, b"x", (), None) for i in range(n)]


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processor_module, "INITIAL_BACKOFF_SECONDS", 0.0)


def test_offsets_carry_the_observers_metadata_and_committed_hooks_run_after_the_commit() -> None:
    events: list[str] = []

    class Head(BatchObserver):
        def offset_metadata(self, topic: str, partition: int) -> str | None:
            return f"7:{HASH}"

        def committed(self, records: list[Record]) -> None:
            events.append("committed")
            # A Kafka error in a hook looked like a failed commit when hooks ran inside its error handling.
            raise KafkaException(KafkaError(KafkaError._STATE, "a hook that fails"))

    producer = FakeProducer([])
    proc = _processor(producer, FakeConsumer([_records(3)]), [Head()])
    with pytest.raises(KafkaException, match="a hook that fails"):
        proc.process_batch()
    assert ("offsets", [(0, 3, f"7:{HASH}")]) in producer.calls
    assert producer.calls[-1] == "commit" and "abort" not in producer.calls, "a hook aborted a commit"
    assert events == ["committed"]


def test_a_transaction_that_keeps_failing_ends_the_member_naming_the_cause() -> None:
    too_large = KafkaError(KafkaError.MSG_SIZE_TOO_LARGE, "audit record too large")
    batches = [_records(2) for _ in range(10)]
    producer = FakeProducer([too_large] * 10)
    consumer = FakeConsumer(batches)
    proc = _processor(producer, consumer, [])
    with pytest.raises(TransactionFailing, match="MSG_SIZE_TOO_LARGE"):
        for _ in range(10):
            proc.process_batch()
    assert producer.calls.count("abort") == processor_module.MAX_FAILED_TRANSACTIONS
    assert consumer.seeks and set(consumer.seeks) == {(0, 0)}


def test_an_acl_refusal_ends_the_member_at_once_naming_principal_and_operation() -> None:
    refused = KafkaError(KafkaError.TOPIC_AUTHORIZATION_FAILED, "dlq: not authorized")
    producer = FakeProducer([refused] * 10)
    consumer = FakeConsumer([_records(2) for _ in range(10)])
    proc = _processor(producer, consumer, [])  # its handler writes to topic "out"
    with pytest.raises(AccessDenied, match=r"principal \(anonymous\): WRITE topic out \(TOPIC_AUTHORIZATION"):
        proc.process_batch()
    assert producer.calls.count("abort") == 1  # retrying cannot change an ACL: no second attempt
    assert consumer.seeks == [(0, 0)]  # rewound: the next member starts from the same offset


def test_a_timed_out_offsets_call_is_resumed_not_aborted_and_the_batch_commits_once() -> None:
    # What librdkafka returns while the coordinators move after a broker died: retriable, not abortable.
    timed_out = KafkaError(KafkaError._TIMED_OUT, "coordinator not available", retriable=True)
    producer = FakeProducer([], offsets_errors=[timed_out, timed_out])
    consumer = FakeConsumer([_records(2)])
    proc = _processor(producer, consumer, [])
    assert proc.process_batch() == 2
    assert producer.calls.count("offsets timed out") == 2
    assert "abort" not in producer.calls and producer.calls.count("begin") == 1
    assert producer.calls[-1] == "commit" and consumer.seeks == []


def test_an_abortable_offsets_error_aborts_and_rewinds_the_batch() -> None:
    abortable = KafkaError(KafkaError.INVALID_PRODUCER_EPOCH, "epoch bumped", txn_requires_abort=True)
    producer = FakeProducer([], offsets_errors=[abortable])
    consumer = FakeConsumer([_records(2)])
    proc = _processor(producer, consumer, [])
    assert proc.process_batch() == 0
    assert producer.calls.count("abort") == 1 and consumer.seeks == [(0, 0)]


def test_close_aborts_a_transaction_left_open() -> None:
    producer = FakeProducer([])
    proc = _processor(producer, FakeConsumer([]), [])
    proc._open = True
    proc.close()
    assert producer.calls == ["abort"]
