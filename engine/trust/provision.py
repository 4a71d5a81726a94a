"""Secure a local stack: a SCRAM credential for every principal the contracts name, and their ACLs."""

from __future__ import annotations

from pathlib import Path

from engine.contracts.registry import ContractRegistry
from engine.settings import Settings
from engine.stack import credentials
from engine.trust.acl import Plan, principals
from engine.trust.cluster import apply, ensure_users


def secure_local(settings: Settings, run_dir: Path) -> Plan:
    """As the admin in `settings`: create missing credentials (kept in `run_dir`), apply the ACLs."""
    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    names = principals(registry)
    passwords = credentials.ensure(run_dir, names)
    ensure_users(settings, passwords, names)
    return apply(settings, registry)
