"""`governor fuzz --count N`: random and mutated records through every stage's consume path."""

from __future__ import annotations

import argparse
import sys

from engine import fuzz
from engine.cli.common import EXIT_OK, EXIT_VERDICT, InputError, Subparsers
from engine.settings import Settings


def _fuzz(args: argparse.Namespace, settings: Settings) -> int:
    if args.count < 1:
        raise InputError(f"--count must be at least 1, got {args.count}")
    report = fuzz.run(settings, args.count, seed=args.seed)
    for example in report.examples:
        print(f"  crash: {example}", file=sys.stderr)
    print(report.line(), flush=True)
    return EXIT_VERDICT if report.crashes else EXIT_OK


def register(sub: Subparsers) -> None:
    cmd = sub.add_parser(
        "fuzz",
        help="push random and mutated records through every stage's handler (no Kafka); exit 1 on a crash",
    )
    cmd.add_argument("--count", type=int, default=10000, help="records in all (default 10000)")
    cmd.add_argument("--seed", type=int, default=0, help="random seed (default 0: the same run every time)")
    cmd.set_defaults(func=_fuzz)
