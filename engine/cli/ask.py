"""`governor ask`: produce a prompt and wait for its approved answer or the reasons it was stopped."""

from __future__ import annotations

import argparse
import json

from engine.cli.common import EXIT_OK, EXIT_STOPPED, Subparsers, on_stack
from engine.client import GovernorClient
from engine.settings import Settings


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    with GovernorClient(on_stack(settings, "ask")) as client:
        answer = client.ask(args.question, tenant=args.tenant, user=args.user, timeout=args.timeout)
    if args.json:
        print(json.dumps(answer.__dict__, default=list))
    elif answer.outcome == "approved":
        print(answer.text)
        if answer.citations:
            print(f"\ncitations: {', '.join(answer.citations)}")
    else:
        print(f"stopped at the {answer.gate} gate:")
        for code, message in answer.reasons:
            print(f"  {code}: {message}")
    return EXIT_OK if answer.outcome == "approved" else EXIT_STOPPED


def register(sub: Subparsers) -> None:
    ask = sub.add_parser(
        "ask", help="ask the governed assistant; prints the approved answer or why it was stopped"
    )
    ask.add_argument("question")
    ask.add_argument("--tenant", default="acme-insurance", help="tenant whose policies apply")
    ask.add_argument("--user", default="cli-user")
    ask.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for a decision")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.set_defaults(func=_ask)
