"""Hypothesis over the consume path every stage shares: for any bytes and any JSON value, decoding
yields a valid envelope, or a dead letter that itself satisfies the DLQ contract, names a reason and
keeps the original bytes. Nothing raises out of it."""

from __future__ import annotations

import base64
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, EnvelopeError
from engine.errors import ContractViolation
from engine.pipeline.dead_letter import dead_letter
from engine.pipeline.records import Record
from engine.settings import Settings

SETTINGS = Settings(bootstrap_servers="127.0.0.1:1")  # nothing connects here
CODEC = GovernedCodec(ContractRegistry.load(SETTINGS.contracts_dir, SETTINGS.topics))
TOPIC = SETTINGS.topics.prompts_requested

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=15,
)
names = st.text(min_size=1, max_size=5) | st.just("")
valid_payload = st.fixed_dictionaries(
    {"question": st.text(min_size=1, max_size=30), "user": st.text(min_size=1, max_size=10)}
)
envelope_like = st.fixed_dictionaries({
    "id": names, "type": st.sampled_from(["prompt.requested", "prompt.requested", "x"]),
    "contract": st.sampled_from(["prompts.requested@1", "prompts.requested@1", "prompts.requested@9",
                                 "answers.draft@1", "bad"]),
    "tenant": names, "produced_at": st.just("2026-01-01T00:00:00+00:00"),
    "trace": st.fixed_dictionaries({"trace_id": names}),
    "payload": valid_payload | st.dictionaries(st.sampled_from(["question", "user", "x"]), json_values),
})  # fmt: skip


def consume(value: bytes | None) -> Envelope | dict[str, object]:
    """What a stage does with one record: the envelope, or the decoded dead letter it would produce."""
    record = Record(TOPIC, 2, 41, b"k", value, [], 1_700_000_000_000)
    try:
        return CODEC.decode(TOPIC, value)
    except (EnvelopeError, ContractViolation) as exc:
        out = dead_letter(CODEC, SETTINGS.topics.dlq, "admission", record, exc)
        letter = CODEC.decode(SETTINGS.topics.dlq, out.value)  # the dead letter honours its own contract
        return letter.payload


def check(value: bytes | None) -> None:
    result = consume(value)
    if isinstance(result, Envelope):
        CODEC.registry.for_topic(TOPIC).validate(result.payload)
        return
    assert result["reason"] and result["error"]
    assert result["source"] == {
        "topic": TOPIC,
        "partition": 2,
        "offset": 41,
        "timestamp_ms": 1_700_000_000_000,
    }
    original = result["original_b64"]
    assert (original is None) == (value is None)
    if value is not None:
        assert base64.b64decode(str(original)) == value


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.none())
def test_any_bytes(value: bytes | None) -> None:
    check(value)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_value(value: object) -> None:
    check(json.dumps(value).encode())


@settings(max_examples=300, deadline=None)
@given(envelope_like)
def test_envelope_shaped_values(value: dict[str, object]) -> None:
    check(json.dumps(value).encode())


def test_the_envelope_strategy_reaches_both_outcomes() -> None:
    """Guards the property above from passing vacuously: both branches must be exercised."""
    outcomes: set[bool] = set()

    @settings(max_examples=200, deadline=None)
    @given(envelope_like)
    def sample(value: dict[str, object]) -> None:
        outcomes.add(isinstance(consume(json.dumps(value).encode()), Envelope))

    sample()
    assert outcomes == {True, False}
