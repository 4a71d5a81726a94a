"""`governor run STAGE`: one stage or gate as a member of its consumer group."""

from __future__ import annotations

import argparse
import contextlib

from engine import app, metrics
from engine.cli.common import EXIT_OK, Subparsers, on_stack
from engine.contracts.registry import ContractRegistry
from engine.settings import STAGES, Settings


def _run(args: argparse.Namespace, settings: Settings) -> int:
    settings = on_stack(settings, args.stage)
    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    port = args.metrics_port or settings.metrics_port or metrics.DEFAULT_PORTS[args.stage]
    metrics.serve(
        port, policy_revision=app.policy_revision(app.policy_client(settings)), contracts=registry.revision()
    )
    processor = app.stage(args.stage, settings, registry)
    print(f"governor: {args.stage} running (group {settings.group(args.stage)}); Ctrl-C stops", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        processor.run()
    return EXIT_OK


def register(sub: Subparsers) -> None:
    run = sub.add_parser("run", help="run one stage as a member of its consumer group")
    run.add_argument("stage", choices=STAGES)
    run.add_argument(
        "--metrics-port",
        type=int,
        default=0,
        help="serve /metrics on 127.0.0.1:PORT (default: per stage, 9471-9475)",
    )
    run.set_defaults(func=_run)
