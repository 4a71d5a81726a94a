"""`governor policy test`: the Rego in policies/, tested by OPA with a rule-coverage floor."""

from __future__ import annotations

import argparse

from engine.cli.common import EXIT_OK, EXIT_VERDICT, Subparsers
from engine.settings import Settings
from engine.stack import opa


def _test(args: argparse.Namespace, settings: Settings) -> int:
    ok, output = opa.run_tests(opa.install(settings.cache_dir), settings.policies_dir, args.min_coverage)
    print(output)
    return EXIT_OK if ok else EXIT_VERDICT


def register(sub: Subparsers) -> None:
    policy = sub.add_parser("policy", help="Rego policies in policies/").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    test = policy.add_parser("test", help="opa test -v with rule coverage; exit 1 under the floor")
    test.add_argument("--min-coverage", type=float, default=100.0, help="percent of rules (default 100)")
    test.set_defaults(func=_test)
