"""Wires a gate from settings: contracts, validators, OPA, audit, and the transactional loop."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from confluent_kafka import TopicPartition

from engine import endpoints
from engine.audit.writer import AuditWriter
from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.gates.admission import admission_route
from engine.gates.policy_gate import PolicyGate
from engine.gates.release import release_route
from engine.gates.stage import GateStage, Route
from engine.kafka.processor import TransactionalProcessor
from engine.policy.client import PolicyClient
from engine.settings import Settings
from engine.validators.base import Validator

log = logging.getLogger(__name__)
GateName = Literal["admission", "release"]
Embed = Callable[[Sequence[str]], object]


@dataclass(frozen=True)
class GateSpec:
    package: str
    input_topic: Callable[[Settings], str]
    route: Callable[[Settings], Route]


GATES: dict[str, GateSpec] = {
    "admission": GateSpec("governor.admission", lambda s: s.topics.prompts_requested, admission_route),
    "release": GateSpec("governor.release", lambda s: s.topics.answers_draft, release_route),
}


def policy_client(settings: Settings, url: str | None = None) -> PolicyClient:
    return PolicyClient(
        url or endpoints.opa_url(settings),
        timeout=settings.opa_timeout_seconds,
        retries=settings.opa_retries,
        backoff=settings.opa_backoff_seconds,
    )


def validators_for(name: str, settings: Settings, embed: Embed | None = None) -> list[Validator]:
    from engine.validators import registry

    if name == "release":
        return list(registry.release_validators(embed=embed, max_chars=settings.max_answer_chars))  # type: ignore[arg-type]
    return list(registry.admission_validators())


def build_policy_gate(
    name: str, settings: Settings, policy: PolicyClient, embed: Embed | None = None
) -> PolicyGate:
    return PolicyGate(name, GATES[name].package, validators_for(name, settings, embed), policy)


def build_processor(
    name: str, settings: Settings, registry: ContractRegistry, embed: Embed | None = None
) -> TransactionalProcessor:
    """The running gate: a consumer group on its input topic, deciding in transactions."""
    spec = GATES[name]
    codec = GovernedCodec(registry)
    policy = policy_client(settings)
    audit = AuditWriter(settings, codec, name)
    stage = GateStage(
        build_policy_gate(name, settings, policy, embed),
        spec.route(settings),
        codec,
        audit,
        settings.topics.dlq,
        policy_revision=policy_revision(policy),
    )

    def assigned(partitions: list[TopicPartition]) -> None:
        audit.recover(partitions)

    return TransactionalProcessor(
        settings,
        name,
        [spec.input_topic(settings)],
        stage.handle,
        on_assign=assigned,
        on_committed=audit.committed,
        on_aborted=audit.aborted,
    )


def policy_revision(policy: PolicyClient) -> str:
    """The revision of the Rego and tenant data OPA holds now, or "unknown" while OPA is unreachable."""
    from engine.errors import PolicyUnavailable

    try:
        return policy.revision()
    except PolicyUnavailable as exc:
        log.warning("policy revision unknown at start (OPA unreachable): %s", exc)
        return "unknown"
