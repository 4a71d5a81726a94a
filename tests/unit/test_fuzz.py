"""`governor fuzz` on a small count: every stage's handler survives random and mutated records, and a
handler that raises is reported as a crash, with the record that caused it."""

from __future__ import annotations

import random

from engine import fuzz
from engine.pipeline.records import Record
from engine.settings import Settings


def test_mutated_records_through_every_stage_crash_nothing_and_are_dead_lettered_with_reasons() -> None:
    report = fuzz.run(Settings(), 500, seed=3)
    assert report.records == 500
    assert report.crashes == 0, report.examples
    assert report.dead_letters["envelope.malformed"] > 0
    assert any(reason.startswith("contract.") for reason in report.dead_letters)
    assert report.outputs["answers.approved"] > 0, "valid seeds must still get through"
    assert report.line().startswith("fuzz: 500 records, 0 crashes, ")


def test_a_handler_that_raises_is_counted_as_a_crash_per_record() -> None:
    class Crashing:
        stage, dlq_topic, observers = "broken", "dlq", []

        def handle(self, records: list[Record]) -> list[object]:
            raise KeyError("payload")

    report = fuzz.FuzzReport()
    batch = [Record("t", 0, i, None, fuzz.mutate(random.Random(i), b'{"a": 1}'), (), None) for i in range(3)]
    fuzz._handle(Crashing(), batch, report)  # type: ignore[arg-type]
    assert report.crashes == 3 and "KeyError" in report.examples[0]
