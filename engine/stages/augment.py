"""Augmentation: documents in, chunks embedded and indexed, one micro-batch at a time.

Each batch passes great-expectations checks before anything is indexed; a failing batch is held
(a quarantine record, an audit record per document, a metric) and the vector store is untouched.
Upserts are idempotent by document id and version, so a batch handled twice after a crash
leaves the store as if handled once.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime

from engine import metrics
from engine.audit.records import decision_record
from engine.audit.writer import AuditWriter
from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, EnvelopeError
from engine.errors import ContractViolation
from engine.gates.dead_letter import dead_letter
from engine.kafka.processor import Output, TransactionalProcessor
from engine.kafka.record import Record
from engine.models.embeddings import Embedder
from engine.models.vector_store import VectorStore
from engine.quality.expectations import BatchQualityCheck, QualityRow
from engine.settings import Settings
from engine.stages.chunking import chunk_document

log = logging.getLogger(__name__)
STAGE = "augment"
MAX_CHUNK_CHARS = 800


@dataclass(frozen=True)
class _Doc:
    msg: Record
    envelope: Envelope


class Augmenter:
    """The augment stage's handler."""

    def __init__(
        self,
        settings: Settings,
        codec: GovernedCodec,
        embedder: Embedder,
        store: VectorStore,
        quality: BatchQualityCheck,
        audit: AuditWriter,
    ) -> None:
        self.settings, self.codec, self.embedder, self.store = settings, codec, embedder, store
        self.quality, self.audit = quality, audit

    def handle(self, messages: list[Record]) -> list[Output]:
        outputs: list[Output] = []
        latest: dict[str, _Doc] = {}
        for msg in messages:
            try:
                envelope = self.codec.decode(msg.topic, msg.value)
            except (EnvelopeError, ContractViolation) as exc:
                outputs.append(dead_letter(self.codec, self.settings.topics.dlq, STAGE, msg, exc))
                continue
            doc_id = envelope.payload["doc_id"]
            seen = latest.get(doc_id)
            if seen is None or envelope.payload["version"] >= seen.envelope.payload["version"]:
                latest[doc_id] = _Doc(msg, envelope)
        deletions = [d for d in latest.values() if d.envelope.payload["deleted"]]
        upserts = [d for d in latest.values() if not d.envelope.payload["deleted"]]
        for doc in deletions:
            self.store.delete_document(doc.envelope.payload["doc_id"], doc.envelope.payload["version"])
        if upserts:
            outputs.extend(self._index(upserts))
        metrics.VECTOR_STORE_CHUNKS.set(self.store.count())
        return outputs

    def _index(self, docs: list[_Doc]) -> list[Output]:
        chunked = [
            (
                d,
                chunk_document(
                    d.envelope.payload["doc_id"],
                    d.envelope.payload["version"],
                    d.envelope.payload["title"],
                    d.envelope.payload["text"],
                    max_chars=MAX_CHUNK_CHARS,
                ),
            )
            for d in docs
        ]
        texts = [c.text for _, chunks in chunked for c in chunks]
        started = time.perf_counter()
        vectors = self.embedder.embed(texts)
        metrics.EMBEDDING_SECONDS.observe(time.perf_counter() - started)
        metrics.EMBEDDING_BATCH.observe(len(texts))
        rows = []
        row = 0
        for doc, chunks in chunked:
            produced = datetime.fromisoformat(doc.envelope.produced_at)
            for chunk in chunks:
                rows.append(QualityRow(chunk.id, chunk.doc_id, chunk.text, vectors[row], produced))
                row += 1
        report = self.quality.check(rows)
        metrics.QUALITY_BATCHES.labels("passed" if report.passed else "held").inc()
        outputs = [self._audit(d, report.passed, list(report.failures)) for d in docs]
        if not report.passed:
            log.warning("stage=augment batch held failures=%s docs=%d", ",".join(report.failures), len(docs))
            return [self._quarantine(docs, report.failures, report.statistics), *outputs]
        row = 0
        for doc, chunks in chunked:
            p = doc.envelope.payload
            self.store.upsert_document(p["doc_id"], p["version"], chunks, vectors[row : row + len(chunks)])
            row += len(chunks)
        return outputs

    def _quarantine(
        self, docs: list[_Doc], failures: tuple[str, ...], statistics: dict[str, object]
    ) -> Output:
        payload = {
            "batch_id": uuid.uuid4().hex,
            "doc_ids": sorted(d.envelope.payload["doc_id"] for d in docs),
            "failures": list(failures),
            "statistics": _jsonable(statistics),
        }
        event = docs[0].envelope.derive("quality.batch_held", "docs.quarantine@1", payload)
        topic = self.settings.topics.docs_quarantine
        value, headers = self.codec.encode(topic, event)
        return Output(topic, value, None, headers)

    def _audit(self, doc: _Doc, passed: bool, failures: list[str]) -> Output:
        record = decision_record(
            decision_id=uuid.uuid4().hex,
            gate="quality",
            outcome="approved" if passed else "rejected",
            reasons=failures,
            envelope=doc.envelope,
            topic=doc.msg.topic,
            partition=doc.msg.partition,
            offset=doc.msg.offset,
            raw_value=doc.msg.value,
            contracts=[doc.envelope.contract],
            policy_revision="great-expectations",
            validators={},
            obligations=[],
            latency_ms=0.0,
        )
        return self.audit.output(record, doc.envelope)


def _jsonable(value: object) -> dict[str, object]:
    import json

    return dict(json.loads(json.dumps(value, default=str)))


def build_processor(settings: Settings, registry: ContractRegistry) -> TransactionalProcessor:
    from engine import wiring

    codec = GovernedCodec(registry)
    embedder = wiring.embedder(settings)
    audit = AuditWriter(settings, codec, "quality")
    handler = Augmenter(
        settings,
        codec,
        embedder,
        wiring.vector_store(settings, embedder.dimension),
        BatchQualityCheck(
            dimension=embedder.dimension, min_chars=20, max_chars=MAX_CHUNK_CHARS, max_age_days=30
        ),
        audit,
    )
    return TransactionalProcessor(
        settings,
        STAGE,
        [settings.topics.docs_raw],
        handler.handle,
        on_assign=audit.recover,
        on_committed=audit.committed,
        on_aborted=audit.aborted,
    )
