"""`governor eval`: parse, run the library (engine.gates.evaluate), print."""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.settings import Settings


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from engine.contracts.registry import ContractRegistry
    from engine.gates import evaluate
    from engine.gates.policy_gate import PolicyGate
    from engine.gates.policy_server import policy_url
    from engine.policy.client import PolicyClient
    from engine.validators.registry import release_validators

    cases = evaluate.read_cases(Path(args.input))
    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    embed = None
    if args.embed:
        from engine.models.embeddings import LocalMiniLM

        embed = LocalMiniLM().embed
    validators = release_validators(embed=embed, max_chars=settings.max_answer_chars)
    # A local stack may serve another checkout's policies: eval scores this one's unless told otherwise.
    with policy_url(settings, Path(args.policies) if args.policies else None, use_stack=False) as url:
        policy = PolicyClient(url, timeout=settings.opa_timeout_seconds, retries=settings.opa_retries)
        gate = PolicyGate("release", "governor.release", validators, policy)
        full, detectors = evaluate.evaluate(gate, cases, registry, settings.topics.answers_draft)
    print(f"eval: {len(cases)} cases from {args.input}")
    for line in evaluate.format_report("release gate", full):
        print(line)
    for line in evaluate.format_report("detectors only (sensitive sentence also in the context)", detectors):
        print(line)
    failed = full.leaked_values or detectors.leaked_values
    return 1 if failed else 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ev = sub.add_parser(
        "eval",
        help="score the release gate on a labelled JSONL set (recall, escapes, false rejects)",
        description="Lines: {id, question, answer, context, tenant, label: approve|stop|stop_or_redact, "
        "kind, forbidden: [...], sensitive}. Starts a private OPA when none is configured.",
    )
    ev.add_argument("--input", required=True, help="labelled cases, one JSON object per line")
    ev.add_argument("--policies", help="policy folder to evaluate (default: the configured OPA or policies/)")
    ev.add_argument(
        "--embed", action="store_true", help="blend in the local MiniLM embeddings, as the gate does"
    )
    ev.set_defaults(func=_eval)
