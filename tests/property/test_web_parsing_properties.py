"""Whatever a client sends, the web API's parsers answer with a value or one clear BadRequest/TokenError,
never another exception; and what they accept round-trips."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.web import parsing
from engine.web.parsing import BadRequest
from engine.web.tokens import TokenError, TokenSigner

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


@given(st.binary(max_size=400) | json_values.map(lambda v: json.dumps(v).encode()))
def test_parse_ask_never_fails_unexpectedly(body: bytes) -> None:
    try:
        asked = parsing.parse_ask(body)
    except BadRequest as exc:
        assert 400 <= exc.status < 500 and "\n" not in str(exc)
    else:
        assert asked.question and asked.question == asked.question.strip()
        assert len(asked.question) <= parsing.MAX_QUESTION_CHARS


@given(
    st.text(min_size=1, max_size=300).filter(lambda q: q.strip() != ""),
    st.none() | st.from_regex(parsing.IDEMPOTENCY_KEY, fullmatch=True),
)
def test_a_valid_question_round_trips(question: str, key: str | None) -> None:
    body: dict[str, str] = {"question": question}
    if key is not None:
        body["idempotency_key"] = key
    try:
        asked = parsing.parse_ask(json.dumps(body).encode())
    except BadRequest as exc:  # only refusals the parser documents for valid JSON strings
        assert "control characters" in str(exc) or "surrogates" in str(exc)
        return
    assert asked.question == question.strip() and asked.idempotency_key == key


@given(st.dictionaries(st.sampled_from(["question", "tenant", "idempotency_key"]), json_values))
def test_a_tenant_is_never_accepted(body: dict[str, object]) -> None:
    try:
        parsing.parse_ask(json.dumps(body).encode())
    except BadRequest as exc:
        if "tenant" in body:
            assert "tenant" in str(exc)
    else:
        assert "tenant" not in body


@given(st.none() | st.text(max_size=20))
def test_last_event_id_is_a_small_integer_or_a_clear_refusal(value: str | None) -> None:
    try:
        parsed = parsing.parse_last_event_id(value)
    except BadRequest as exc:
        assert exc.status == 400
    else:
        assert 0 <= parsed <= parsing.MAX_EVENT_ID
        if value is not None and value.strip():
            assert str(parsed) == value.strip().lstrip("0") or parsed == 0


@given(st.integers(min_value=0, max_value=parsing.MAX_EVENT_ID))
def test_every_event_id_we_send_parses_back(n: int) -> None:
    assert parsing.parse_last_event_id(str(n)) == n


@given(st.none() | st.text(max_size=60))
def test_authorization_headers_parse_or_refuse_with_401(header: str | None) -> None:
    try:
        token = parsing.bearer_token(header)
    except BadRequest as exc:
        assert exc.status == 401
    else:
        assert (token is None) == (header is None)


SIGNER = TokenSigner(b"p" * 32)
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@settings(max_examples=300)
@given(st.text(max_size=200) | st.lists(st.text(B64URL, max_size=60), min_size=3, max_size=3).map(".".join))
def test_any_string_as_a_token_is_refused_with_a_token_error(token: str) -> None:
    try:
        SIGNER.verify(token, "bearer")
    except TokenError as exc:
        assert "\n" not in str(exc)
    else:
        raise AssertionError(f"accepted a token we never issued: {token!r}")


@given(st.from_regex(r"[a-z][a-z0-9_.-]{0,20}", fullmatch=True), st.integers(0, 10_000))
def test_changing_any_character_of_a_token_invalidates_it(user: str, seed: int) -> None:
    token = SIGNER.issue(user, "bearer")
    # A segment's last base64url character may carry unused bits, so it is left out.
    inner = [i for i, ch in enumerate(token) if ch != "." and i + 1 < len(token) and token[i + 1] != "."]
    position = inner[seed % len(inner)]
    flipped = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
    try:
        SIGNER.verify(flipped, "bearer")
    except TokenError:
        return
    raise AssertionError(f"a token changed at {position} still verifies")
