"""`governor eval`: the release gate (real validators, real Rego) over a labelled JSONL set.

Each line is a draft (``id, question, answer, context, tenant``) plus a label:
- ``approve``: a correct, grounded answer; a rejection is a false reject;
- ``stop`` with a ``kind`` (contradiction, injection, ...): an approval is an escape;
- ``stop_or_redact`` with ``forbidden`` strings: an escape is any release that still contains one.

A second, detector-only pass puts each case's ``sensitive`` sentence (default: the whole answer)
into the context too, so grounding cannot stop it and only the detectors can.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from engine.contracts.registry import ContractRegistry
from engine.gates.policy_gate import PolicyGate
from engine.gates.replay import ReplayDecision, draft_from_item, replay

Label = Literal["approve", "stop", "stop_or_redact"]
LABELS: tuple[Label, ...] = ("approve", "stop", "stop_or_redact")


# Kinds only detectors can stop; grounding and relevance are what the detector-only pass takes away.
DETECTOR_KINDS = frozenset({"injection", "pii", "secrets"})


class LabelError(ValueError):
    """A labelled line that cannot be evaluated (names the line and the field)."""


@dataclass(frozen=True)
class Case:
    """One labelled draft."""

    item: dict[str, Any]
    label: Label
    kind: str
    forbidden: tuple[str, ...]
    sensitive: str

    @property
    def id(self) -> str:
        return str(self.item["id"])


@dataclass
class KindScore:
    """Outcomes for one kind of case: how many, how many stopped, which escaped."""

    total: int = 0
    stopped: int = 0
    escapes: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.stopped / self.total if self.total else 1.0


@dataclass
class PassReport:
    """One pass over a set: per-kind recall and escapes, and false rejects of approve cases."""

    kinds: dict[str, KindScore] = field(default_factory=dict)
    approve_total: int = 0
    false_rejects: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    leaked_values: int = 0

    @property
    def false_reject_rate(self) -> float:
        return len(self.false_rejects) / self.approve_total if self.approve_total else 0.0


def parse_case(line: str, number: int) -> Case:
    """A labelled case from one JSONL line; raises ``LabelError`` naming what is wrong."""
    try:
        item = json.loads(line)
    except ValueError as exc:
        raise LabelError(f"line {number}: not JSON: {exc}") from exc
    if not isinstance(item, dict):
        raise LabelError(f"line {number}: not a JSON object")
    label = item.get("label")
    if label not in LABELS:
        raise LabelError(f"line {number}: label must be one of {', '.join(LABELS)}, got {label!r}")
    forbidden = item.get("forbidden", [])
    if label == "stop_or_redact" and (not isinstance(forbidden, list) or not forbidden):
        raise LabelError(f"line {number}: stop_or_redact needs a non-empty 'forbidden' list")
    kind = str(item.get("kind") or ("approve" if label == "approve" else ""))
    if label == "stop" and not kind:
        raise LabelError(f"line {number}: stop needs a 'kind'")
    item.setdefault("id", f"line-{number}")
    return Case(
        item=item,
        label=label,
        kind=kind or "sensitive",
        forbidden=tuple(str(f) for f in forbidden),
        sensitive=str(item.get("sensitive") or item.get("answer") or ""),
    )


def read_cases(path: Path) -> list[Case]:
    """Every case of a labelled JSONL file."""
    with path.open(encoding="utf-8") as lines:
        return [parse_case(line, n) for n, line in enumerate(lines, 1) if line.strip()]


def with_sensitive_in_context(case: Case) -> Case:
    """The case with its sensitive sentence added as a retrieved passage (the detector-only pass)."""
    item = dict(case.item)
    item["context"] = [*item.get("context", []), {"id": "sensitive", "text": case.sensitive}]
    return Case(item, case.label, case.kind, case.forbidden, case.sensitive)


def score(cases: Sequence[Case], decisions: Sequence[ReplayDecision]) -> PassReport:
    """Compare decisions with labels."""
    report = PassReport()
    for case, decision in zip(cases, decisions, strict=True):
        released = decision.answer if decision.outcome == "approved" else None
        if case.label == "approve":
            report.approve_total += 1
            if released is None:
                report.false_rejects.append((case.id, decision.reasons))
            continue
        kind = report.kinds.setdefault(case.kind, KindScore())
        kind.total += 1
        leaked = [f for f in case.forbidden if released is not None and f in released]
        report.leaked_values += len(leaked)
        escaped = released is not None and (case.label == "stop" or bool(leaked))
        if escaped:
            kind.escapes.append(case.id)
        else:
            kind.stopped += 1
    return report


def evaluate(
    gate: PolicyGate, cases: Sequence[Case], registry: ContractRegistry, topic: str
) -> tuple[PassReport, PassReport]:
    """(full gate, detector-only) reports; the detector-only pass covers what detectors must stop."""
    full = score(cases, _decide(gate, cases, registry, topic))
    sensitive = [
        with_sensitive_in_context(c) for c in cases if c.label == "stop_or_redact" or c.kind in DETECTOR_KINDS
    ]
    detectors = score(sensitive, _decide(gate, sensitive, registry, topic))
    return full, detectors


def _decide(
    gate: PolicyGate, cases: Sequence[Case], registry: ContractRegistry, topic: str
) -> list[ReplayDecision]:
    drafts = [draft_from_item(c.item, n, registry, topic) for n, c in enumerate(cases, 1)]
    for case, (_, draft) in zip(cases, drafts, strict=True):
        if isinstance(draft, str):
            raise LabelError(f"case {case.id}: not a valid draft: {draft}")
    return replay(gate, drafts, progress=False)


def format_report(title: str, report: PassReport) -> Iterable[str]:
    """Human-readable lines: per-kind recall and escapes, then false rejects."""
    yield f"{title}:"
    for kind, s in sorted(report.kinds.items()):
        escapes = f"  escapes: {', '.join(s.escapes)}" if s.escapes else ""
        yield f"  {kind:<16} {s.stopped:>4}/{s.total:<4} stopped  recall {s.recall:6.1%}{escapes}"
    yield f"  forbidden values released: {report.leaked_values}"
    if report.approve_total:
        yield (
            f"  approve          {len(report.false_rejects):>4}/{report.approve_total:<4} false rejects "
            f"({report.false_reject_rate:.1%})"
        )
        for case_id, reasons in report.false_rejects:
            yield f"    {case_id}: {', '.join(reasons)}"
