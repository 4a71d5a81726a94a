"""Contract rules that guard privacy and durability: violations never quote the payload, versions are
ASCII digits, audit chains never expire, redaction fits the admitted schema, dead letters may be capped."""

from __future__ import annotations

import pytest

from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope
from engine.errors import ContractViolation
from engine.settings import Settings

SETTINGS = Settings(bootstrap_servers="127.0.0.1:1")  # nothing connects here
REGISTRY = ContractRegistry.load(SETTINGS.contracts_dir, SETTINGS.topics)
CODEC = GovernedCodec(REGISTRY)
REQUESTED = SETTINGS.topics.prompts_requested


def test_violation_names_path_rule_and_constraint_but_never_the_value() -> None:
    question = "secret jane.doe@example.com" + "x" * 5000
    with pytest.raises(ContractViolation) as caught:
        REGISTRY.for_topic(REQUESTED).validate({"question": question, "user": "u"})
    text = str(caught.value)
    assert "jane.doe@example.com" not in text
    assert "secret" not in text and "x" * 50 not in text
    assert caught.value.path == "$.question" and caught.value.rule == "maxLength"
    assert "fails maxLength (4000)" in text


def test_violation_of_enum_like_rules_quotes_schema_not_instance() -> None:
    with pytest.raises(ContractViolation) as caught:
        REGISTRY.for_topic(REQUESTED).validate({"question": "q", "user": "u", "ssn": "123-45-6789"})
    assert "123-45-6789" not in str(caught.value)


def test_long_constraints_are_truncated() -> None:
    from engine.contracts.registry import _constraint

    assert len(_constraint(list(range(1000)))) <= 100


@pytest.mark.parametrize("version", ["²", "١", "1.0", "", "-1", " 1"])
def test_non_ascii_digit_versions_are_violations_not_value_errors(version: str) -> None:
    envelope = Envelope(
        type=REGISTRY.for_topic(REQUESTED).metadata.event_type,
        contract=f"prompts.requested@{version}",
        tenant="t",
        payload={"question": "q", "user": "u"},
    )
    with pytest.raises(ContractViolation) as caught:
        CODEC.check(REQUESTED, envelope)
    assert caught.value.rule == "version"


def test_audit_topic_never_expires() -> None:
    contract = REGISTRY.for_topic(SETTINGS.topics.audit)
    assert contract.metadata.retention_ms == -1
    assert contract.topic_spec(SETTINGS.topics.audit).retention_ms == -1


def test_admitted_question_limit_leaves_room_for_redaction() -> None:
    requested = REGISTRY.for_topic(REQUESTED).schema["properties"]["question"]["maxLength"]
    admitted = REGISTRY.for_topic(SETTINGS.topics.prompts_admitted).schema["properties"]["question"]
    assert admitted["maxLength"] >= 2 * requested
    redacted = ("[REDACTED] " * (requested // 6))[: admitted["maxLength"]]
    assert len(redacted) > requested
    REGISTRY.for_topic(SETTINGS.topics.prompts_admitted).validate(
        {"question": redacted, "user": "u", "decision_id": "d"}
    )


def test_dead_letter_may_carry_a_capped_copy() -> None:
    dlq = REGISTRY.for_topic(SETTINGS.topics.dlq)
    letter = {
        "stage": "admission",
        "reason": "contract.violation",
        "error": "too big",
        "source": {"topic": REQUESTED, "partition": 0, "offset": 1},
        "original_b64": "eA==",
        "original_sha256": "a" * 64,
        "original_truncated": True,
    }
    dlq.validate(letter)
    assert dlq.schema["additionalProperties"] is False
    assert set(dlq.schema["required"]) == {"stage", "reason", "error", "source", "original_b64"}
    with pytest.raises(ContractViolation):
        dlq.validate({**letter, "original_sha256": "not-a-hash"})
    with pytest.raises(ContractViolation):
        dlq.validate({**letter, "original_truncated": "yes"})
