"""CLI commands that drive whole workflows (replay, ask, demo, bench); registered into cli.py's parser."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.settings import Settings


def _replay(args: argparse.Namespace, settings: Settings) -> int:
    from engine import wiring
    from engine.contracts.registry import ContractRegistry
    from engine.gates import replay, runner
    from engine.stack.opa import TemporaryOPA

    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    drafts = list(replay.read_drafts(Path(args.input), registry, settings.topics.answers_draft))
    embed = wiring.embedder(settings).embed

    def decide(policies: Path | None) -> list[replay.ReplayDecision]:
        if policies is None:
            gate = runner.build_policy_gate("release", settings, runner.policy_client(settings), embed)
            return replay.replay(gate, drafts)
        with TemporaryOPA(settings.cache_dir, policies) as url:
            gate = runner.build_policy_gate("release", settings, runner.policy_client(settings, url), embed)
            return replay.replay(gate, drafts)

    decisions = decide(Path(args.policies) if args.policies else None)
    out = open(args.output, "w") if args.output else sys.stdout  # noqa: SIM115
    try:
        for d in decisions:
            print(d.to_json(), file=out)
    finally:
        if args.output:
            out.close()
    counts = {o: sum(1 for d in decisions if d.outcome == o) for o in ("approved", "rejected", "dlq")}
    print(f"replay: {len(decisions)} drafts: " + ", ".join(f"{n} {o}" for o, n in counts.items()), file=sys.stderr)
    if args.compare:
        changed = replay.changes(decisions, decide(Path(args.compare)))
        for change in changed:
            print(json.dumps(change), file=sys.stderr if not args.output else sys.stdout)
        print(f"compare: {len(changed)} of {len(decisions)} decisions change with {args.compare}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    gate = sub.add_parser("gate", help="run the release gate outside Kafka").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    rp = gate.add_parser(
        "replay",
        help="decide a JSONL file of drafts with the real validators and Rego (no Kafka)",
        description="Input lines: {id, question, answer, context: [{id, text}], tenant}. Output lines: "
        "{id, outcome, reasons, answer}. --compare prints decisions that change under another policy folder.",
    )
    rp.add_argument("--input", required=True, help="drafts, one JSON object per line")
    rp.add_argument("--policies", help="policy folder to evaluate (default: the configured OPA)")
    rp.add_argument("--output", help="write decisions here instead of stdout")
    rp.add_argument("--compare", metavar="DIR2", help="a second policy folder for shadow evaluation")
    rp.set_defaults(func=_replay)
