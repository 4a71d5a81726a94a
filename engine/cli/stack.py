"""`governor stack up|down|status`: the local Kafka (KRaft), OPA and Prometheus."""

from __future__ import annotations

import argparse

from engine.cli.common import EXIT_OK, EXIT_VERDICT, Subparsers
from engine.contracts.provision import provision
from engine.settings import Settings
from engine.stack import credentials, local
from engine.trust import identity
from engine.trust.provision import secure_local


def bring_up(
    settings: Settings, brokers: int = 1, prometheus: bool = False, postgres: bool = False
) -> tuple[Settings, local.StackState]:
    """Start (or reuse) the local stack, provision the contracts' topics, apply their ACLs and, when asked,
    Prometheus and PostgreSQL with Kafka Connect streaming its articles; settings logged in as admin."""
    app_keys = identity.publish_local(settings.keys_path, settings.policies_dir, settings.run_dir)
    state = local.up(
        settings.cache_dir, settings.run_dir, settings.policies_dir, brokers=brokers, data_dirs=[app_keys]
    )
    if prometheus and not state.prometheus_url:
        state = local.with_prometheus(settings.run_dir, state)
    if postgres and not state.postgres_port:
        state = local.with_postgres(settings.run_dir, state)
    pinned = local.endpoints(settings, credentials.ADMIN)
    created = provision(pinned)
    if created:
        print(f"provisioned topics: {', '.join(sorted(created))}")
    changed = secure_local(pinned, settings.run_dir)
    if not changed.unchanged:
        print(f"ACLs from the contracts: {len(changed.add)} added, {len(changed.remove)} removed")
    if postgres and not state.connect_url:  # Connect never creates topics: after provisioning
        state = local.with_connect(settings.cache_dir, settings.run_dir, state, settings.topics.cdc_articles)
    return pinned, state


def _up(args: argparse.Namespace, settings: Settings) -> int:
    _, state = bring_up(settings, args.brokers, args.with_prometheus, args.with_postgres)
    print(f"kafka      {state.bootstrap_servers}")
    print(f"opa        {state.opa_url}")
    if state.prometheus_url:
        print(f"prometheus {state.prometheus_url}")
    if state.postgres_port:
        print(f"postgres   127.0.0.1:{state.postgres_port}")
    if state.connect_url:
        print(f"connect    {state.connect_url}")
    print(f"state      {settings.run_dir / 'stack.json'}")
    return EXIT_OK


def _down(args: argparse.Namespace, settings: Settings) -> int:
    local.down(settings.run_dir)
    return EXIT_OK


def _status(args: argparse.Namespace, settings: Settings) -> int:
    status = local.status(settings.run_dir)
    if status is None:
        print(f"no local stack in {settings.run_dir} (start one with `governor stack up`)")
        return EXIT_VERDICT
    state = local.StackState.load(settings.run_dir)
    for name, up in status.items():
        print(f"{name:12} {'up' if up else 'DOWN'}")
    if state:
        print(f"kafka        {state.bootstrap_servers}\nopa          {state.opa_url}")
    return EXIT_OK if all(status.values()) else EXIT_VERDICT


def _credentials(args: argparse.Namespace, settings: Settings) -> int:
    """librdkafka properties for one principal of the local stack (they include its password)."""
    state = local.StackState.load(settings.run_dir)
    if state is None:
        print(f"no local stack in {settings.run_dir} (start one with `governor stack up`)")
        return EXIT_VERDICT
    secret = credentials.password(settings.run_dir, args.principal)
    props = {
        "bootstrap.servers": state.bootstrap_servers,
        "security.protocol": "SASL_PLAINTEXT",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.username": args.principal,
        "sasl.password": secret,
    }
    print("\n".join(f"{k}={v}" for k, v in props.items()))
    return EXIT_OK


def register(sub: Subparsers) -> None:
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
    up.add_argument(
        "--with-postgres",
        action="store_true",
        help="also start PostgreSQL with the operational data, and Kafka Connect (Debezium) on its articles",
    )
    up.set_defaults(func=_up)
    creds = stack.add_parser(
        "credentials", help="librdkafka properties (key=value) for one principal of the local stack"
    )
    creds.add_argument("principal", help="e.g. web-app, ask, admission, auditor, admin")
    creds.set_defaults(func=_credentials)
    stack.add_parser("down", help="stop what `stack up` started, nothing else").set_defaults(func=_down)
    stack.add_parser("status", help="what runs, and where (exit 1 when something is down)").set_defaults(
        func=_status
    )
