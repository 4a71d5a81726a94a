"""Reading topics in tests the way app teams do: read_committed, from the beginning."""

from __future__ import annotations

import json
import time
from typing import Any

from confluent_kafka import Consumer, TopicPartition
from pydantic import SecretStr

from engine.kafka import config
from engine.settings import Settings


def read_all(settings: Settings, topic: str, expect: int | None = None, timeout: float = 30.0) -> list[Any]:
    """Committed records of `topic` (decoded JSON, or raw bytes when not JSON); waits for `expect` of them."""
    consumer = Consumer(config.consumer(settings, f"{settings.group_prefix}.reader.{time.monotonic_ns()}"))
    try:
        parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        consumer.assign([TopicPartition(topic, p, 0) for p in parts])
        records: list[Any] = []
        deadline = time.monotonic() + timeout
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            batch = consumer.consume(500, 0.3)
            for msg in batch:
                if msg.error():
                    continue
                try:
                    records.append(json.loads(msg.value()))
                except (TypeError, ValueError):
                    records.append(msg.value())
            if batch:
                quiet_since = time.monotonic()
            if expect is not None and len(records) >= expect and time.monotonic() - quiet_since > 1.0:
                break
            if expect is None and time.monotonic() - quiet_since > 2.0:
                break
        return records
    finally:
        consumer.close()


def produce_prompts(settings: Settings, topic: str, n: int, id_prefix: str, start: int = 0) -> None:
    """n valid prompt envelopes (ids <id_prefix><i> from i = start), written raw and acknowledged by all
    replicas."""
    from confluent_kafka import Producer

    from engine.envelope import Envelope

    producer = Producer({**config.producer(settings), "acks": "all"})
    for i in range(start, start + n):
        env = Envelope(type="prompt.requested", contract="prompts.requested@1", tenant="t",
                       payload={"question": f"q{i}", "user": "u"}, id=f"{id_prefix}{i}")  # fmt: skip
        producer.produce(topic, env.to_bytes(), key=str(i).encode())
    assert producer.flush(60) == 0


def wait_for_count(settings: Settings, topic: str, at_least: int, timeout: float = 120.0) -> int:
    """Block until `topic` holds at least `at_least` committed records; returns as soon as it does."""
    consumer = Consumer(config.consumer(settings, f"{settings.group_prefix}.counter.{time.monotonic_ns()}"))
    try:
        parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        consumer.assign([TopicPartition(topic, p, 0) for p in parts])
        seen, deadline = 0, time.monotonic() + timeout
        while seen < at_least and time.monotonic() < deadline:
            seen += sum(1 for msg in consumer.consume(100, 0.05) if not msg.error())
        return seen
    finally:
        consumer.close()


def kafka_login(username: str, password: str) -> dict[str, Any]:
    """Settings fields that authenticate as `username` (SCRAM-SHA-512); none for a PLAINTEXT cluster."""
    if not username:
        return {}
    return {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_username": username,
        "sasl_password": SecretStr(password),
    }


def kafka_env(settings: Settings) -> dict[str, str]:
    """GOVERNOR_* variables that give a subprocess the same Kafka endpoint and login (and OPA token) as
    `settings`."""
    env = {"GOVERNOR_BOOTSTRAP_SERVERS": settings.bootstrap_servers or ""}
    env["GOVERNOR_SECURITY_PROTOCOL"] = settings.security_protocol
    if settings.sasl_username:
        env["GOVERNOR_SASL_MECHANISM"] = settings.sasl_mechanism or ""
        env["GOVERNOR_SASL_USERNAME"] = settings.sasl_username
        secret = settings.sasl_password
        env["GOVERNOR_SASL_PASSWORD"] = secret.get_secret_value() if secret else ""
    if settings.opa_token:
        env["GOVERNOR_OPA_TOKEN"] = settings.opa_token.get_secret_value()
    return env
