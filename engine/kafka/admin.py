"""Topic administration: create what is missing, delete on request; idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from engine.errors import GovernorError
from engine.kafka import config
from engine.settings import Settings


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    retention_ms: int | None = None
    cleanup_policy: str = "delete"


def admin(settings: Settings) -> AdminClient:
    return AdminClient(config.common(settings))


def ensure_topics(settings: Settings, specs: list[TopicSpec], timeout: float = 30) -> list[str]:
    """Create the topics that do not exist yet; returns the names created."""
    client = admin(settings)
    existing = set(client.list_topics(timeout=timeout).topics)
    brokers = len(client.list_topics(timeout=timeout).brokers)
    replication = min(3, brokers)
    missing = [s for s in specs if s.name not in existing]
    if not missing:
        return []
    new = []
    for spec in missing:
        cfg = {"cleanup.policy": spec.cleanup_policy}
        if spec.retention_ms is not None:
            cfg["retention.ms"] = str(spec.retention_ms)
        new.append(
            NewTopic(spec.name, num_partitions=spec.partitions, replication_factor=replication, config=cfg)
        )
    created = []
    for name, future in client.create_topics(new, operation_timeout=timeout).items():
        try:
            future.result()
            created.append(name)
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise GovernorError(f"could not create topic {name}: {exc}") from exc
    _wait_for_leaders(client, [s.name for s in missing], timeout)
    return created


def _wait_for_leaders(client: AdminClient, names: list[str], timeout: float) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        topics = client.list_topics(timeout=timeout).topics
        if all(n in topics and all(p.leader >= 0 for p in topics[n].partitions.values()) for n in names):
            return
        time.sleep(0.1)
    raise GovernorError(f"topics {names} have no leader after {timeout}s")


def delete_topics(settings: Settings, names: list[str], timeout: float = 30) -> None:
    if not names:
        return
    client = admin(settings)  # keep the handle alive until every future resolves
    for future in client.delete_topics(names, operation_timeout=timeout).values():
        try:
            future.result()
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError.UNKNOWN_TOPIC_OR_PART:
                raise
