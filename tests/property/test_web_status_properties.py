"""Whatever arrives on requests.status, the web listener turns it into the request's steps in order, or
skips it; it never fails another way, and a step never carries more than the status record did."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, Trace
from engine.settings import Settings
from engine.web.events import ORDINALS, TERMINAL, EventHub
from engine.web.listener import OutcomeListener
from engine.web.outcomes import status_events
from engine.web.request_ids import RequestIds
from engine.web.users import User

SETTINGS = Settings(bootstrap_servers="127.0.0.1:1", opa_url="http://127.0.0.1:1")
TOPIC = SETTINGS.topics.requests_status
CODEC = GovernedCodec(ContractRegistry.load(SETTINGS.contracts_dir, SETTINGS.topics))
REQUEST_ID = RequestIds(b"k" * 32).new(User("demo", "acme-insurance"))
LISTENER = OutcomeListener(SETTINGS, EventHub())  # one: loading the contracts per example is slow
STEP_EVENT = {"admitted": "admitted", "drafting": "drafting", "blocked": "blocked", "error": "error"}

reasons = st.lists(
    st.fixed_dictionaries({"code": st.text(min_size=1, max_size=30), "message": st.text(max_size=60)}),
    max_size=4,
)
status_payloads = st.fixed_dictionaries(
    {
        "phase": st.sampled_from(["admission", "infer", "release"]),
        "status": st.sampled_from(sorted(STEP_EVENT)),
        "reasons": reasons,
        "decision_id": st.none() | st.text(max_size=40),
        "model": st.none() | st.text(max_size=40),
    }
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def _status(payload: dict[str, Any]) -> bytes:
    """A status envelope for a web request, written raw (not through the codec: anything may arrive)."""
    envelope = Envelope(type="request.status", contract="requests.status@1", tenant="acme-insurance",
                        payload=payload, trace=Trace(REQUEST_ID))  # fmt: skip
    return envelope.to_bytes()


@given(status_payloads)
def test_a_valid_status_becomes_its_step_after_the_steps_it_implies(payload: dict[str, Any]) -> None:
    CODEC.check(TOPIC, Envelope("request.status", "requests.status@1", "t", payload))  # the contract agrees
    events = status_events(payload)
    ids = [e.id for e in events]
    assert ids == sorted(set(ids)), "steps out of order or repeated"
    assert events[-1].kind == STEP_EVENT[payload["status"]]
    assert all(e.kind not in TERMINAL for e in events[:-1])
    assert all(e.data == {"implied": True} for e in events[:-1])
    outcome = events[-1].data
    assert not {"question", "answer", "error"} & set(outcome)
    if payload["status"] == "blocked":
        assert outcome["phase"] == payload["phase"] and outcome["reasons"] == payload["reasons"]
    if payload["status"] == "error":
        expected = payload["reasons"][0]["code"] if payload["reasons"] else "processing.error"
        assert outcome["code"] == expected and outcome["message"]
    if payload["status"] in ("blocked", "error", "admitted"):
        assert outcome["audit_reference"] == payload["decision_id"]


@settings(max_examples=200)
@given(
    st.one_of(status_payloads, json_values, st.dictionaries(st.text(max_size=12), json_values, max_size=6))
)
def test_the_listener_takes_a_status_or_skips_it(payload: Any) -> None:
    LISTENER.hub = EventHub()
    value = _status(payload) if isinstance(payload, dict) else json.dumps(payload).encode()
    taken = LISTENER.take(TOPIC, value, [])
    events = LISTENER.hub.events(REQUEST_ID)
    assert taken == bool(events)
    assert all(e.id == ORDINALS[e.kind] for e in events)


@given(st.binary(max_size=300))
def test_bytes_that_are_not_a_status_are_skipped(value: bytes) -> None:
    assert LISTENER.take(TOPIC, value, []) is False
