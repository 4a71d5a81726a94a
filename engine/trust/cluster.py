"""ACLs and SCRAM credentials on a running cluster, through the admin API (as a super user)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

from confluent_kafka import KafkaException
from confluent_kafka.admin import (
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    ResourcePatternType,
    ResourceType,
    ScramCredentialInfo,
    ScramMechanism,
    UserScramCredentialUpsertion,
)

from engine.contracts.registry import ContractRegistry
from engine.errors import GovernorError
from engine.kafka import access
from engine.kafka.admin import admin
from engine.settings import Settings
from engine.trust.acl import Acl, Plan, desired, managed, plan, principals

SCRAM_ITERATIONS = 8192


class AclError(GovernorError):
    """The cluster refused to list or change ACLs or credentials; names the principal and operation."""


def _binding(acl: Acl) -> AclBinding:
    return AclBinding(
        ResourceType[acl.resource_type],
        acl.resource,
        ResourcePatternType[acl.pattern],
        f"User:{acl.principal}",
        "*",
        AclOperation[acl.operation],
        AclPermissionType.ALLOW,
    )


def _acl(binding: AclBinding) -> Acl | None:
    """Governor's view of a binding; None for what Governor never writes (DENY, host-bound, other ops)."""
    restype, pattern = _name(binding.restype), _name(binding.resource_pattern_type)
    operation = _name(binding.operation)
    if (
        binding.permission_type != AclPermissionType.ALLOW
        or binding.host != "*"
        or not binding.principal.startswith("User:")
        or restype not in ("TOPIC", "GROUP", "TRANSACTIONAL_ID")
        or pattern not in ("LITERAL", "PREFIXED")
        or operation not in ("READ", "WRITE", "DESCRIBE")
    ):
        return None
    return Acl(binding.principal[5:], restype, pattern, binding.name, operation)  # type: ignore[arg-type]


def _name(value: object) -> str:
    """An enum member's name (the client's stubs also allow str and int here)."""
    return str(getattr(value, "name", value))


def _who(settings: Settings) -> str:
    return f"principal {access.principal(settings)}"


def existing(settings: Settings, timeout: float = 30) -> set[Acl]:
    """Every ALLOW ACL on the cluster, in Governor's terms."""
    anything = AclBindingFilter(
        ResourceType.ANY,
        None,  # type: ignore[arg-type]  # None matches any name, principal and host
        ResourcePatternType.ANY,
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        AclOperation.ANY,
        AclPermissionType.ANY,
    )
    try:
        client = admin(settings)  # keep the handle alive until the future resolves
        bindings = client.describe_acls(anything, request_timeout=timeout).result()
    except KafkaException as exc:
        raise AclError(f"{_who(settings)} could not describe ACLs: {exc.args[0].str()}") from exc
    return {a for a in map(_acl, bindings) if a is not None}


def cluster_plan(settings: Settings, registry: ContractRegistry) -> Plan:
    """What `apply` would change on the cluster in `settings`."""
    names = principals(registry)
    have = existing(settings)
    return plan(desired(settings, registry), have, {a for a in have if managed(a, settings, names)})


def apply(settings: Settings, registry: ContractRegistry, timeout: float = 30) -> Plan:
    """Make the cluster's ACLs what the contracts say; returns what was changed (idempotent)."""
    todo = cluster_plan(settings, registry)
    client = admin(settings)
    try:
        if todo.add:
            created = client.create_acls([_binding(a) for a in todo.add], request_timeout=timeout)
            for future in created.values():
                future.result()
        if todo.remove:
            filters = [_filter(a) for a in todo.remove]
            for future in client.delete_acls(filters, request_timeout=timeout).values():
                future.result()
    except KafkaException as exc:
        raise AclError(f"{_who(settings)} could not change ACLs: {exc.args[0].str()}") from exc
    _wait_until_visible(settings, todo, timeout)
    return todo


def _wait_until_visible(settings: Settings, done: Plan, timeout: float) -> None:
    """The authorizer learns of changes from the metadata log a little later: wait until the cluster
    answers with them, so whatever runs next is checked against the new ACLs."""
    deadline = time.monotonic() + timeout
    while True:
        have = existing(settings)
        if set(done.add) <= have and not set(done.remove) & have:
            return
        if time.monotonic() > deadline:
            raise AclError(f"{_who(settings)}: the ACL changes were not visible after {timeout:.0f}s")
        time.sleep(0.1)


def _filter(acl: Acl) -> AclBindingFilter:
    b = _binding(acl)
    return AclBindingFilter(
        b.restype, b.name, b.resource_pattern_type, b.principal, b.host, b.operation, b.permission_type
    )


def ensure_users(settings: Settings, passwords: Mapping[str, str], names: Iterable[str]) -> list[str]:
    """Create the SCRAM-SHA-512 credentials that `names` lack (passwords from `passwords`); returns
    the principals created. Never changes an existing credential."""
    client = admin(settings)
    wanted = sorted(set(names))
    try:
        described = client.describe_user_scram_credentials(wanted, request_timeout=30)
    except KafkaException as exc:
        raise AclError(f"{_who(settings)} could not describe SCRAM credentials: {exc.args[0].str()}") from exc
    missing = []
    assert isinstance(described, dict)  # a list of users gives one future per user
    for name, future in described.items():
        try:
            if future.result().scram_credential_infos:
                continue
        except KafkaException:  # RESOURCE_NOT_FOUND: no credential yet
            pass
        missing.append(name)
    if not missing:
        return []
    info = ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS)
    upserts = [UserScramCredentialUpsertion(n, info, passwords[n].encode()) for n in missing]
    altered = client.alter_user_scram_credentials(upserts, request_timeout=30)  # type: ignore[arg-type]
    for name, future in altered.items():
        try:
            future.result()
        except KafkaException as exc:
            raise AclError(
                f"{_who(settings)} could not create the SCRAM credential of {name}: {exc.args[0].str()}"
            ) from exc
    return missing
