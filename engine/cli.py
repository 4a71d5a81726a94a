"""The `governor` command. Thin: parses arguments and calls into the engine's wings."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from engine.errors import GovernorError
from engine.settings import Settings, load_settings

Command = Callable[[argparse.Namespace, Settings], int]


def _stack_up(args: argparse.Namespace, settings: Settings) -> int:
    from engine.stack import local

    state = local.up(settings.cache_dir, settings.run_dir, settings.policies_dir, brokers=args.brokers)
    if args.with_prometheus and not state.prometheus_url:
        state = local.with_prometheus(settings.run_dir, state)
    _provision(settings)
    print(f"kafka      {state.bootstrap_servers}")
    print(f"opa        {state.opa_url}")
    if state.prometheus_url:
        print(f"prometheus {state.prometheus_url}")
    print(f"state      {settings.run_dir / 'stack.json'}")
    return 0


def _stack_down(args: argparse.Namespace, settings: Settings) -> int:
    from engine.stack import local

    local.down(settings.run_dir)
    return 0


def _stack_status(args: argparse.Namespace, settings: Settings) -> int:
    from engine.stack import local

    status = local.status(settings.run_dir)
    if status is None:
        print(f"no local stack in {settings.run_dir} (start one with `governor stack up`)")
        return 1
    state = local.StackState.load(settings.run_dir)
    for name, up in status.items():
        print(f"{name:12} {'up' if up else 'DOWN'}")
    if state:
        print(f"kafka        {state.bootstrap_servers}\nopa          {state.opa_url}")
    return 0 if all(status.values()) else 1


def _provision(settings: Settings) -> list[str]:
    from engine.contracts.registry import ContractRegistry
    from engine.kafka.admin import ensure_topics

    created = ensure_topics(
        settings, ContractRegistry.load(settings.contracts_dir, settings.topics).topic_specs()
    )
    if created:
        print(f"provisioned topics: {', '.join(sorted(created))}")
    return created


def _contracts_list(args: argparse.Namespace, settings: Settings) -> int:
    from engine.contracts.registry import ContractRegistry

    for c in ContractRegistry.load(settings.contracts_dir, settings.topics):
        m = c.metadata
        pii = [f for f, cls in m.classification.items() if cls == "pii"]
        print(f"{c.id:28} owner={m.owner:20} partitions={m.partitions} compat={m.compatibility} pii={pii}")
    return 0


def _contracts_provision(args: argparse.Namespace, settings: Settings) -> int:
    created = _provision(settings)
    if not created:
        print("all contract topics exist")
    return 0


def _contracts_check(args: argparse.Namespace, settings: Settings) -> int:
    from engine.contracts.compat import CompatibilityMode, compare_schemas
    from engine.contracts.registry import ContractRegistry

    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    failures = 0
    for contract in registry:
        mode = contract.metadata.compatibility
        versions = sorted(contract.schemas)
        for old, new in itertools.pairwise(versions):
            if mode == "none":
                continue
            report = compare_schemas(contract.schemas[old], contract.schemas[new], CompatibilityMode(mode))
            if not report.compatible:
                failures += 1
                print(f"{contract.metadata.name}: v{old} -> v{new} is not {mode} compatible:")
                for change in report.incompatibilities:
                    print(f"  {change.path}: {change.kind}: {change.message}")
            else:
                print(f"{contract.metadata.name}: v{old} -> v{new} is {mode} compatible")
    print(f"{sum(1 for _ in registry)} contracts checked; {failures} incompatible change(s)")
    return 1 if failures else 0


def _contracts_diff(args: argparse.Namespace, settings: Settings) -> int:
    from engine.contracts.compat import CompatibilityMode, compare_schemas

    old, new = (json.loads(Path(p).read_text()) for p in (args.old, args.new))
    report = compare_schemas(old, new, CompatibilityMode(args.mode))
    for change in report.changes:
        breaks = ",".join(sorted(m.value for m in change.breaks)) or "none"
        print(f"{change.path}: {change.kind} (breaks: {breaks}): {change.message}")
    verdict = "compatible" if report.compatible else "INCOMPATIBLE"
    print(
        f"{args.mode}: {verdict} ({len(report.changes)} change(s), {len(report.incompatibilities)} breaking)"
    )
    return 0 if report.compatible else 1


def _policy_test(args: argparse.Namespace, settings: Settings) -> int:
    from engine.stack import opa

    ok, output = opa.run_tests(opa.install(settings.cache_dir), settings.policies_dir, args.min_coverage)
    print(output)
    return 0 if ok else 1


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from engine import metrics
    from engine.contracts.registry import ContractRegistry
    from engine.stages import launcher

    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    from engine.gates import runner
    from engine.stack.local import METRICS_PORTS

    port = args.metrics_port or settings.metrics_port or METRICS_PORTS[args.stage]
    revision = runner.policy_revision(runner.policy_client(settings))
    metrics.serve(port, policy_revision=revision, contracts=registry.revision())
    processor = launcher.build(args.stage, settings, registry)
    print(f"governor: {args.stage} running (group {settings.group(args.stage)}); Ctrl-C stops", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        processor.run()
    return 0


def _audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    from engine.audit import verify

    records = verify.read_file(Path(args.file)) if args.file else verify.read_topic(settings)
    report = verify.verify(records)
    for problem in report.problems:
        print(f"BROKEN {problem}")
    print(f"{report.records} record(s) in {report.chains} chain(s): {'intact' if report.ok else 'TAMPERED'}")
    return 0 if report.ok else 1


def _audit_tail(args: argparse.Namespace, settings: Settings) -> int:
    from engine.audit import verify

    shown = 0
    for located in verify.read_topic(settings, follow=args.follow):
        r = located.record
        if args.trace and r["subject"]["trace_id"] != args.trace:
            continue
        if args.outcome and r["outcome"] != args.outcome:
            continue
        if args.reason and args.reason not in r["reasons"]:
            continue
        if args.json:
            print(json.dumps(r))
        else:
            reasons = ",".join(r["reasons"]) or "-"
            print(
                f"{r['decided_at']} {r['gate']:9} {r['outcome']:8} {reasons:40} "
                f"trace={r['subject']['trace_id']}"
            )
        shown += 1
        if args.limit and shown >= args.limit:
            break
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="governor",
        description="Governance engine for event-driven GenAI applications on Apache Kafka.",
        epilog="Settings come from GOVERNOR_* environment variables or a YAML file named by GOVERNOR_CONFIG.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log at debug level")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    stack = sub.add_parser("stack", help="the local Kafka + OPA (+ Prometheus) stack").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    up = stack.add_parser("up", help="install (cached) and start the stack, provision contract topics")
    up.add_argument(
        "--brokers", type=int, default=1, choices=[1, 3], help="Kafka brokers (3 for fault tests)"
    )
    up.add_argument(
        "--with-prometheus", action="store_true", help="also start Prometheus with Governor's rules"
    )
    up.set_defaults(func=_stack_up)
    stack.add_parser("down", help="stop what `stack up` started, nothing else").set_defaults(func=_stack_down)
    stack.add_parser("status", help="what runs, and where").set_defaults(func=_stack_status)

    contracts = sub.add_parser("contracts", help="data contracts in contracts/").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    contracts.add_parser("list", help="every contract and its metadata").set_defaults(func=_contracts_list)
    contracts.add_parser(
        "check", help="load all contracts; fail on an incompatible version change"
    ).set_defaults(func=_contracts_check)
    contracts.add_parser("provision", help="create missing topics from contract metadata").set_defaults(
        func=_contracts_provision
    )
    diff = contracts.add_parser("diff", help="compare two schema files (exit 1 when incompatible)")
    diff.add_argument("old", help="the schema in force")
    diff.add_argument("new", help="the proposed schema")
    diff.add_argument("--mode", choices=["backward", "forward", "full"], default="backward")
    diff.set_defaults(func=_contracts_diff)

    policy = sub.add_parser("policy", help="Rego policies in policies/").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    ptest = policy.add_parser("test", help="opa test -v with rule coverage; fails under the floor")
    ptest.add_argument("--min-coverage", type=float, default=100.0)
    ptest.set_defaults(func=_policy_test)

    run = sub.add_parser("run", help="run one stage as a member of its consumer group")
    run.add_argument("stage", choices=["admission", "release", "augment", "infer", "workflow"])
    run.add_argument(
        "--metrics-port",
        type=int,
        default=0,
        help="serve /metrics on 127.0.0.1:PORT (default: per stage, 9471-9475)",
    )
    run.set_defaults(func=_run)

    audit = sub.add_parser("audit", help="the audit trail on governance.audit").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    verify_p = audit.add_parser("verify", help="check every hash chain; exit 1 and say where it breaks")
    verify_p.add_argument("--file", help="verify a JSONL export instead of the topic")
    verify_p.set_defaults(func=_audit_verify)
    tail = audit.add_parser("tail", help="print decisions, optionally filtered")
    tail.add_argument("--trace", help="only this trace id")
    tail.add_argument("--outcome", choices=["approved", "rejected", "dlq"])
    tail.add_argument("--reason", help="only decisions with this reason code")
    tail.add_argument("--follow", "-f", action="store_true", help="keep waiting for new records")
    tail.add_argument("--limit", type=int, default=0)
    tail.add_argument("--json", action="store_true", help="print whole records as JSON lines")
    tail.set_defaults(func=_audit_tail)

    _extend(sub)
    return parser


def _extend(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Commands defined next to the wings they drive (replay, ask, demo, bench)."""
    from engine import commands

    commands.register(sub)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s level=%(levelname)s logger=%(name)s %(message)s",
    )
    try:
        return int(args.func(args, load_settings()))
    except GovernorError as exc:
        print(f"governor: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
