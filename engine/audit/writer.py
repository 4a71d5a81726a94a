"""Writes audit records into the gate's transaction and keeps each chain's head.

Heads advance only when the transaction commits. Each chain's head is committed as the metadata of its
source partition's offset in the same transaction, so on (re)assignment it comes back with the committed
offset: constant-time, atomic with the offsets, and fenced with the consumer group (a zombie member's
transaction is refused, its audit records and head with it, so a chain cannot fork).
"""

from __future__ import annotations

import logging
from typing import Any

from confluent_kafka import TopicPartition

from engine import metrics
from engine.audit import chain
from engine.audit import key as audit_key
from engine.contracts.codec import GovernedCodec
from engine.envelope import Envelope
from engine.pipeline.processor import BatchObserver
from engine.pipeline.records import Output, Record
from engine.settings import Settings

log = logging.getLogger(__name__)
AUDIT_CONTRACT = "governance.audit@1"


class AuditWriter(BatchObserver):
    """One per gate process: seals records per chain and turns them into transactional outputs; it
    observes the processor so heads advance only with committed transactions."""

    def __init__(self, settings: Settings, codec: GovernedCodec, gate: str) -> None:
        self.settings, self.codec, self.gate = settings, codec, gate
        self.topic = settings.topics.audit
        self._partitions = codec.registry.for_topic(self.topic).metadata.partitions
        self._heads: dict[str, chain.ChainHead] = {}
        self._pending: dict[str, chain.ChainHead] = {}
        made = audit_key.ensure(settings.keys_path)
        self._key = (made.key_id, made.secret)

    def audit_partition(self, source_partition: int) -> int:
        return source_partition % self._partitions

    def output(self, record: dict[str, Any], cause: Envelope | None) -> Output:
        subject = record["subject"]
        cid = chain.chain_id(self.gate, subject["topic"], subject["partition"])
        head = self._pending.get(cid, self._heads.get(cid))
        sealed = chain.seal({**record, "chain": cid}, head, self._key)
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

    def offset_metadata(self, topic: str, partition: int) -> str | None:
        """The chain's head after this batch, committed as the source offset's metadata in the same
        transaction: the head and the offsets it follows commit (or abort, or get fenced) together."""
        cid = chain.chain_id(self.gate, topic, partition)
        head = self._pending.get(cid, self._heads.get(cid))
        return None if head is None else f"{head.seq}:{head.hash}"

    def committed(self, records: list[Record]) -> None:
        self._heads.update(self._pending)
        self._pending.clear()

    def aborted(self, records: list[Record]) -> None:
        self._pending.clear()

    def assigned(self, partitions: list[TopicPartition]) -> None:
        """Each newly assigned source partition's chain continues from the head committed with its offset:
        one committed() call by the processor, no read of the audit topic."""
        for tp in partitions:
            cid = chain.chain_id(self.gate, tp.topic, tp.partition)
            head = parse_head(tp.metadata)
            if head is None:
                self._heads.pop(cid, None)
                if tp.metadata:  # something else wrote the offsets: the chain cannot be continued
                    metrics.AUDIT_CHAIN_BREAKS.labels(self.gate).inc()
                    log.error("audit chain %s: committed head %r is unreadable; a new chain starts",
                              cid, tp.metadata[:100])  # fmt: skip
                elif tp.offset >= 0:
                    log.warning("audit chain %s: committed offset %s carries no head; a new chain starts",
                                cid, tp.offset)  # fmt: skip
            else:
                self._heads[cid] = head


def parse_head(metadata: str | None) -> chain.ChainHead | None:
    """``seq:hash`` (as committed with an offset) as a chain head; None for no or unreadable metadata."""
    seq, _, digest = (metadata or "").partition(":")
    if not seq.isdigit() or len(digest) != 64:
        return None
    return chain.ChainHead(int(seq), digest)
