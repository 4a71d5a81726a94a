"""Hypothesis: for any bytes and any JSON value, decoding yields an envelope or a named EnvelopeError;
redaction never leaks a redacted character and never raises for in-range spans."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.envelope import Envelope, EnvelopeError
from engine.gates.obligations import redact
from engine.validators.base import Span

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_any_bytes_decode_or_fail_with_envelope_error(raw: bytes) -> None:
    try:
        Envelope.from_bytes(raw)
    except EnvelopeError as exc:
        assert str(exc)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_decodes_or_fails_with_envelope_error(value: object) -> None:
    try:
        envelope = Envelope.from_bytes(json.dumps(value).encode())
    except EnvelopeError:
        return
    assert Envelope.from_bytes(envelope.to_bytes()) == envelope


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, alphabet="abcXYZ0123 @."), st.data())
def test_redaction_removes_every_covered_character(text: str, data: st.DataObject) -> None:
    spans = data.draw(
        st.lists(
            st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text))).filter(lambda t: t[0] < t[1]),
            max_size=4,
        )
    )
    marked = "".join("#" if any(s <= i < e for s, e in spans) else c for i, c in enumerate(text))
    out = redact(marked, [Span(s, e) for s, e in spans])
    assert "#" not in out
    assert out.count("[REDACTED]") <= len(spans)
