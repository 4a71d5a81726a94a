"""The release gate against the real Kafka and OPA: every draft approved, rejected or dead-lettered
with a reason, exactly once, PII never on the approved topic, and an audit record for each decision."""

from __future__ import annotations

import pytest

from engine.audit import verify
from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.pipeline.publish import GovernedProducer
from engine.settings import Settings
from tests.kafka_helpers import read_all
from tests.stage_helpers import CONTEXT, draft, running

pytestmark = pytest.mark.integration

GROUNDED = "The excess for water damage claims is $500."
PII_ANSWER = f"{GROUNDED} Write to jane.doe@example.com for help."
# Retrieval returned a claim note with the handler's email: the answer is grounded, and still leaks PII.
PII_CONTEXT = [
    *CONTEXT,
    {"id": "claim-note#0", "text": "For help with a water damage claim, write to jane.doe@example.com."},
]


def _send(settings: Settings, *drafts: object, raw: list[bytes] | None = None) -> None:
    producer = GovernedProducer(
        settings, GovernedCodec(ContractRegistry.load(settings.contracts_dir, settings.topics))
    )
    for d in drafts:
        producer.send(settings.topics.answers_draft, d)  # type: ignore[arg-type]
    for value in raw or []:
        producer.send_raw(settings.topics.answers_draft, value)
    producer.flush()


def _by_draft(records: list[dict]) -> dict[str, dict]:
    return {r["trace"]["causation_id"]: r["payload"] for r in records}


def test_every_draft_is_decided_once_with_reasons_and_pii_never_approved(test_settings: Settings) -> None:
    t = test_settings.topics
    drafts = {
        "clean": draft(GROUNDED, draft_id="clean"),
        "pii-redact": draft(PII_ANSWER, draft_id="pii-redact", context=PII_CONTEXT),
        "pii-reject": draft(PII_ANSWER, tenant="strict-bank", draft_id="pii-reject", context=PII_CONTEXT),
        "ungrounded": draft(
            "The excess is $500. Harbor Mutual also gives every customer a free car in 2031.",
            draft_id="ungrounded",
        ),
        "secret": draft(f"{GROUNDED} Use key AKIAIOSFODNN7EXAMPLE to log in.", draft_id="secret"),
    }
    _send(test_settings, *drafts.values(), raw=[b"{broken"])
    with running(test_settings, "release"):
        approved = _by_draft(read_all(test_settings, t.answers_approved, expect=2))
        rejected = _by_draft(read_all(test_settings, t.answers_rejected, expect=3))
        dead = read_all(test_settings, t.dlq, expect=1)
        audit = read_all(test_settings, t.audit, expect=6)

    assert set(approved) == {"clean", "pii-redact"}
    assert set(rejected) == {"pii-reject", "ungrounded", "secret"}
    assert approved["clean"]["answer"].startswith(GROUNDED)
    assert "not a binding statement of cover" in approved["clean"]["answer"]  # acme's disclaimer obligation
    assert "jane.doe@example.com" not in approved["pii-redact"]["answer"]
    assert "[REDACTED]" in approved["pii-redact"]["answer"]
    assert approved["clean"]["citations"] == [c["id"] for c in CONTEXT]
    assert approved["pii-redact"]["obligations"] == ["redact:pii.email", "append_disclaimer"]

    def codes(name: str) -> set[str]:
        return {r["code"] for r in rejected[name]["reasons"]}

    assert "pii.email" in codes("pii-reject")
    assert "jane.doe@example.com" not in rejected["pii-reject"]["answer"]  # masked in the review queue too
    assert "grounding.unsupported" in codes("ungrounded")
    assert "secrets.present" in codes("secret")
    assert dead[0]["payload"]["reason"] == "envelope.malformed"

    records = [a["payload"] for a in audit]
    assert sorted(r["outcome"] for r in records) == [
        "approved",
        "approved",
        "dlq",
        "rejected",
        "rejected",
        "rejected",
    ]
    ungrounded = next(r for r in records if r["subject"]["envelope_id"] == "ungrounded")
    spans = ungrounded["validators"]["grounding"]["spans"]
    sentence = drafts["ungrounded"].payload["answer"]
    assert any("free car" in sentence[s:e] for s, e in spans), "the unsupported sentence's span is recorded"
    assert all("jane.doe" not in str(r) for r in records), "no raw PII in the audit trail"
    report = verify.verify(verify.read_topic(test_settings))
    assert report.ok and report.records == 6


def test_opa_down_approves_nothing_and_decides_again_when_it_returns(test_settings: Settings) -> None:
    from engine.stack.opa import TemporaryOPA

    with TemporaryOPA(test_settings.cache_dir, test_settings.policies_dir) as server:
        settings = test_settings.model_copy(update={"opa_url": server.url, "opa_retries": 1})
        with running(settings, "release"):
            _send(settings, draft(GROUNDED, draft_id="before"))
            assert len(read_all(settings, settings.topics.answers_approved, expect=1)) == 1
            server.kill()
            _send(settings, *(draft(GROUNDED, draft_id=f"down-{i}") for i in range(3)))
            # An outage is no outcome: while OPA is down nothing is approved, rejected or dead-lettered.
            assert len(read_all(settings, settings.topics.answers_approved, timeout=8)) == 1
            assert read_all(settings, settings.topics.answers_rejected, timeout=2) == []
            assert read_all(settings, settings.topics.dlq, timeout=2) == []
            server.restart()
            _send(settings, *(draft(GROUNDED, draft_id=f"after-{i}") for i in range(3)))
            approved = _by_draft(read_all(settings, settings.topics.answers_approved, expect=7, timeout=60))
            assert read_all(settings, settings.topics.answers_rejected, timeout=2) == []
    assert set(approved) == {"before", *(f"{p}-{i}" for p in ("down", "after") for i in range(3))}
