"""`governor soak [--duration S]`: exactly-once and fail-closed under kills, freezes and outages."""

from __future__ import annotations

import argparse

from engine import soak
from engine.cli.common import EXIT_OK, EXIT_VERDICT, InputError, Subparsers
from engine.settings import Settings


def _soak(args: argparse.Namespace, settings: Settings) -> int:
    if args.duration < 60:
        raise InputError(f"--duration must be at least 60 seconds, got {args.duration}")
    report = soak.run(settings, args.duration)
    print(report.line(), flush=True)
    return EXIT_OK if report.ok else EXIT_VERDICT


def register(sub: Subparsers) -> None:
    cmd = sub.add_parser(
        "soak",
        help="three brokers, real OPA, a scripted model; kill members, a broker, OPA and the model "
        "while traffic flows; exit 1 unless every input is decided exactly once and none approved while down",
    )
    cmd.add_argument(
        "--duration", type=float, default=240, help="seconds of traffic and faults (default 240)"
    )
    cmd.set_defaults(func=_soak)
