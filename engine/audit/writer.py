"""Writes audit records into the gate's transaction and keeps each chain's head.

Heads advance only when the transaction commits; on (re)assignment a chain's head is recovered
from the committed records on the audit topic, so a restarted or rebalanced gate continues it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from confluent_kafka import TopicPartition

from engine import metrics
from engine.audit import chain
from engine.contracts.codec import GovernedCodec
from engine.envelope import Envelope
from engine.errors import GovernorError
from engine.pipeline.processor import BatchObserver
from engine.pipeline.reader import RangeUnreadable, TopicReader
from engine.pipeline.records import Output, Record
from engine.settings import Settings

log = logging.getLogger(__name__)
AUDIT_CONTRACT = "governance.audit@1"
RECOVERY_WINDOW = 500
RECOVERY_TIMEOUT_SECONDS = 60.0


class AuditWriter(BatchObserver):
    """One per gate process: seals records per chain and turns them into transactional outputs; it
    observes the processor so heads advance only with committed transactions."""

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

    def committed(self, records: list[Record]) -> None:
        self._heads.update(self._pending)
        self._pending.clear()

    def aborted(self, records: list[Record]) -> None:
        self._pending.clear()

    def assigned(self, partitions: list[TopicPartition]) -> None:
        """Find the committed head of each newly assigned source partition's chain."""
        for tp in partitions:
            cid = chain.chain_id(self.gate, tp.topic, tp.partition)
            head = self._find_head(cid, self.audit_partition(tp.partition))
            if head is None:
                self._heads.pop(cid, None)
            else:
                self._heads[cid] = head

    def _find_head(self, cid: str, partition: int) -> chain.ChainHead | None:
        """Scan back window by window from the end for the chain's last committed record."""
        with TopicReader(self.settings, "audit-recovery") as reader:
            reader.assign([self.topic], partitions=[partition])
            low, end = reader.bounds(self.topic, partition)
            while end > low:
                start = max(low, end - RECOVERY_WINDOW)
                last = self._last_in_range(reader, cid, partition, start, end)
                if last is not None:
                    return last
                end = start
            return None

    def _last_in_range(
        self, reader: TopicReader, cid: str, partition: int, start: int, end: int
    ) -> chain.ChainHead | None:
        reader.assign([self.topic], start={(self.topic, partition): start}, partitions=[partition])
        reader.bound(self.topic, partition, end)
        found: dict[str, Any] | None = None
        try:
            for msg in reader.to_end(timeout=RECOVERY_TIMEOUT_SECONDS):
                if msg.key == cid.encode() and msg.value is not None:
                    found = json.loads(msg.value)["payload"]
        except RangeUnreadable as exc:
            raise GovernorError(
                f"audit chain {cid}: could not read {self.topic}[{partition}] up to offset {end} "
                f"in {RECOVERY_TIMEOUT_SECONDS:.0f}s (an open transaction or a slow broker); not "
                "starting the chain from a head that may be stale"
            ) from exc
        if found is None:
            return None
        if chain.record_hash(found) != found.get("hash"):
            metrics.AUDIT_CHAIN_BREAKS.labels(self.gate).inc()
            log.error(
                "audit chain %s: head at seq %s does not verify; continuing from it", cid, found.get("seq")
            )
        return chain.ChainHead(int(found["seq"]), str(found["hash"]))
