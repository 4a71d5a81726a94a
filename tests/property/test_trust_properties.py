"""Properties of the trust boundary's parsers and planners: an ACL plan applied to the cluster gives
exactly what was wanted; a detached JWS header parser never crashes on hostile input."""

from __future__ import annotations

import base64
import json

from hypothesis import given
from hypothesis import strategies as st

from engine.trust.acl import Acl, plan
from engine.trust.signature import SignatureError, protected

acls = st.builds(
    Acl,
    st.sampled_from(["web-app", "ask", "release", "infer"]),
    st.sampled_from(["TOPIC", "GROUP", "TRANSACTIONAL_ID"]),
    st.sampled_from(["LITERAL", "PREFIXED"]),
    st.sampled_from(["answers.approved", "answers.draft", "governor.web-app"]),
    st.sampled_from(["READ", "WRITE", "DESCRIBE"]),
)


@given(st.sets(acls), st.sets(acls))
def test_applying_a_plan_yields_exactly_what_is_wanted(wanted: set[Acl], existing: set[Acl]) -> None:
    p = plan(wanted, existing)
    assert (existing | set(p.add)) - set(p.remove) == wanted
    assert plan(wanted, wanted).unchanged


@given(st.sets(acls), st.sets(acls), st.sets(acls))
def test_a_plan_removes_only_what_governor_owns(
    wanted: set[Acl], existing: set[Acl], owned: set[Acl]
) -> None:
    p = plan(wanted, existing, owned)
    assert set(p.remove) <= owned & existing
    assert not set(p.remove) & wanted and not set(p.add) & existing


@given(st.text(max_size=200))
def test_any_text_is_parsed_or_refused_with_a_signature_error(text: str) -> None:
    try:
        head = protected(text)
    except SignatureError:
        return
    assert head.alg == "EdDSA" and head.kid


@given(
    st.dictionaries(st.sampled_from(["alg", "kid", "typ"]), st.one_of(st.text(), st.integers(), st.none()))
)
def test_a_header_is_accepted_only_with_eddsa_and_a_key_id(header: dict[str, object]) -> None:
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    try:
        head = protected(f"{encoded}..c2ln")
    except SignatureError:
        assert header.get("alg") != "EdDSA" or not isinstance(header.get("kid"), str) or not header.get("kid")
        return
    assert (head.alg, head.kid) == ("EdDSA", header["kid"])
