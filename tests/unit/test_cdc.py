"""Debezium change events -> docs.raw payloads, without servers."""

from __future__ import annotations

from typing import Any

import pytest

from engine.contracts.registry import ContractRegistry
from engine.errors import ContractViolation
from engine.settings import Settings
from engine.stages.cdc import change_to_document, document_envelope

SOURCE = {"db": "governor_ops", "schema": "public", "table": "articles", "lsn": 26625624, "snapshot": "false"}
ROW = {"article_id": "claims-process", "title": "How to Make a Claim", "body": "# How", "version": 1}


def event(op: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    return {"op": op, "before": before, "after": after, "source": SOURCE, "ts_ms": 1, "transaction": None}


@pytest.fixture(scope="module")
def contract() -> Any:
    settings = Settings()
    return ContractRegistry.load(settings.contracts_dir, settings.topics).for_topic("cdc.articles")


def test_update_reindexes_at_the_new_version(contract: Any) -> None:
    change = event("u", ROW, {**ROW, "body": "# How, updated", "version": 2, "updated_at": 1796159121578})
    contract.validate(change)
    doc = change_to_document(change)
    assert doc == {
        "doc_id": "claims-process",
        "version": 2,
        "source": "postgres:governor_ops.public.articles",
        "title": "How to Make a Claim",
        "text": "# How, updated",
        "deleted": False,
    }


def test_delete_is_a_tombstone_at_the_deleted_version(contract: Any) -> None:
    change = event("d", {**ROW, "version": 3}, None)
    contract.validate(change)
    doc = change_to_document(change)
    assert doc["deleted"] is True and doc["text"] == "" and doc["version"] == 3


def test_envelope_id_depends_on_document_version_and_kind_only() -> None:
    up1 = change_to_document(event("r", None, ROW))
    up2 = change_to_document(event("u", ROW, {**ROW, "version": 2}))
    gone = change_to_document(event("d", ROW, None))
    ids = {document_envelope(d).id for d in (up1, up2, gone)}
    assert len(ids) == 3
    assert document_envelope(up1).id == document_envelope(dict(up1)).id
    assert document_envelope(up1).contract == "docs.raw@1"


@pytest.mark.parametrize(
    "broken",
    [
        event("u", None, {**ROW, "salary": 1}),  # a column the contract does not know
        event("u", None, {k: v for k, v in ROW.items() if k != "version"}),
        event("d", None, None),  # a delete without the old row
        event("u", None, None),
        event("t", None, ROW),  # truncate is not an article change
        {**event("u", None, ROW), "source": {**SOURCE, "table": "claims"}},
    ],
)
def test_contract_refuses_events_that_cannot_be_indexed(contract: Any, broken: dict[str, Any]) -> None:
    with pytest.raises(ContractViolation):
        contract.validate(broken)
