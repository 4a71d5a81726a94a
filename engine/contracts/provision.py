"""Topic provisioning from contract metadata: every contract's topic exists with its partitions and
retention before anything produces to it."""

from __future__ import annotations

from engine.contracts.registry import ContractRegistry
from engine.kafka.admin import ensure_topics
from engine.settings import Settings


def provision(settings: Settings, registry: ContractRegistry | None = None) -> list[str]:
    """Create the topics of every contract that do not exist yet; returns the names created."""
    registry = registry or ContractRegistry.load(settings.contracts_dir, settings.topics)
    return ensure_topics(settings, registry.topic_specs())
