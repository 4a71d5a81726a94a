"""For app teams: ask a governed assistant and wait for its approved answer (or the reasons it was stopped).

    from engine.client import GovernorClient
    from engine.settings import load_settings

    with GovernorClient(load_settings()) as client:
        answer = client.ask("How long is the cooling-off period?", tenant="acme-insurance")
        print(answer.outcome, answer.text, answer.citations, answer.reasons)

Only committed records are read (isolation.level=read_committed): a draft never reaches an app.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field

from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, EnvelopeError, Trace
from engine.errors import GovernorError
from engine.pipeline.publish import GovernedProducer
from engine.pipeline.reader import TopicReader
from engine.pipeline.records import Record
from engine.pipeline.status import STATUS_EVENT
from engine.settings import Settings
from engine.trust.approvals import ApprovalVerifier
from engine.trust.identity import request_codec
from engine.trust.signature import SignatureError


@dataclass(frozen=True)
class Answer:
    """What came back for one question: approved (with text and citations) or rejected (with reasons)."""

    trace_id: str
    outcome: str
    text: str | None
    citations: tuple[str, ...] = ()
    reasons: tuple[tuple[str, str], ...] = ()
    gate: str | None = None
    seconds: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)


class AnswerTimeout(GovernorError):
    """No approved answer or rejection arrived in time (is every stage running?)."""


class ApprovalRefused(GovernorError):
    """A record on the approved topic for one of our traces does not carry a valid release signature:
    it was not written by the release gate, and is never shown as an answer."""


class GovernorClient:
    """Produces to prompts.requested; reads answers.approved, answers.rejected and the `error` steps of
    requests.status for the trace."""

    def __init__(self, settings: Settings, app: str = "ask") -> None:
        """`app` is the submitting app whose key signs each request (made at first use, 0600, in the keys
        folder); admission takes the tenant only from requests its signature vouches for."""
        self.settings, self.app = settings, app
        self.codec = request_codec(
            settings, ContractRegistry.load(settings.contracts_dir, settings.topics), app
        )
        self._producer = GovernedProducer(settings, self.codec)
        self._reader = TopicReader(settings, "client")
        # A request a stage dead-lettered (a workflow step whose output broke its contract, an LLM that
        # failed) ends the wait too, through its `error` status: the caller learns the outcome instead of
        # timing out, without reading the dead letters (raw prompts) themselves.
        self._topics = [
            settings.topics.answers_approved,
            settings.topics.answers_rejected,
            settings.topics.requests_status,
        ]
        self._verifier = ApprovalVerifier(settings)
        self._submitted: dict[str, float] = {}
        self._pending: dict[str, Answer] = {}
        self._started = False

    def __enter__(self) -> GovernorClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._reader.close()

    def listen(self) -> None:
        """Start reading at the current end of the answer topics; call before producing anything whose
        answer you will wait() for (submit() does it for you)."""
        if self._started:
            return
        self._reader.assign(self._topics, "end")
        self._started = True

    def submit(self, question: str, tenant: str, user: str = "app-user") -> str:
        """Send a question; returns its trace id (collect the answer with wait())."""
        self.listen()
        envelope = Envelope(
            type="prompt.requested",
            contract="prompts.requested@1",
            tenant=tenant,
            payload={"question": question, "user": user},
            trace=Trace(uuid.uuid4().hex),
        )
        self._producer.send(self.settings.topics.prompts_requested, envelope, key=envelope.trace.trace_id)
        self._producer.flush()
        self._submitted[envelope.trace.trace_id] = time.monotonic()
        return envelope.trace.trace_id

    def expect(self, trace_id: str) -> None:
        """Note that something was just sent on `trace_id` by other means (latency counts from now)."""
        self.listen()
        self._submitted[trace_id] = time.monotonic()

    def wait(self, trace_id: str, timeout: float = 120.0) -> Answer:
        started = time.monotonic()
        if trace_id not in self._submitted and trace_id not in self._pending:
            self._submitted[trace_id] = started
        while trace_id not in self._pending:
            if time.monotonic() - started > timeout:
                raise AnswerTimeout(f"no answer for trace {trace_id} after {timeout:.0f}s")
            for record in self._reader.poll(0.2, 100):
                if record.value is not None:
                    self._take(record)
        return self._pending.pop(trace_id)

    def _take(self, record: Record) -> None:
        """Keep the answer in one consumed record if it is for a trace of ours; skip anything that is not
        a readable answer (other users' traces, records that are not envelopes). An approval of ours
        without a valid release signature raises ApprovalRefused."""
        assert record.value is not None
        try:
            answer = _answer(json.loads(record.value))
        except (EnvelopeError, KeyError, ValueError, TypeError):
            return
        if answer is None or answer.trace_id not in self._submitted:
            return
        if answer.outcome == "approved":
            try:
                self._verifier.verify(record.value, record.headers)
            except SignatureError as exc:
                raise ApprovalRefused(
                    f"approval for trace {answer.trace_id} at {record.topic}[{record.partition}]@"
                    f"{record.offset} refused: {exc}"
                ) from exc
        asked = self._submitted.pop(answer.trace_id)
        self._pending[answer.trace_id] = Answer(**{**answer.__dict__, "seconds": time.monotonic() - asked})

    def ask(
        self, question: str, tenant: str = "default", user: str = "app-user", timeout: float = 120.0
    ) -> Answer:
        return self.wait(self.submit(question, tenant, user), timeout)


def _answer(event: dict[str, object]) -> Answer | None:
    """The outcome a record states; None for a step on the way (a status other than `error`)."""
    envelope = Envelope.from_dict(event)
    p = envelope.payload
    if envelope.type == "answer.approved":
        return Answer(
            envelope.trace.trace_id,
            "approved",
            p["answer"],
            tuple(p.get("citations", [])),
            extra={"workflow": p.get("workflow"), "obligations": p.get("obligations")},
        )
    if envelope.type == STATUS_EVENT:
        if p["status"] != "error":
            return None  # admitted, drafting: not an outcome; blocked: answers.rejected says it, with more
        reasons = tuple((r["code"], r["message"]) for r in p["reasons"])
        return Answer(envelope.trace.trace_id, "dlq", None, (), reasons, gate=p["phase"])
    reasons = tuple((r["code"], r["message"]) for r in p.get("reasons", []))
    return Answer(
        envelope.trace.trace_id,
        "rejected",
        None,
        (),
        reasons,
        gate=p.get("gate"),
        extra={"workflow": p.get("workflow")},
    )
