"""The cdc stage: Debezium change events of the articles table -> docs.raw upserts and tombstones.

Debezium (Kafka Connect) writes one JSON change event per row change to the raw CDC topic. Each is
checked against that topic's contract, then becomes a docs.raw envelope: an insert, snapshot read or
update re-indexes the article at its row version; a delete is a tombstone at the deleted row's
version. The envelope id is derived from (article, version, kind), so a change event delivered
twice yields the same event, and augment's version check makes indexing it idempotent.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from engine.envelope import Envelope, Trace
from engine.pipeline.handler import Emit, Inbound, Result, StageHandler, UnreadableRecord
from engine.pipeline.records import Record
from engine.settings import Settings

DOCS_TENANT = "harbor-mutual"  # the tenant the knowledge base's documents belong to (as the demo's files)
DOCS_CONTRACT = "docs.raw@1"
_IDS = uuid.UUID("6f1c3d52-8f0e-4c1b-9a57-2b7d0c0e5a11")


class ChangeUnreadable(UnreadableRecord):
    """The change event is not JSON."""

    code = "cdc.unreadable"


def change_to_document(event: dict[str, Any]) -> dict[str, Any]:
    """The docs.raw payload for one contract-valid change event of the articles table."""
    source = event["source"]
    origin = f"postgres:{source['db']}.{source['schema']}.{source['table']}"
    if event["op"] == "d":
        row = event["before"]
        return {
            "doc_id": row["article_id"],
            "version": row["version"],
            "source": origin,
            "title": row["title"],
            "text": "",
            "deleted": True,
        }
    row = event["after"]
    return {
        "doc_id": row["article_id"],
        "version": row["version"],
        "source": origin,
        "title": row["title"],
        "text": row["body"],
        "deleted": False,
    }


def document_envelope(payload: dict[str, Any], tenant: str = DOCS_TENANT) -> Envelope:
    """The docs.raw event; its id depends only on (doc_id, version, deleted), never on delivery."""
    kind = "deleted" if payload["deleted"] else "upserted"
    event_id = uuid.uuid5(_IDS, f"{payload['doc_id']}@{payload['version']}:{kind}").hex
    return Envelope(
        type="document.upserted",
        contract=DOCS_CONTRACT,
        tenant=tenant,
        payload=payload,
        id=event_id,
        trace=Trace(trace_id=event_id),
    )


@dataclass
class ChangeCapture(StageHandler):
    """The stage's handler: raw change events in, docs.raw envelopes (or dead letters) out."""

    settings: Settings = field(kw_only=True)
    tenant: str = field(default=DOCS_TENANT, kw_only=True)

    def decode(self, record: Record) -> Envelope | None:
        """The docs.raw event for one change event checked against the change topic's contract."""
        if record.value is None:
            return None  # a Kafka tombstone (compaction marker) carries no change to index
        try:
            event = json.loads(record.value)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ChangeUnreadable(f"change event at offset {record.offset} is not JSON: {exc}") from exc
        self.codec.registry.for_topic(record.topic).validate(event)
        return document_envelope(change_to_document(event), self.tenant)

    def process(self, batch: list[Inbound]) -> list[Result]:
        topic = self.settings.topics.docs_raw
        return [
            Result(emits=(Emit(topic, item.envelope, item.envelope.payload["doc_id"].encode()),))
            for item in batch
        ]
