"""Forwards records from one topic to another in transactions, optionally through the contract check.

It is the baseline `governor bench gate` measures the release gate against (same broker, same
transactional loop, no gate), and the simplest stage to test exactly-once delivery with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.pipeline.handler import Inbound, Result, StageHandler
from engine.pipeline.processor import Handler
from engine.pipeline.records import Output, Record


@dataclass
class CheckedPassThrough(StageHandler):
    """Copies each record the contract lets through to `target`, byte for byte; DLQs the rest."""

    target: str = field(kw_only=True)

    def process(self, batch: list[Inbound]) -> list[Result]:
        return [Result() for _ in batch]

    def emitted(self, item: Inbound, result: Result) -> list[Output]:
        r = item.record
        return [Output(self.target, r.value or b"", r.key, r.headers)]


def raw_pass_through(target: str) -> Handler:
    """A handler that copies every record to `target` unchecked: the loop's own cost, nothing else."""

    def handle(records: list[Record]) -> list[Output]:
        return [Output(target, r.value or b"", r.key, r.headers) for r in records]

    return handle
