"""Envelope wire format, policy decision parsing and obligations: the rules every gate relies on."""

from __future__ import annotations

import pytest

from engine.envelope import Envelope, EnvelopeError
from engine.gates.obligations import ObligationError, apply, redact
from engine.policy.decision import POLICY_ERROR, Obligation, PolicyDecision
from engine.validators.base import Span


def test_envelope_round_trips_and_derive_keeps_lineage() -> None:
    prompt = Envelope(type="prompt.requested", contract="prompts.requested@1", tenant="t", payload={"q": 1})
    assert Envelope.from_bytes(prompt.to_bytes()) == prompt
    draft = prompt.derive("answer.draft", "answers.draft@1", {"a": 2})
    assert draft.trace.trace_id == prompt.trace.trace_id
    assert draft.trace.causation_id == prompt.id
    assert draft.tenant == "t" and draft.id != prompt.id


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"not json", "not JSON"),
        (b"[]", "must be a JSON object"),
        (b'{"id": "x"}', "missing field"),
        (None, "tombstone"),
    ],
)
def test_malformed_envelopes_name_the_problem(raw: bytes | None, message: str) -> None:
    with pytest.raises(EnvelopeError, match=message):
        Envelope.from_bytes(raw)


def test_unknown_envelope_fields_are_refused() -> None:
    data = Envelope(type="t", contract="c@1", tenant="t", payload={}).to_dict() | {"extra": 1}
    with pytest.raises(EnvelopeError, match="unknown field"):
        Envelope.from_dict(data)


def test_decision_parse_fails_closed_on_anything_malformed() -> None:
    assert PolicyDecision.parse({"allow": True}).allow
    for raw in (None, {}, {"allow": "yes"}, {"allow": 1}, [], {"allow": True, "reasons": [{"nocode": 1}]}):
        decision = PolicyDecision.parse(raw)
        assert not decision.allow
        assert decision.reasons[0].code == POLICY_ERROR


def test_allow_with_a_reason_is_not_an_approval() -> None:
    assert not PolicyDecision.parse({"allow": True, "reasons": [{"code": "x", "message": "m"}]}).allow


def test_redaction_merges_overlaps_and_refuses_spans_outside_the_text() -> None:
    text = "mail a@b.co or call 555"
    assert redact(text, [Span(5, 11), Span(7, 9), Span(20, 23)]) == "mail [REDACTED] or call [REDACTED]"
    with pytest.raises(ObligationError):
        redact(text, [Span(20, 99)])


def test_obligations_redact_first_then_append_the_disclaimer() -> None:
    released = apply(
        "Email x@y.io today.",
        [
            Obligation("append_disclaimer", text="Not advice."),
            Obligation("redact", "pii.email", (Span(6, 12),)),
        ],
    )
    assert released == "Email [REDACTED] today.\n\nNot advice."
    with pytest.raises(ObligationError):
        apply("text", [Obligation("launch_rockets")])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"id": "\\ud800"}', "not JSON"),  # a lone surrogate cannot be written back out
        (b"[" * 100_000, "not acceptable JSON"),  # nesting deeper than the decoder's recursion
        (b'{"x": NaN}', "not acceptable JSON"),
        (b'{"x": Infinity}', "not acceptable JSON"),
    ],
)
def test_values_that_would_break_an_encoder_downstream_are_refused_at_the_edge(
    raw: bytes, message: str
) -> None:
    with pytest.raises(EnvelopeError, match=message):
        Envelope.from_bytes(raw)


@pytest.mark.parametrize("produced_at", ["yesterday", "0001-01-01T00:00:00+00:00", "9999-01-01T00:00:00"])
def test_produced_at_must_be_a_usable_timestamp(produced_at: str) -> None:
    data = Envelope(type="t", contract="c@1", tenant="t", payload={}).to_dict() | {"produced_at": produced_at}
    with pytest.raises(EnvelopeError, match="produced_at"):
        Envelope.from_dict(data)


def test_a_denial_without_a_reason_is_a_policy_error() -> None:
    for raw in (
        {"allow": False},
        {"allow": False, "reasons": []},
        {"allow": True, "reasons": [{"code": ""}]},
    ):
        decision = PolicyDecision.parse(raw)
        assert not decision.allow and decision.reasons[0].code == POLICY_ERROR


def test_dead_letters_of_huge_records_keep_a_prefix_and_the_digest() -> None:
    import base64
    import hashlib

    from engine.contracts.codec import GovernedCodec
    from engine.contracts.registry import ContractRegistry
    from engine.pipeline.dead_letter import MAX_ORIGINAL_BYTES, dead_letter
    from engine.pipeline.records import Record
    from engine.settings import Settings

    settings = Settings(bootstrap_servers="127.0.0.1:1")
    codec = GovernedCodec(ContractRegistry.load(settings.contracts_dir, settings.topics))
    huge = b"x" * (MAX_ORIGINAL_BYTES * 3)
    record = Record(settings.topics.docs_raw, 0, 7, None, huge, [], None)
    out = dead_letter(codec, settings.topics.dlq, "augment", record, EnvelopeError("too big"))
    payload = codec.decode(settings.topics.dlq, out.value).payload  # still within its own contract
    assert len(out.value) < MAX_ORIGINAL_BYTES * 2
    assert base64.b64decode(payload["original_b64"]) == huge[:MAX_ORIGINAL_BYTES]
    assert payload["original_truncated"] is True
    assert payload["original_sha256"] == hashlib.sha256(huge).hexdigest()
