"""`governor contracts list|check|provision|diff`: the data contracts in contracts/."""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path
from typing import Any

from engine.cli.common import (
    EXIT_OK,
    EXIT_VERDICT,
    InputError,
    Subparsers,
    existing_file,
    on_stack,
    read_json,
)
from engine.contracts.compat import CompatibilityMode, compare_schemas
from engine.contracts.provision import provision
from engine.contracts.registry import ContractRegistry
from engine.settings import Settings


def _list(args: argparse.Namespace, settings: Settings) -> int:
    for c in ContractRegistry.load(settings.contracts_dir, settings.topics):
        m = c.metadata
        pii = [f for f, cls in m.classification.items() if cls == "pii"]
        print(f"{c.id:28} owner={m.owner:20} partitions={m.partitions} compat={m.compatibility} pii={pii}")
    return EXIT_OK


def _provision(args: argparse.Namespace, settings: Settings) -> int:
    created = provision(on_stack(settings))
    print(f"provisioned topics: {', '.join(sorted(created))}" if created else "all contract topics exist")
    return EXIT_OK


def _check(args: argparse.Namespace, settings: Settings) -> int:
    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    failures = 0
    for contract in registry:
        mode = contract.metadata.compatibility
        if mode == "none":
            continue
        for old, new in itertools.pairwise(sorted(contract.schemas)):
            report = compare_schemas(contract.schemas[old], contract.schemas[new], CompatibilityMode(mode))
            if report.compatible:
                print(f"{contract.metadata.name}: v{old} -> v{new} is {mode} compatible")
                continue
            failures += 1
            print(f"{contract.metadata.name}: v{old} -> v{new} is not {mode} compatible:")
            for change in report.incompatibilities:
                print(f"  {change.path}: {change.kind}: {change.message}")
    print(f"{sum(1 for _ in registry)} contracts checked; {failures} incompatible change(s)")
    return EXIT_VERDICT if failures else EXIT_OK


def _diff(args: argparse.Namespace, settings: Settings) -> int:
    old, new = (_schema(path) for path in (args.old, args.new))
    report = compare_schemas(old, new, CompatibilityMode(args.mode))
    for change in report.changes:
        breaks = ",".join(sorted(m.value for m in change.breaks)) or "none"
        print(f"{change.path}: {change.kind} (breaks: {breaks}): {change.message}")
    verdict = "compatible" if report.compatible else "INCOMPATIBLE"
    print(
        f"{args.mode}: {verdict} ({len(report.changes)} change(s), {len(report.incompatibilities)} breaking)"
    )
    return EXIT_OK if report.compatible else EXIT_VERDICT


def _schema(path: Path) -> dict[str, Any] | bool:
    schema = read_json(path)
    if not isinstance(schema, (dict, bool)):
        raise InputError(f"{path}: a JSON Schema is an object or a boolean, not {type(schema).__name__}")
    return schema


def register(sub: Subparsers) -> None:
    contracts = sub.add_parser("contracts", help="data contracts in contracts/").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    contracts.add_parser("list", help="every contract and its metadata").set_defaults(func=_list)
    contracts.add_parser(
        "check", help="load all contracts; exit 1 on an incompatible version change"
    ).set_defaults(func=_check)
    contracts.add_parser("provision", help="create missing topics from contract metadata").set_defaults(
        func=_provision
    )
    diff = contracts.add_parser(
        "diff", help="compare two schema files the way Schema Registry does (exit 1 when incompatible)"
    )
    diff.add_argument("old", type=existing_file, help="the schema in force")
    diff.add_argument("new", type=existing_file, help="the proposed schema")
    diff.add_argument("--mode", choices=["backward", "forward", "full"], default="backward")
    diff.set_defaults(func=_diff)
