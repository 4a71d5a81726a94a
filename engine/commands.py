"""CLI commands that drive whole workflows (replay, ask, demo, bench); registered into cli.py's parser."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine import cli_data
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
        with TemporaryOPA(settings.cache_dir, policies) as server:
            gate = runner.build_policy_gate(
                "release", settings, runner.policy_client(settings, server.url), embed
            )
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
    print(
        f"replay: {len(decisions)} drafts: " + ", ".join(f"{n} {o}" for o, n in counts.items()),
        file=sys.stderr,
    )
    if args.compare:
        changed = replay.changes(decisions, decide(Path(args.compare)))
        for change in changed:
            print(json.dumps(change), file=sys.stdout if args.output else sys.stderr)
        print(
            f"compare: {len(changed)} of {len(decisions)} decisions change with {args.compare}",
            file=sys.stderr,
        )
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from engine.client import GovernorClient

    with GovernorClient(settings) as client:
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
    return 0 if answer.outcome == "approved" else 3


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from engine import demo

    return demo.run(settings, keep_running=args.keep_running)


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    from engine import bench
    from engine.endpoints import bootstrap_servers, on_local_stack, opa_url

    if not (settings.bootstrap_servers and settings.opa_url):
        settings, _ = on_local_stack(settings)
    print(f"broker {bootstrap_servers(settings)}, OPA {opa_url(settings)}", flush=True)
    if args.what == "gate":
        bench.bench_gate(settings.model_copy(update={"batch_size": args.batch_size}), args.count)
    else:
        bench.bench_pipeline(settings, args.questions)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cli_data.register(sub)
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

    ask = sub.add_parser(
        "ask", help="ask the governed assistant; prints the approved answer or why it was stopped"
    )
    ask.add_argument("question")
    ask.add_argument("--tenant", default="acme-insurance", help="tenant whose policies apply")
    ask.add_argument("--user", default="cli-user")
    ask.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for a decision")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.set_defaults(func=_ask)

    demo = sub.add_parser(
        "demo",
        help="the main job: start everything, index a corpus, ask scripted questions, run a workflow",
    )
    demo.add_argument("--keep-running", action="store_true", help="keep the stages running afterwards")
    demo.set_defaults(func=_demo)

    bench = sub.add_parser("bench", help="benchmarks with a baseline measured in the same run")
    bench.add_argument(
        "what",
        choices=["gate", "pipeline"],
        help="gate: release gate vs raw pass-through; "
        "pipeline: embedding throughput and end-to-end latency by stage",
    )
    bench.add_argument("--count", type=int, default=1000, help="drafts for `bench gate`")
    bench.add_argument("--batch-size", type=int, default=100, help="consumer batch size for `bench gate`")
    bench.add_argument("--questions", type=int, default=3, help="questions for `bench pipeline`")
    bench.set_defaults(func=_bench)
