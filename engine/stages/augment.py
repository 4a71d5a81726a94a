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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from engine import metrics
from engine.audit.records import decision_record
from engine.audit.writer import AuditWriter
from engine.models.embeddings import Embedder
from engine.models.vector_store import VectorStore
from engine.pipeline.handler import Emit, Inbound, Result, StageHandler
from engine.pipeline.records import Output
from engine.quality.expectations import BatchQualityCheck, QualityRow
from engine.settings import Settings
from engine.stages.chunking import chunk_document

log = logging.getLogger(__name__)
MAX_CHUNK_CHARS = 800


@dataclass(frozen=True)
class QualityVerdict:
    """The great-expectations verdict on the batch an indexed document came in (audited per document)."""

    passed: bool
    failures: tuple[str, ...]


@dataclass
class Augmenter(StageHandler):
    """The augment stage's handler."""

    settings: Settings = field(kw_only=True)
    embedder: Embedder = field(kw_only=True)
    store: VectorStore = field(kw_only=True)
    quality: BatchQualityCheck = field(kw_only=True)
    audit: AuditWriter = field(kw_only=True)
    # Reasons to quarantine each text (instructions aimed at the model: a poisoned document), or ().
    screen: Callable[[list[str]], list[tuple[str, ...]]] = field(kw_only=True)
    # With a sentence splitter, each chunk's sentences are embedded and stored beside it too (in the same
    # embedder call), so the release gate reuses them instead of embedding its passages again.
    sentences: Callable[[str], list[str]] | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        self.observers.append(self.audit)

    def process(self, batch: list[Inbound]) -> list[Result]:
        latest: dict[str, int] = {}  # doc id -> index in batch of its newest version
        for i, item in enumerate(batch):
            doc_id, version = item.envelope.payload["doc_id"], item.envelope.payload["version"]
            seen = latest.get(doc_id)
            if seen is None or version >= batch[seen].envelope.payload["version"]:
                latest[doc_id] = i
        results = [Result() for _ in batch]  # superseded versions in the same batch: nothing to do
        upserts = []
        for i in latest.values():
            payload = batch[i].envelope.payload
            if payload["deleted"]:
                self.store.delete_document(payload["doc_id"], payload["version"])
            else:
                upserts.append(i)
        clean = []
        for i, reasons in zip(
            upserts, self.screen([batch[i].envelope.payload["text"] for i in upserts]), strict=True
        ):
            if reasons:
                results[i] = self._poisoned(batch[i], reasons)
            else:
                clean.append(i)
        if clean:
            for i, result in zip(clean, self._index([batch[i] for i in clean]), strict=True):
                results[i] = result
        metrics.VECTOR_STORE_CHUNKS.set(self.store.count())
        return results

    def _index(self, docs: list[Inbound]) -> list[Result]:
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
        split = self.sentences or (lambda _: [])
        parts = [[p for p in split(text) if p != text] for text in texts]
        unique = list(dict.fromkeys([*texts, *(p for ps in parts for p in ps)]))
        started = time.perf_counter()
        embedded = self.embedder.embed(unique)
        metrics.EMBEDDING_SECONDS.observe(time.perf_counter() - started)
        metrics.EMBEDDING_BATCH.observe(len(unique))
        row_of = {text: i for i, text in enumerate(unique)}
        vectors = embedded[[row_of[t] for t in texts]]
        units = [(ps, embedded[[row_of[p] for p in ps]]) for ps in parts]
        rows = []
        row = 0
        for doc, chunks in chunked:
            produced = datetime.fromisoformat(doc.envelope.produced_at)
            for chunk in chunks:
                rows.append(QualityRow(chunk.id, chunk.doc_id, chunk.text, vectors[row], produced))
                row += 1
        report = self.quality.check(rows)
        metrics.QUALITY_BATCHES.labels("passed" if report.passed else "held").inc()
        verdict = QualityVerdict(report.passed, tuple(report.failures))
        results = [Result(context=verdict) for _ in docs]
        if not report.passed:
            log.warning("stage=augment batch held failures=%s docs=%d", ",".join(report.failures), len(docs))
            held = self._quarantine(docs, report.failures, report.statistics)
            results[0] = Result(emits=(held,), context=verdict)
            return results
        row = 0
        for doc, chunks in chunked:
            p = doc.envelope.payload
            span = slice(row, row + len(chunks))
            stored_units = units[span] if self.sentences else None
            self.store.upsert_document(p["doc_id"], p["version"], chunks, vectors[span], stored_units)
            row += len(chunks)
        return results

    def _poisoned(self, doc: Inbound, reasons: tuple[str, ...]) -> Result:
        """A document carrying instructions for the model is held, never indexed, whatever its quality."""
        log.warning(
            "stage=augment document held reasons=%s doc=%s", ",".join(reasons), doc.envelope.payload["doc_id"]
        )
        verdict = QualityVerdict(False, reasons)
        return Result(emits=(self._quarantine([doc], reasons, {}),), context=verdict)

    def emitted(self, item: Inbound, result: Result) -> list[Output]:
        verdict = result.context
        if not isinstance(verdict, QualityVerdict):
            return []
        return [self._audit(item, verdict)]

    def _quarantine(
        self, docs: list[Inbound], failures: tuple[str, ...], statistics: dict[str, object]
    ) -> Emit:
        payload = {
            "batch_id": uuid.uuid4().hex,
            "doc_ids": sorted(d.envelope.payload["doc_id"] for d in docs),
            "failures": list(failures),
            "statistics": _jsonable(statistics),
        }
        event = docs[0].envelope.derive("quality.batch_held", "docs.quarantine@1", payload)
        return Emit(self.settings.topics.docs_quarantine, event)

    def _audit(self, doc: Inbound, verdict: QualityVerdict) -> Output:
        record = decision_record(
            decision_id=uuid.uuid4().hex,
            gate="quality",
            outcome="approved" if verdict.passed else "rejected",
            reasons=list(verdict.failures),
            envelope=doc.envelope,
            topic=doc.record.topic,
            partition=doc.record.partition,
            offset=doc.record.offset,
            raw_value=doc.record.value,
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
