"""The status channel: each stage of a request's path reports its step on requests.status, in the same
batch of outputs as the step itself, with reason codes and messages but never the question, an answer or
an error's text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest

from engine.audit.writer import AuditWriter
from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, Trace
from engine.errors import ContractViolation, GovernorError
from engine.gates.admission import admission_route
from engine.gates.policy_gate import GateItem, PolicyGate, Verdict
from engine.gates.release import release_route
from engine.gates.stage import GateHandler, Route
from engine.models.embeddings import Embedder
from engine.models.llm import LLM, ChatMessage, Completion, LLMRejected
from engine.models.vector_store import Chunk, Hit, VectorStore
from engine.pipeline.handler import Inbound, Result, StageHandler
from engine.pipeline.records import Output, Record
from engine.pipeline.status import StatusChannel
from engine.policy.decision import Reason
from engine.settings import Settings
from engine.stages.infer import Inference

SECRET = "Jane Doe lives at 1 Main St"  # what a question, a draft or an error text may hold


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(bootstrap_servers="127.0.0.1:1", opa_url="http://127.0.0.1:1", keys_dir=tmp_path)


@pytest.fixture
def codec(settings: Settings) -> GovernedCodec:
    return GovernedCodec(ContractRegistry.load(settings.contracts_dir, settings.topics))


def _record(topic: str, envelope: Envelope | None, offset: int = 0) -> Record:
    value = envelope.to_bytes() if envelope is not None else b"not an envelope"
    return Record(topic, 0, offset, None, value, (), None)


def _statuses(
    settings: Settings, codec: GovernedCodec, outputs: list[Output]
) -> list[tuple[str, dict[str, Any]]]:
    """(key, payload) of each status output, decoded through its contract."""
    topic = settings.topics.requests_status
    found = []
    for out in outputs:
        if out.topic == topic:
            assert SECRET not in out.value.decode()
            found.append(((out.key or b"").decode(), codec.decode(topic, out.value).payload))
    return found


class _Decided:
    """A policy gate that answers each item with the next scripted verdict."""

    def __init__(self, name: str, verdicts: list[Verdict]) -> None:
        self.name, self.verdicts = name, verdicts

    def decide(self, items: list[GateItem]) -> list[Verdict]:
        return self.verdicts[: len(items)]


def _verdict(outcome: str, decision_id: str, *reasons: Reason) -> Verdict:
    released = SECRET if outcome == "approved" else None
    return Verdict(decision_id, outcome, tuple(reasons), (), released, {}, 1.0)  # type: ignore[arg-type]


def _gate(
    name: str, route: Route, settings: Settings, codec: GovernedCodec, verdicts: list[Verdict]
) -> GateHandler:
    return GateHandler(
        name,
        codec,
        settings.topics.dlq,
        gate=cast(PolicyGate, _Decided(name, verdicts)),
        route=route,
        audit=AuditWriter(settings, codec, name),
        policy_revision="r",
        status=_channel(settings, codec, name),
    )


def _channel(settings: Settings, codec: GovernedCodec, phase: str) -> StatusChannel:
    return StatusChannel(codec, settings.topics.requests_status, phase)


def _admitted(question: str, trace: str) -> Envelope:
    payload = {"question": question, "user": "u", "decision_id": "d"}
    return Envelope("prompt.admitted", "prompts.admitted@1", "t", payload, trace=Trace(trace))


def _prompt(trace: str) -> Envelope:
    payload = {"question": SECRET, "user": "demo"}
    return Envelope("prompt.requested", "prompts.requested@1", "t", payload, trace=Trace(trace))


def test_admission_reports_admitted_and_blocked_with_the_rules_words(
    settings: Settings, codec: GovernedCodec
) -> None:
    personal = Reason("request.personal_data", "The prompt asks for personal data about a person.")
    verdicts = [_verdict("approved", "dec-1"), _verdict("rejected", "dec-2", personal)]
    gate = _gate("admission", admission_route(settings), settings, codec, verdicts)
    topic = settings.topics.prompts_requested
    outputs = gate.handle([_record(topic, _prompt("trace-1")), _record(topic, _prompt("trace-2"), 1)])
    assert _statuses(settings, codec, outputs) == [
        ("trace-1", {"phase": "admission", "status": "admitted", "reasons": [], "decision_id": "dec-1",
                     "model": None}),
        ("trace-2", {"phase": "admission", "status": "blocked", "decision_id": "dec-2", "model": None,
                     "reasons": [{"code": personal.code, "message": personal.message}]}),
    ]  # fmt: skip
    # The steps go out with the step itself: the admitted prompt and the rejection, in the same outputs.
    assert {o.topic for o in outputs} >= {settings.topics.prompts_admitted, settings.topics.answers_rejected}


def test_release_reports_a_block_but_an_approval_speaks_for_itself(
    settings: Settings, codec: GovernedCodec
) -> None:
    ungrounded = Reason("grounding.unsupported", "The answer says what its sources do not.")
    verdicts = [_verdict("approved", "r-1"), _verdict("rejected", "r-2", ungrounded)]
    gate = _gate("release", release_route(settings), settings, codec, verdicts)
    draft = {"question": SECRET, "answer": SECRET, "context": [], "model": "m", "template_version": "v",
             "prompt_id": "p"}  # fmt: skip
    drafts = [Envelope("answer.draft", "answers.draft@1", "t", draft, trace=Trace(f"t-{i}")) for i in (1, 2)]
    topic = settings.topics.answers_draft
    outputs = gate.handle([_record(topic, d, i) for i, d in enumerate(drafts)])
    [(key, status)] = _statuses(settings, codec, outputs)
    assert key == "t-2" and status["phase"] == "release" and status["status"] == "blocked"
    assert status["reasons"] == [{"code": ungrounded.code, "message": ungrounded.message}]


class _Failing(StageHandler):
    """A stage whose messages fail with an error that quotes what it read."""

    def process(self, batch: list[Inbound]) -> list[Result]:
        error = GovernorError(f"the model answered: {SECRET}")
        error.code = "llm.bad_response"  # type: ignore[attr-defined]
        return [Result(error=error) for _ in batch]


def test_a_dead_letter_reports_error_with_its_code_never_the_error_text(
    settings: Settings, codec: GovernedCodec
) -> None:
    stage = _Failing("infer", codec, settings.topics.dlq, status=_channel(settings, codec, "infer"))
    topic = settings.topics.prompts_admitted
    outputs = stage.handle([_record(topic, _admitted(SECRET, "trace-9")), _record(topic, None, 1)])
    dead = [o for o in outputs if o.topic == settings.topics.dlq]
    assert len(dead) == 2  # both dead-lettered; only the readable one has a trace to report on
    [(key, status)] = _statuses(settings, codec, outputs)
    assert key == "trace-9" and status["status"] == "error" and status["phase"] == "infer"
    assert status["reasons"] == [
        {
            "code": "llm.bad_response",
            "message": "The infer stage could not process this request (llm.bad_response).",
        }
    ]


def test_a_stage_without_a_channel_reports_nothing(settings: Settings, codec: GovernedCodec) -> None:
    stage = _Failing("augment", codec, settings.topics.dlq)
    raw = Envelope(
        "prompt.admitted", "prompts.admitted@1", "t", {"question": "q", "user": "u", "decision_id": "d"}
    )
    outputs = stage.handle([_record(settings.topics.prompts_admitted, raw)])
    assert [o.topic for o in outputs] == [settings.topics.dlq]


def test_a_phase_the_contract_does_not_name_is_refused_at_start(
    settings: Settings, codec: GovernedCodec
) -> None:
    with pytest.raises(ContractViolation, match=r"\$\.phase"):
        StatusChannel(codec, settings.topics.requests_status, "augment")


class _Embedder:
    model_id, dimension = "fake", 3

    def embed(self, texts: Sequence[str]) -> Any:
        return np.ones((len(texts), 3), dtype=np.float32)


class _Store:
    def search(self, vector: Any, k: int) -> list[Hit]:
        return [Hit(Chunk("doc:1:0", "doc", 1, "The excess is $500.", "Doc", 0), 0.9)]


class _Model:
    model_id = "tiny-model"

    def complete(self, messages: Sequence[ChatMessage], *, max_tokens: int, **_: Any) -> Completion:
        if "refuse" in messages[-1].content:
            raise LLMRejected(f"400: {SECRET}")
        return Completion(f"The excess is $500. {SECRET}", "tiny-model@q4", 1, 1, 0.01)


def test_infer_reports_drafting_with_the_model_and_a_refused_prompt_as_an_error(
    settings: Settings, codec: GovernedCodec
) -> None:
    infer = Inference("infer", codec, settings.topics.dlq, settings=settings,
                      embedder=cast(Embedder, _Embedder()), store=cast(VectorStore, _Store()),
                      llm=cast(LLM, _Model()), status=_channel(settings, codec, "infer"))  # fmt: skip
    topic = settings.topics.prompts_admitted
    prompts = [_admitted(q, f"t-{i}") for i, q in enumerate(["What is the excess?", "please refuse this"])]
    outputs = infer.handle([_record(topic, p, i) for i, p in enumerate(prompts)])
    statuses = dict(_statuses(settings, codec, outputs))
    assert statuses["t-0"] == {"phase": "infer", "status": "drafting", "reasons": [], "decision_id": None,
                               "model": "tiny-model@q4"}  # fmt: skip
    assert statuses["t-1"]["status"] == "error"
    assert [r["code"] for r in statuses["t-1"]["reasons"]] == ["llm.rejected"]
    assert json.loads(next(o.value for o in outputs if o.topic == settings.topics.answers_draft))[
        "trace"
    ] == {
        "trace_id": "t-0",
        "causation_id": prompts[0].id,
    }
