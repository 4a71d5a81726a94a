"""`governor gate replay`: the very release gate (same validators, same Rego through OPA) over a JSONL
file of past drafts, without Kafka. Compliance uses it to see what a policy change would decide."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, Trace
from engine.errors import ContractViolation
from engine.gates.policy_gate import GateItem, PolicyGate
from engine.gates.release import draft_subject
from engine.prompts import RAG_ANSWER

BATCH = 50


@dataclass(frozen=True)
class ReplayDecision:
    id: str
    outcome: str
    reasons: tuple[str, ...]
    answer: str | None
    messages: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "outcome": self.outcome,
                "reasons": list(self.reasons),
                "answer": self.answer,
                "messages": list(self.messages),
            },
            ensure_ascii=False,
        )


def read_drafts(path: Path, registry: ContractRegistry, topic: str) -> Iterator[tuple[str, Envelope | str]]:
    """(id, envelope) per good line; (id, error) for a line that is not a valid draft."""
    with path.open() as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict):
                    raise ValueError("each line must be a JSON object")
            except ValueError as exc:
                yield f"line-{number}", f"envelope.malformed: line {number}: {exc}"
                continue
            yield draft_from_item(item, number, registry, topic)


def draft_from_item(
    item: dict[str, Any], number: int, registry: ContractRegistry, topic: str
) -> tuple[str, Envelope | str]:
    """One draft from a decoded line: (id, envelope), or (id, error) when it breaks the contract."""
    contract = registry.for_topic(topic)
    draft_id = str(item.get("id") or f"line-{number}")
    payload = {
        "question": item.get("question"),
        "answer": item.get("answer"),
        "context": item.get("context", []),
        "model": item.get("model", "replay"),
        "template_version": item.get("template_version", RAG_ANSWER.version),
        "prompt_id": item.get("prompt_id", draft_id),
    }
    try:
        contract.validate(payload)
    except ContractViolation as exc:
        return draft_id, f"contract.{exc.rule}: {exc}"
    return (
        draft_id,
        Envelope(
            type=contract.metadata.event_type,
            contract=contract.id,
            tenant=str(item.get("tenant") or "default"),
            payload=payload,
            id=draft_id,
            trace=Trace(trace_id=str(item.get("trace_id") or draft_id)),
        ),
    )


def replay(
    gate: PolicyGate, drafts: Sequence[tuple[str, Envelope | str]], progress: bool = True
) -> list[ReplayDecision]:
    decisions: list[ReplayDecision] = []
    for start in range(0, len(drafts), BATCH):
        chunk = drafts[start : start + BATCH]
        good = [(i, d) for i, d in chunk if isinstance(d, Envelope)]
        verdicts = iter(gate.decide([GateItem(env, draft_subject(env)) for _, env in good]))
        for draft_id, draft in chunk:
            if isinstance(draft, str):
                code, _, message = draft.partition(": ")
                decisions.append(ReplayDecision(draft_id, "dlq", (code,), None, (message,)))
                continue
            v = next(verdicts)
            decisions.append(
                ReplayDecision(
                    draft_id,
                    v.outcome,
                    tuple(r.code for r in v.reasons),
                    v.released_text,
                    tuple(r.message for r in v.reasons),
                )
            )
        if progress:
            print(
                f"replay: {min(start + BATCH, len(drafts))}/{len(drafts)} decided",
                file=sys.stderr,
                flush=True,
            )
    return decisions


def changes(before: Sequence[ReplayDecision], after: Sequence[ReplayDecision]) -> list[dict[str, Any]]:
    """Decisions whose outcome or reasons differ between two policy versions."""
    return [
        {
            "id": a.id,
            "before": {"outcome": a.outcome, "reasons": list(a.reasons)},
            "after": {"outcome": b.outcome, "reasons": list(b.reasons)},
        }
        for a, b in zip(before, after, strict=True)
        if (a.outcome, a.reasons) != (b.outcome, b.reasons)
    ]
