"""Fail closed means never approve, not reject for good: while OPA is down the release gate waits (its
batch rewound, the blocked gauge at 1), approves, rejects and dead-letters nothing, and once OPA is back
every draft is decided exactly once."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from prometheus_client import REGISTRY

from engine import app
from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, Trace
from engine.models.scripted import ScriptedModel
from engine.pipeline.publish import GovernedProducer
from engine.settings import Settings
from tests.integration.test_release_gate import GROUNDED, _send
from tests.kafka_helpers import read_all, wait_for_count
from tests.stage_helpers import app_producer, draft, running

pytestmark = pytest.mark.integration


class SwitchableProxy:
    """Forwards HTTP to ``target``; while ``down`` it refuses connections, like a stopped server."""

    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.server: ThreadingHTTPServer | None = None
        self.port = 0
        self.up()

    def up(self) -> None:
        target = self.target

        class Forward(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))) or None
                request = urllib.request.Request(f"{target}{self.path}", data=body, method=self.command)
                request.add_header("Content-Type", "application/json")
                if "Authorization" in self.headers:  # OPA requires its token
                    request.add_header("Authorization", self.headers["Authorization"])
                with urllib.request.urlopen(request, timeout=10) as answer:
                    data = answer.read()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _forward

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Forward)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()
        self.server = None


def _wait(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.2)


def test_an_opa_outage_waits_and_every_draft_is_decided_once_after_it(test_settings: Settings) -> None:
    proxy = SwitchableProxy(test_settings.opa_url or "")
    settings = test_settings.model_copy(update={"opa_url": f"http://127.0.0.1:{proxy.port}"})
    t = settings.topics
    blocked = {"stage": "release"}
    try:
        with running(settings, "release"):
            _send(settings, *(draft(GROUNDED, draft_id=f"before{i}", tenant="default") for i in range(10)))
            assert wait_for_count(settings, t.answers_approved, 10, timeout=120) >= 10
            proxy.down()
            _send(settings, *(draft(GROUNDED, draft_id=f"during{i}", tenant="default") for i in range(20)))
            _wait(lambda: REGISTRY.get_sample_value("governor_stage_blocked", blocked) == 1)
            time.sleep(2)  # batches keep meeting the outage meanwhile
            assert len(read_all(settings, t.answers_approved, timeout=1)) == 10, "approved while OPA was down"
            assert read_all(settings, t.answers_rejected, timeout=1) == [], "an outage became a rejection"
            assert read_all(settings, t.dlq, timeout=1) == [], "an outage became a dead letter"
            proxy.up()
            approved = read_all(settings, t.answers_approved, expect=30, timeout=120)
            _wait(lambda: REGISTRY.get_sample_value("governor_stage_blocked", blocked) == 0)
    finally:
        if proxy.server is not None:
            proxy.down()
    counts = Counter(r["trace"]["causation_id"] for r in approved)
    expected = {f"before{i}" for i in range(10)} | {f"during{i}" for i in range(20)}
    assert set(counts) == expected and max(counts.values()) == 1
    assert read_all(settings, t.answers_rejected, timeout=1) == []
    blocked_seconds = REGISTRY.get_sample_value("governor_stage_blocked_seconds_total", blocked) or 0
    assert blocked_seconds > 1


COOLING_OFF = (
    "# Cancellations and Cooling-off\n\n## Cooling-off period\n\n"
    "Every new Harbor Mutual policy has a 14-day cooling-off period. "
    "If you cancel within 14 days of the start date, you get a full refund of your premium."
)


def test_opa_and_model_outages_in_one_run_approve_nothing_and_decide_every_prompt_once(
    test_settings: Settings,
) -> None:
    """The whole pipeline (augment, admission, infer, release) with a scripted model for answers and
    embeddings, and OPA behind a switch. The model goes down, then OPA too, then the model comes back
    while OPA is still down: every stage that meets an outage waits; nothing is approved, rejected or
    dead-lettered until both are back, and then every prompt is decided exactly once."""
    model = ScriptedModel().start()
    proxy = SwitchableProxy(test_settings.opa_url or "")
    settings = test_settings.model_copy(
        update={
            "opa_url": f"http://127.0.0.1:{proxy.port}",
            "llm_backend": "openai",
            "llm_url": model.url,
            "llm_timeout_seconds": 2.0,
            "embedding_backend": "openai",
            "embedding_url": model.url,
        }
    )
    t = settings.topics
    prompts = app_producer(settings, "ask")

    def ask(*names: str) -> None:
        for name in names:
            question = "How long is the cooling-off period for a new policy?"
            payload = {"question": question, "user": "u-1"}
            envelope = Envelope("prompt.requested", "prompts.requested@1", "acme-insurance", payload)
            prompts.send(t.prompts_requested, replace(envelope, trace=Trace(name)), key=name)
        prompts.flush()

    def decided() -> list[str]:
        return [
            r["trace"]["trace_id"]
            for topic in (t.answers_approved, t.answers_rejected)
            for r in read_all(settings, topic, timeout=1)
        ]

    def blocked(stage: str) -> float | None:
        return REGISTRY.get_sample_value("governor_stage_blocked", {"stage": stage})

    store = app.vector_store(settings, app.embedder(settings).dimension)
    docs = GovernedProducer(settings, GovernedCodec(ContractRegistry.load(settings.contracts_dir, t)))
    try:
        with running(settings, "augment", "admission", "infer", "release"):
            docs.send(t.docs_raw, _document("cooling", COOLING_OFF), key="cooling")
            docs.flush()
            _wait(lambda: "cooling" in store.document_versions(), timeout=120)
            ask("before-0", "before-1")
            _wait(lambda: len(decided()) == 2, timeout=180)

            model.stop()
            ask(*(f"model-down-{i}" for i in range(4)))  # admitted, then infer waits for the model
            _wait(lambda: blocked("infer") == 1)
            proxy.down()
            ask(*(f"both-down-{i}" for i in range(4)))  # admission waits for OPA
            _wait(lambda: blocked("admission") == 1)
            model.start()  # the admitted prompts are drafted; release then waits for OPA
            _wait(lambda: blocked("release") == 1, timeout=120)
            assert sorted(decided()) == ["before-0", "before-1"], "decided while OPA was down"
            assert read_all(settings, t.dlq, timeout=1) == [], "an outage became a dead letter"

            proxy.up()
            _wait(lambda: len(decided()) >= 10, timeout=240)
            time.sleep(2)  # anything decided twice would show now
            outcomes = Counter(decided())
    finally:
        model.stop()
        if proxy.server is not None:
            proxy.down()
    expected = {"before-0", "before-1"} | {f"{w}-down-{i}" for w in ("model", "both") for i in range(4)}
    assert set(outcomes) == expected and max(outcomes.values()) == 1, outcomes
    assert read_all(settings, t.dlq, timeout=1) == []
    assert all(blocked(stage) == 0 for stage in ("admission", "infer", "release"))


def _document(doc_id: str, text: str) -> Envelope:
    payload = {"doc_id": doc_id, "version": 1, "source": "test", "title": doc_id, "text": text}
    payload["deleted"] = False
    return Envelope(type="document.upserted", contract="docs.raw@1", tenant="t", payload=payload)
