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
        if args.batch_size is not None:
            settings = settings.model_copy(update={"batch_size": args.batch_size})
        if args.messages is not None:
            bench.bench_soak(settings, args.messages)
        else:
            bench.bench_gate(settings, args.count, rate=args.rate)
    else:
        bench.bench_pipeline(settings, args.questions)
    return EXIT_OK


def _positive_rate(value: str) -> float:
    rate = float(value)
    if not rate > 0:
        raise argparse.ArgumentTypeError(f"{value}: must be above 0")
    return rate


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
        "--batch-size",
        type=positive_int,
        default=None,
        help="records per transaction for `bench gate` (default: GOVERNOR_BATCH_SIZE, 1000)",
    )
    parser.add_argument(
        "--rate",
        type=_positive_rate,
        default=None,
        help="`bench gate`: feed the release gate at this many drafts/s and print its added p99",
    )
    parser.add_argument(
        "--messages",
        type=positive_int,
        default=None,
        help="`bench gate`: a raw-loop soak over this many messages, printing resident memory",
    )
    parser.add_argument("--questions", type=positive_int, default=3, help="questions for `bench pipeline`")
    parser.set_defaults(func=_bench)
