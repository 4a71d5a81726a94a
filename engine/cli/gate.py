"""`governor gate replay`: the very release gate over a file of past drafts, without Kafka."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

from engine import app
from engine.cli.common import EXIT_OK, Subparsers, existing_dir, existing_file, on_stack, opa_serving
from engine.contracts.registry import ContractRegistry
from engine.gates import replay
from engine.settings import Settings


def _replay(args: argparse.Namespace, settings: Settings) -> int:
    settings = on_stack(settings)
    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    drafts = list(replay.read_drafts(args.input, registry, settings.topics.answers_draft))
    embed = app.embedder(settings).embed

    def decide(policies: Path | None) -> list[replay.ReplayDecision]:
        with opa_serving(settings, policies) as url:
            return replay.replay(
                app.policy_gate("release", settings, app.policy_client(settings, url), embed), drafts
            )

    decisions = decide(args.policies)
    with open(args.output, "w") if args.output else contextlib.nullcontext(sys.stdout) as out:
        for d in decisions:
            print(d.to_json(), file=out)
    counts = {o: sum(1 for d in decisions if d.outcome == o) for o in ("approved", "rejected", "dlq")}
    print(
        f"replay: {len(decisions)} drafts: " + ", ".join(f"{n} {o}" for o, n in counts.items()),
        file=sys.stderr,
    )
    if args.compare:
        changed = replay.changes(decisions, decide(args.compare))
        for change in changed:
            print(json.dumps(change), file=sys.stdout if args.output else sys.stderr)
        print(
            f"compare: {len(changed)} of {len(decisions)} decisions change with {args.compare}",
            file=sys.stderr,
        )
    return EXIT_OK


def register(sub: Subparsers) -> None:
    gate = sub.add_parser("gate", help="run the release gate outside Kafka").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    rp = gate.add_parser(
        "replay",
        help="decide a JSONL file of drafts with the real validators and Rego (no Kafka)",
        description="Input lines: {id, question, answer, context: [{id, text}], tenant}. Output lines: "
        "{id, outcome, reasons, answer}. --compare prints decisions that change under another policy folder. "
        "Without a configured OPA, a private one is started from the cached binary.",
    )
    rp.add_argument("--input", required=True, type=existing_file, help="drafts, one JSON object per line")
    rp.add_argument(
        "--policies", type=existing_dir, help="policy folder to evaluate (default: the configured OPA)"
    )
    rp.add_argument("--output", help="write decisions here instead of stdout")
    rp.add_argument(
        "--compare", metavar="DIR2", type=existing_dir, help="a second policy folder for shadow evaluation"
    )
    rp.set_defaults(func=_replay)
