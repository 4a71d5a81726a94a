"""Contracts on the real broker: refused on produce, dead-lettered on consume, topics provisioned."""

from __future__ import annotations

import base64
import threading

import pytest
from confluent_kafka.admin import ConfigResource

from engine.app import pass_through
from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope
from engine.errors import ContractViolation
from engine.kafka.admin import admin, ensure_topics
from engine.pipeline.publish import GovernedProducer
from engine.settings import Settings
from tests.kafka_helpers import read_all

pytestmark = pytest.mark.integration


def _prompt(question: str = "What does my home policy cover?") -> Envelope:
    return Envelope(
        type="prompt.requested",
        contract="prompts.requested@1",
        tenant="acme-insurance",
        payload={"question": question, "user": "u-1"},
    )


def _codec(settings: Settings) -> GovernedCodec:
    return GovernedCodec(ContractRegistry.load(settings.contracts_dir, settings.topics))


def test_invalid_event_is_refused_on_produce_naming_the_field(test_settings: Settings) -> None:
    producer = GovernedProducer(test_settings, _codec(test_settings))
    bad = Envelope(
        type="prompt.requested",
        contract="prompts.requested@1",
        tenant="t",
        payload={"question": "", "user": "u-1"},
    )
    with pytest.raises(ContractViolation) as caught:
        producer.send(test_settings.topics.prompts_requested, bad)
    assert caught.value.path == "$.question"
    assert caught.value.rule == "minLength"
    assert "prompts.requested@1" in str(caught.value)
    producer.flush()
    assert read_all(test_settings, test_settings.topics.prompts_requested, timeout=3) == []


def test_malformed_records_go_to_the_dlq_with_reason_and_the_loop_goes_on(test_settings: Settings) -> None:
    codec = _codec(test_settings)
    topics = test_settings.topics
    producer = GovernedProducer(test_settings, codec)
    producer.send(topics.prompts_requested, _prompt("first"))
    producer.send_raw(topics.prompts_requested, b"\xff\x00 not json")
    producer.send_raw(topics.prompts_requested, _prompt().to_bytes().replace(b'"u-1"', b"42"))
    producer.send_raw(topics.prompts_requested, None)
    producer.send(topics.prompts_requested, _prompt("last"))
    producer.flush()

    processor = pass_through(test_settings, topics.prompts_requested, topics.prompts_admitted, codec.registry)
    stop = threading.Event()
    worker = threading.Thread(target=processor.run, kwargs={"stop": stop})
    worker.start()
    try:
        passed = read_all(test_settings, topics.prompts_admitted, expect=2)
        dead = read_all(test_settings, topics.dlq, expect=3)
    finally:
        stop.set()
        worker.join(30)
    assert sorted(r["payload"]["question"] for r in passed) == ["first", "last"]
    reasons = sorted(d["payload"]["reason"] for d in dead)
    assert reasons == ["contract.type", "envelope.malformed", "envelope.malformed"]
    originals = {d["payload"]["original_b64"] for d in dead}
    assert base64.b64encode(b"\xff\x00 not json").decode() in originals
    assert None in originals  # the tombstone has no bytes, and still gets a record
    for d in dead:
        assert d["payload"]["source"]["topic"] == topics.prompts_requested
        assert d["payload"]["error"]


def test_topics_are_provisioned_from_contract_metadata_idempotently(test_settings: Settings) -> None:
    registry = ContractRegistry.load(test_settings.contracts_dir, test_settings.topics)
    assert ensure_topics(test_settings, registry.topic_specs()) == []  # the fixture already made them
    client = admin(test_settings)
    topics = client.list_topics(timeout=10).topics
    assert len(topics[test_settings.topics.dlq].partitions) == 1
    assert len(topics[test_settings.topics.answers_draft].partitions) == 3
    resource = ConfigResource(ConfigResource.Type.TOPIC, test_settings.topics.answers_rejected)
    configs = client.describe_configs([resource])[resource].result()
    assert configs["retention.ms"].value == "2592000000"
