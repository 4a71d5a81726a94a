"""`governor bench gate|pipeline`: benchmarks with their baseline measured in the same run."""

from __future__ import annotations

import argparse

from engine import bench
from engine.cli.common import EXIT_OK, Subparsers, positive_int
from engine.settings import Settings
from engine.stack import local


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    if not (settings.bootstrap_servers and settings.opa_url):
        settings, _ = local.started(settings)
    print(f"broker {settings.bootstrap_servers}, OPA {settings.opa_url}", flush=True)
    if args.what == "gate":
        bench.bench_gate(settings.model_copy(update={"batch_size": args.batch_size}), args.count)
    else:
        bench.bench_pipeline(settings, args.questions)
    return EXIT_OK


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("bench", help="benchmarks with a baseline measured in the same run")
    parser.add_argument(
        "what",
        choices=["gate", "pipeline"],
        help="gate: release gate vs raw pass-through; "
        "pipeline: embedding throughput and end-to-end latency by stage",
    )
    parser.add_argument("--count", type=positive_int, default=1000, help="drafts for `bench gate`")
    parser.add_argument(
        "--batch-size", type=positive_int, default=100, help="consumer batch size for `bench gate`"
    )
    parser.add_argument("--questions", type=positive_int, default=3, help="questions for `bench pipeline`")
    parser.set_defaults(func=_bench)
