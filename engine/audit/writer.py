"""Writes audit records into the gate's transaction and keeps each chain's head.

Heads advance only when the transaction commits; on (re)assignment a chain's head is recovered
from the committed records on the audit topic, so a restarted or rebalanced gate continues it.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from confluent_kafka import Consumer, TopicPartition

from engine import metrics
from engine.audit import chain
from engine.contracts.codec import GovernedCodec
from engine.envelope import Envelope
from engine.errors import GovernorError
from engine.kafka import config
from engine.kafka.processor import Output
from engine.kafka.record import Record
from engine.settings import Settings

log = logging.getLogger(__name__)
AUDIT_CONTRACT = "governance.audit@1"
RECOVERY_WINDOW = 500
RECOVERY_TIMEOUT_SECONDS = 60.0


class AuditWriter:
    """One per gate process: seals records per chain and turns them into transactional outputs."""

    def __init__(self, settings: Settings, codec: GovernedCodec, gate: str) -> None:
        self.settings, self.codec, self.gate = settings, codec, gate
        self.topic = settings.topics.audit
        self._partitions = codec.registry.for_topic(self.topic).metadata.partitions
        self._heads: dict[str, chain.ChainHead] = {}
        self._pending: dict[str, chain.ChainHead] = {}

    def audit_partition(self, source_partition: int) -> int:
        return source_partition % self._partitions

    def output(self, record: dict[str, Any], cause: Envelope | None) -> Output:
        subject = record["subject"]
        cid = chain.chain_id(self.gate, subject["topic"], subject["partition"])
        head = self._pending.get(cid, self._heads.get(cid))
        sealed = chain.seal({**record, "chain": cid}, head)
        self._pending[cid] = chain.ChainHead(sealed["seq"], sealed["hash"])
        tenant = cause.tenant if cause else "unknown"
        envelope = (
            cause.derive("governance.decision", AUDIT_CONTRACT, sealed, id=record["decision_id"])
            if cause
            else Envelope(
                type="governance.decision",
                contract=AUDIT_CONTRACT,
                tenant=tenant,
                payload=sealed,
                id=record["decision_id"],
            )
        )
        value, headers = self.codec.encode(self.topic, envelope)
        metrics.AUDIT_RECORDS.labels(self.gate).inc()
        return Output(
            self.topic, value, cid.encode(), headers, partition=self.audit_partition(subject["partition"])
        )

    def committed(self) -> None:
        self._heads.update(self._pending)
        self._pending.clear()

    def aborted(self) -> None:
        self._pending.clear()

    def recover(self, partitions: list[TopicPartition]) -> None:
        """Find the committed head of each newly assigned source partition's chain."""
        for tp in partitions:
            cid = chain.chain_id(self.gate, tp.topic, tp.partition)
            head = self._find_head(cid, self.audit_partition(tp.partition))
            if head is None:
                self._heads.pop(cid, None)
            else:
                self._heads[cid] = head

    def _find_head(self, cid: str, partition: int) -> chain.ChainHead | None:
        consumer = Consumer(config.consumer(self.settings, f"{self.settings.group_prefix}.audit-recovery"))
        try:
            low, high = consumer.get_watermark_offsets(TopicPartition(self.topic, partition), timeout=10)
            end = high
            while end > low:
                start = max(low, end - RECOVERY_WINDOW)
                last = self._last_in_range(consumer, cid, partition, start, end)
                if last is not None:
                    return last
                end = start
            return None
        finally:
            consumer.close()

    def _last_in_range(
        self, consumer: Consumer, cid: str, partition: int, start: int, end: int
    ) -> chain.ChainHead | None:
        consumer.assign([TopicPartition(self.topic, partition, start)])
        found: dict[str, Any] | None = None
        deadline = time.monotonic() + RECOVERY_TIMEOUT_SECONDS
        while True:
            # The fetch position passes aborted records and transaction markers too, so reaching `end`
            # means the whole range was read; an empty poll alone proves nothing on a slow cluster.
            (tp,) = consumer.position([TopicPartition(self.topic, partition)])
            if tp.offset >= end:
                break
            if time.monotonic() > deadline:
                raise GovernorError(
                    f"audit chain {cid}: could not read {self.topic}[{partition}] up to offset {end} "
                    f"in {RECOVERY_TIMEOUT_SECONDS:.0f}s (an open transaction or a slow broker); not "
                    "starting the chain from a head that may be stale"
                )
            for raw in consumer.consume(500, 0.5):
                if raw.error():
                    continue
                msg = Record.of(raw)
                if msg.key == cid.encode() and msg.offset < end and msg.value is not None:
                    found = json.loads(msg.value)["payload"]
        if found is None:
            return None
        if chain.record_hash(found) != found.get("hash"):
            metrics.AUDIT_CHAIN_BREAKS.labels(self.gate).inc()
            log.error(
                "audit chain %s: head at seq %s does not verify; continuing from it", cid, found.get("seq")
            )
        return chain.ChainHead(int(found["seq"]), str(found["hash"]))
