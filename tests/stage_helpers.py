"""Run real stages inside a test (threads) and feed them governed events."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from engine import app
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, Trace
from engine.pipeline.processor import TransactionalProcessor
from engine.pipeline.publish import GovernedProducer
from engine.settings import Settings

CONTEXT = [
    {
        "id": "home-water#0",
        "text": "Harbor Mutual home insurance covers sudden water damage from burst pipes. "
        "The excess for water damage claims is $500. Claims must be reported within 30 days.",
    },
    {
        "id": "cooling-off#0",
        "text": "Every new policy has a 14-day cooling-off period. If you cancel within "
        "14 days you get a full refund of your premium.",
    },
]


def draft(
    answer: str,
    tenant: str = "acme-insurance",
    question: str = "What is the water damage excess?",
    draft_id: str | None = None,
    context: list[dict[str, str]] | None = None,
) -> Envelope:
    payload = {
        "question": question,
        "answer": answer,
        "context": CONTEXT if context is None else context,
        "model": "test-model",
        "template_version": "rag-answer@2",
        "prompt_id": "p-1",
    }
    kwargs = {"id": draft_id, "trace": Trace(trace_id=draft_id)} if draft_id else {}
    return Envelope(type="answer.draft", contract="answers.draft@1", tenant=tenant, payload=payload, **kwargs)


@contextmanager
def running(settings: Settings, *stages: str) -> Iterator[list[TransactionalProcessor]]:
    """Start stages as threads of this process; stop them (and surface their crashes) on exit."""
    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    processors = [app.stage(name, settings, registry) for name in stages]
    stop = threading.Event()
    errors: list[BaseException] = []

    def run(p: TransactionalProcessor) -> None:
        try:
            p.run(stop=stop)
        except BaseException as exc:  # surfaced below: a crashed stage fails the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,), daemon=True) for p in processors]
    for t in threads:
        t.start()
    try:
        yield processors
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert not errors, f"a stage crashed: {errors!r}"


def app_producer(settings: Settings, app_name: str = "ask") -> GovernedProducer:
    """A producer that signs prompts as `app_name` (a registered app), as the client and web app do."""
    from engine.trust.identity import request_codec

    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    return GovernedProducer(settings, request_codec(settings, registry, app_name))
