"""The tenant comes from an identity: admission decides a prompt only under a tenant its signing app may
act for, on the real stack (the apps' public keys loaded into OPA beside policies/)."""

from __future__ import annotations

import pytest
from confluent_kafka import Producer

from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, Trace
from engine.kafka import config
from engine.settings import Settings
from engine.trust import identity, keys
from tests.kafka_helpers import read_all
from tests.stage_helpers import running

pytestmark = pytest.mark.integration

QUESTION = "How long is the cooling-off period for a new home policy?"


def _prompt(trace: str, tenant: str, question: str = QUESTION) -> Envelope:
    return Envelope(
        type="prompt.requested",
        contract="prompts.requested@1",
        tenant=tenant,
        payload={"question": question, "user": "u-7"},
        trace=Trace(trace),
    )


def test_only_requests_an_app_vouches_for_are_admitted(test_settings: Settings) -> None:
    t = test_settings.topics
    codec = GovernedCodec(ContractRegistry.load(test_settings.contracts_dir, t))
    producer = Producer(config.producer(test_settings))
    demo_key = keys.signing_key(test_settings.keys_path, "demo")
    rogue_key = keys.signing_key(test_settings.keys_path / "unpublished", "demo")

    def send(envelope: Envelope, sign_with: object = None, tamper: bool = False) -> None:
        value, headers = codec.encode(t.prompts_requested, envelope)
        extra = identity.sign_request(value, sign_with) if sign_with is not None else []  # type: ignore[arg-type]
        if tamper:  # signed for acme-insurance, then rewritten to claim strict-bank
            value = value.replace(b'"acme-insurance"', b'"strict-bank"')
        producer.produce(t.prompts_requested, value, headers=[*headers, *extra])

    send(_prompt("vouched", "acme-insurance"), demo_key)
    send(_prompt("other-apps-tenant", "strict-bank"), demo_key)  # demo may not act for strict-bank
    send(_prompt("unsigned", "acme-insurance"))
    send(_prompt("forged", "acme-insurance"), demo_key, tamper=True)
    send(_prompt("unknown-key", "acme-insurance"), rogue_key)
    send(_prompt("unknown-tenant", "no-such-tenant"), keys.signing_key(test_settings.keys_path, "ask"))
    assert producer.flush(30) == 0

    with running(test_settings, "admission"):
        admitted = [r["trace"]["trace_id"] for r in read_all(test_settings, t.prompts_admitted, expect=1)]
        rejected = {
            r["trace"]["trace_id"]: [reason["code"] for reason in r["payload"]["reasons"]]
            for r in read_all(test_settings, t.answers_rejected, expect=5)
        }
    assert admitted == ["vouched"]
    assert rejected == {
        "other-apps-tenant": ["identity.tenant_mismatch"],
        "unsigned": ["identity.unsigned"],
        "forged": ["identity.forged"],
        "unknown-key": ["identity.unknown_key"],
        "unknown-tenant": ["identity.tenant_mismatch", "identity.unknown_tenant"],
    }
