"""Kafka ACLs derived from the contracts: who may write and read each topic, each stage's consumer group
and transactional ids. A plan is the difference between these and what the cluster holds, within the
resources Governor manages; applying it adds what is missing and removes what is stale."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from engine.contracts.registry import ContractRegistry
from engine.settings import STAGES, Settings

AUDITOR = "auditor"

ResourceType = Literal["TOPIC", "GROUP", "TRANSACTIONAL_ID"]
PatternType = Literal["LITERAL", "PREFIXED"]
Operation = Literal["READ", "WRITE", "DESCRIBE"]


@dataclass(frozen=True, order=True)
class Acl:
    """One ALLOW rule for any host: `principal` may `operation` on a resource."""

    principal: str
    resource_type: ResourceType
    pattern: PatternType
    resource: str
    operation: Operation

    def describe(self) -> str:
        star = "*" if self.pattern == "PREFIXED" else ""
        return f"User:{self.principal} {self.operation} {self.resource_type.lower()} {self.resource}{star}"


@dataclass(frozen=True)
class Plan:
    """What `apply` would change: ACLs to add and (Governor-managed, no longer wanted) ACLs to remove."""

    add: tuple[Acl, ...]
    remove: tuple[Acl, ...]

    @property
    def unchanged(self) -> bool:
        return not self.add and not self.remove

    def lines(self) -> list[str]:
        return [f"+ {a.describe()}" for a in self.add] + [f"- {a.describe()}" for a in self.remove]


def principals(registry: ContractRegistry) -> list[str]:
    """Every principal the contracts name, each stage, and the auditor."""
    names = {*STAGES, AUDITOR}
    for contract in registry:
        names |= {*contract.metadata.producers, *contract.metadata.consumers}
    return sorted(names)


def group_prefix(settings: Settings, principal: str) -> str:
    """The consumer groups a principal may use: `<group_prefix>.<principal>` and anything under it."""
    return settings.group(principal)


def desired(settings: Settings, registry: ContractRegistry) -> set[Acl]:
    """The ACLs the contracts call for, for the topic names and prefixes in `settings`."""
    acls: set[Acl] = set()
    for contract, spec in zip(registry, registry.topic_specs(), strict=True):
        meta = contract.metadata
        for producer in meta.producers:
            acls |= {Acl(producer, "TOPIC", "LITERAL", spec.name, op) for op in ("WRITE", "DESCRIBE")}
        readers = [*meta.consumers, *([AUDITOR] if spec.name == settings.topics.audit else [])]
        for consumer in readers:
            acls |= {Acl(consumer, "TOPIC", "LITERAL", spec.name, op) for op in ("READ", "DESCRIBE")}
    for principal in principals(registry):
        acls.add(Acl(principal, "GROUP", "PREFIXED", group_prefix(settings, principal), "READ"))
    for stage in STAGES:
        prefix = f"{settings.group(stage)}."  # transactional.id is <group_prefix>.<stage>.<instance>
        acls |= {Acl(stage, "TRANSACTIONAL_ID", "PREFIXED", prefix, op) for op in ("WRITE", "DESCRIBE")}
    return acls


def managed(acl: Acl, settings: Settings, names: Iterable[str]) -> bool:
    """Whether Governor owns `acl`: one of its principals, on one of its topics or under its prefix.
    Anything else on the cluster (an operator's own rules, other deployments' topics) is left alone."""
    if acl.principal not in set(names):
        return False
    if acl.resource_type == "TOPIC":
        return acl.pattern == "LITERAL" and acl.resource in set(settings.topics.model_dump().values())
    return acl.pattern == "PREFIXED" and acl.resource.startswith(f"{settings.group_prefix}.")


def plan(wanted: Iterable[Acl], existing: Iterable[Acl], owned: Iterable[Acl] | None = None) -> Plan:
    """The changes that turn `existing` into `wanted`; only `owned` existing ACLs (default: all) may be
    removed."""
    want, have = set(wanted), set(existing)
    removable = have if owned is None else set(owned) & have
    return Plan(add=tuple(sorted(want - have)), remove=tuple(sorted(removable - want)))
