"""Approvals are signed by the release gate and verified by readers; keys rotate by key id."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, Trace
from engine.settings import Settings
from engine.trust import keys, signature
from engine.trust.approvals import ApprovalVerifier, release_codec
from engine.trust.signature import SIGNATURE_HEADER, SignatureError


def _approval() -> Envelope:
    payload = {
        "question": "q",
        "answer": "The excess is $500.",
        "citations": [],
        "model": "m",
        "template_version": "v1",
        "decision_id": "d",
        "obligations": [],
    }
    approved = {"type": "answer.approved", "contract": "answers.approved@1", "tenant": "default"}
    return Envelope(**approved, payload=payload, trace=Trace("t1"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(bootstrap_servers="127.0.0.1:1", keys_dir=tmp_path / "keys")


def test_the_release_codec_signs_approvals_and_readers_verify_them(settings: Settings) -> None:
    codec = release_codec(settings, ContractRegistry.load(settings.contracts_dir, settings.topics))
    value, headers = codec.encode(settings.topics.answers_approved, _approval())
    verifier = ApprovalVerifier(settings)
    kid = verifier.verify(value, headers)
    assert kid.startswith("release-")
    with pytest.raises(SignatureError, match="does not match"):
        verifier.verify(value.replace(b"$500", b"$5000"), headers)
    with pytest.raises(SignatureError, match="unsigned"):
        verifier.verify(value, [h for h in headers if h[0] != SIGNATURE_HEADER])


def test_private_keys_are_owner_only_and_never_published(settings: Settings) -> None:
    keys.signing_key(settings.keys_path, "release")
    (path,) = (settings.keys_path / "release").glob("*.jwk")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    (published,) = keys.public_keys(settings.keys_path, "release")
    assert "d" not in published and published["crv"] == "Ed25519"
    with pytest.raises(SignatureError, match="private"):
        signature.key_set([json.loads(path.read_text())])


def test_a_rotated_key_signs_and_the_old_one_verifies_until_retired(settings: Settings) -> None:
    old = keys.signing_key(settings.keys_path, "release")
    old_sig = signature.sign(b"record", old)
    new_kid = keys.new_key(settings.keys_path, "release")
    new = keys.signing_key(settings.keys_path, "release")
    assert new.key_id == new_kid != old.key_id
    verifier = ApprovalVerifier(settings)
    for sig in (old_sig, signature.sign(b"record", new)):
        verifier.verify(b"record", [(SIGNATURE_HEADER, sig.encode())])
    keys.retire(settings.keys_path, "release", str(old.key_id))
    with pytest.raises(SignatureError, match="unknown or retired"):
        ApprovalVerifier(settings).verify(b"record", [(SIGNATURE_HEADER, old_sig.encode())])


def test_a_signature_by_another_key_with_a_known_kid_is_refused(settings: Settings) -> None:
    real = keys.signing_key(settings.keys_path, "release")
    from jwcrypto import jwk

    # Someone else's key that claims the release gate's key id.
    forger = jwk.JWK.generate(kty="OKP", crv="Ed25519", kid=real.key_id)
    forged = signature.sign(b"record", forger)
    with pytest.raises(SignatureError, match="does not match"):
        ApprovalVerifier(settings).verify(b"record", [(SIGNATURE_HEADER, forged.encode())])


@pytest.mark.parametrize(
    ("detached", "why"),
    [
        ("abc", "detached JWS"),
        ("a.b.c", "detached JWS"),
        ("!!..sig", "base64url"),
        ("bm90IGpzb24..sig", "not JSON"),
        ("WzFd..sig", "not a JSON object"),
        ("eyJhbGciOiJIUzI1NiIsImtpZCI6ImsifQ..sig", "algorithm 'HS256'"),
        ("eyJhbGciOiJFZERTQSJ9..sig", "no key id"),
    ],
)
def test_malformed_signatures_name_what_is_wrong(detached: str, why: str) -> None:
    with pytest.raises(SignatureError, match=why):
        signature.protected(detached)


@pytest.mark.parametrize("payload", [b"", b"record", "Zürich \U0001f600".encode(), bytes(range(256)) * 40])
def test_the_prepared_signer_makes_the_very_jws_jwcrypto_makes(tmp_path: Path, payload: bytes) -> None:
    """Ed25519 signatures are deterministic: the signer that skips jwcrypto's per-record object building
    must give the same bytes as jwcrypto itself, and verify with the published key."""
    from jwcrypto import jws

    keys.new_key(tmp_path, "release")
    key = keys.signing_key(tmp_path, "release")
    token = jws.JWS(payload)
    token.add_signature(key, "EdDSA", protected=json.dumps({"alg": "EdDSA", "kid": key.key_id}))
    header, _, sig = str(token.serialize(compact=True)).split(".")
    assert signature.Signer(key).sign(payload) == signature.sign(payload, key) == f"{header}..{sig}"
    published = signature.key_set(keys.public_keys(tmp_path, "release"))
    assert signature.verify(payload, signature.sign(payload, key), published) == key.key_id
