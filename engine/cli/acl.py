"""`governor acl plan|apply`: Kafka ACLs from the contracts' producers and consumers."""

from __future__ import annotations

import argparse

from engine.cli.common import EXIT_OK, EXIT_VERDICT, Subparsers, on_stack
from engine.contracts.registry import ContractRegistry
from engine.settings import Settings
from engine.trust import cluster
from engine.trust.acl import Plan, desired


def _print(plan: Plan, verb: str) -> None:
    if plan.unchanged:
        print("no change: the cluster's ACLs are what the contracts say")
        return
    print(f"{verb}: {len(plan.add)} to add, {len(plan.remove)} to remove")
    for line in plan.lines():
        print(f"  {line}")


def _plan(args: argparse.Namespace, settings: Settings) -> int:
    settings = on_stack(settings)
    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    if args.wanted:
        for acl in sorted(desired(settings, registry)):
            print(acl.describe())
        return EXIT_OK
    plan = cluster.cluster_plan(settings, registry)
    _print(plan, "plan")
    return EXIT_OK if plan.unchanged else EXIT_VERDICT


def _apply(args: argparse.Namespace, settings: Settings) -> int:
    settings = on_stack(settings)
    _print(cluster.apply(settings, ContractRegistry.load(settings.contracts_dir, settings.topics)), "applied")
    return EXIT_OK


def register(sub: Subparsers) -> None:
    acl = sub.add_parser("acl", help="Kafka ACLs generated from the contracts").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    plan = acl.add_parser("plan", help="what `acl apply` would change (exit 1 when something would)")
    plan.add_argument("--wanted", action="store_true", help="print every ACL the contracts call for")
    plan.set_defaults(func=_plan)
    acl.add_parser(
        "apply", help="add the missing ACLs and remove stale ones Governor manages (idempotent)"
    ).set_defaults(func=_apply)
