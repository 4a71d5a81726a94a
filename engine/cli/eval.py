"""`governor eval`: score the release gate on a labelled set (recall, escapes, false rejects)."""

from __future__ import annotations

import argparse

from engine import app
from engine.cli.common import EXIT_OK, EXIT_VERDICT, Subparsers, existing_dir, existing_file, opa_serving
from engine.contracts.registry import ContractRegistry
from engine.gates import evaluate
from engine.settings import Settings


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    cases = evaluate.read_cases(args.input)
    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    embed = app.embedder(settings).embed if args.embed else None
    # Without --policies, the configured OPA (GOVERNOR_OPA_URL) or a private one serving this checkout's
    # policies: a running local stack may serve another checkout's, so it is not picked up.
    with opa_serving(settings, args.policies) as url:
        gate = app.policy_gate("release", settings, app.policy_client(settings, url), embed)
        full, detectors = evaluate.evaluate(gate, cases, registry, settings.topics.answers_draft)
    print(f"eval: {len(cases)} cases from {args.input}")
    for line in evaluate.format_report("release gate", full):
        print(line)
    for line in evaluate.format_report("detectors only (sensitive sentence also in the context)", detectors):
        print(line)
    return EXIT_VERDICT if full.leaked_values or detectors.leaked_values else EXIT_OK


def register(sub: Subparsers) -> None:
    ev = sub.add_parser(
        "eval",
        help="score the release gate on a labelled JSONL set (recall, escapes, false rejects)",
        description="Lines: {id, question, answer, context, tenant, label: approve|stop|stop_or_redact, "
        "kind, forbidden: [...], sensitive}. Starts a private OPA when none is configured. "
        "Exit 1 when a forbidden value is released.",
    )
    ev.add_argument("--input", required=True, type=existing_file, help="labelled cases, one JSON per line")
    ev.add_argument(
        "--policies", type=existing_dir, help="policy folder (default: the configured OPA or policies/)"
    )
    ev.add_argument(
        "--embed", action="store_true", help="blend in the local MiniLM embeddings, as the gate does"
    )
    ev.set_defaults(func=_eval)
