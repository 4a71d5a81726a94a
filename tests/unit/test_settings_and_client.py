"""Settings refuse unknown GOVERNOR_* variables; the client keeps only its own answers and skips junk."""

from __future__ import annotations

import pytest

from engine.client import GovernorClient
from engine.envelope import Envelope, Trace
from engine.errors import ConfigError
from engine.pipeline.records import Record
from engine.settings import load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.upper().startswith("GOVERNOR_"):
            monkeypatch.delenv(name)


def test_unknown_governor_variable_is_refused_with_a_suggestion(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVERNOR_BOOTSTRAP_SERVER", "x:1")
    with pytest.raises(ConfigError, match=r"GOVERNOR_BOOTSTRAP_SERVER\b.*GOVERNOR_BOOTSTRAP_SERVERS\?"):
        load_settings()


def test_unknown_nested_topic_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVERNOR_TOPICS__ANSWER_APPROVED", "x")
    with pytest.raises(ConfigError, match="GOVERNOR_TOPICS__ANSWERS_APPROVED"):
        load_settings()


def test_known_and_allowlisted_variables_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVERNOR_BATCH_SIZE", "7")
    monkeypatch.setenv("GOVERNOR_TOPICS__AUDIT", "my.audit")
    monkeypatch.setenv("GOVERNOR_TEST_BOOTSTRAP", "localhost:9092")
    monkeypatch.setenv("GOVERNOR_VENV", "/tmp/venv")
    settings = load_settings()
    assert settings.batch_size == 7
    assert settings.topics.audit == "my.audit"


def _approved(trace_id: str) -> bytes:
    return Envelope(
        type="answer.approved",
        contract="answers.approved@1",
        tenant="t",
        payload={"answer": "yes", "citations": ["doc-1"]},
        trace=Trace(trace_id),
    ).to_bytes()


class _Reader:
    def __init__(self, values: list[bytes | None]) -> None:
        self.batches = [[Record("answers", 0, i, None, v, (), None) for i, v in enumerate(values)]]

    def poll(self, timeout: float = 0.2, max_records: int = 500) -> list[Record]:
        return self.batches.pop(0) if self.batches else []


class _AnySignature:
    """Signatures are tested in test_signatures.py; here every approval counts as signed."""

    def verify(self, value: bytes, headers: object) -> str:
        return "test-kid"


def _rec(value: bytes) -> Record:
    return Record("answers", 0, 0, None, value, (), None)


def _client(values: list[bytes | None]) -> GovernorClient:
    client = object.__new__(GovernorClient)  # no Kafka: only the answer-collecting state
    client._verifier = _AnySignature()  # type: ignore[assignment]
    client._submitted = {}
    client._pending = {}
    client._started = True
    client._reader = _Reader(values)  # type: ignore[assignment]
    return client


def test_take_skips_records_that_are_not_answers_and_other_traces() -> None:
    client = _client([])
    client._submitted["mine"] = 0.0
    for junk in (b"not json", b"[]", b'{"id": "x"}', b'"text"', _approved("someone-else")):
        client._take(_rec(junk))
    bad_payload = Envelope(
        type="answer.approved", contract="answers.approved@1", tenant="t", payload={}, trace=Trace("mine")
    )
    client._take(_rec(bad_payload.to_bytes()))  # KeyError: no "answer"
    assert client._pending == {}
    client._take(_rec(_approved("mine")))
    assert set(client._pending) == {"mine"} and client._submitted == {}
    assert client._pending["mine"].outcome == "approved" and client._pending["mine"].seconds > 0


def test_wait_registers_its_trace_and_ignores_junk() -> None:
    client = _client([b"\xff", None, _approved("other"), _approved("t1")])
    answer = client.wait("t1", timeout=5)
    assert answer.trace_id == "t1" and answer.text == "yes" and answer.citations == ("doc-1",)
    assert client._pending == {} and client._submitted == {}


def test_a_dead_lettered_request_ends_the_wait_through_its_error_status_and_other_steps_do_not() -> None:
    def status(step: str, code: str = "") -> bytes:
        reasons = [{"code": code, "message": f"The workflow stage could not process this request ({code})."}]
        payload = {"phase": "workflow", "status": step, "reasons": reasons if code else [],
                   "decision_id": None, "model": None}  # fmt: skip
        env = Envelope("request.status", "requests.status@1", "t", payload, trace=Trace("mine"))
        return env.to_bytes()

    client = _client([])
    client._submitted["mine"] = 0.0
    client._take(_rec(status("admitted")))
    client._take(_rec(status("drafting")))
    assert client._pending == {}, "a step on the way is not an outcome"
    client._take(_rec(status("error", "workflow.facts_unsupported")))
    answer = client._pending["mine"]
    assert answer.outcome == "dlq" and answer.gate == "workflow"
    assert answer.reasons[0][0] == "workflow.facts_unsupported"
