"""Request signatures: which app signed a request, as the admission gate tells the policy."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from engine.trust import identity, keys


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, identity.IdentityVerifier]:
    folder = identity.publish(tmp_path / "keys", ["ask", "web-app"], tmp_path / "app-keys")
    data = json.loads((folder / "data.json").read_text())
    return tmp_path / "keys", identity.IdentityVerifier(lambda: data[identity.APP_KEYS])


def test_publish_writes_only_public_keys_owner_readable(tmp_path: Path) -> None:
    folder = identity.publish(tmp_path / "keys", ["ask"], tmp_path / "app-keys")
    text = (folder / "data.json").read_text()
    (entry,) = json.loads(text)[identity.APP_KEYS]["ask"]
    assert entry["kty"] == "OKP" and "d" not in entry
    assert stat.S_IMODE((folder / "data.json").stat().st_mode) == 0o600


def test_a_signed_request_names_its_app(published: tuple[Path, identity.IdentityVerifier]) -> None:
    keys_dir, verifier = published
    value = b'{"tenant": "acme-insurance"}'
    found = verifier.identify(value, identity.sign_request(value, keys.signing_key(keys_dir, "web-app")))
    assert found["status"] == "verified" and found["app"] == "web-app"


def test_changed_unsigned_and_unknown_requests_say_why(
    published: tuple[Path, identity.IdentityVerifier], tmp_path: Path
) -> None:
    keys_dir, verifier = published
    value = b'{"tenant": "acme-insurance"}'
    headers = identity.sign_request(value, keys.signing_key(keys_dir, "ask"))
    assert verifier.identify(value.replace(b"acme", b"evil"), headers)["status"] == "forged"
    assert verifier.identify(value, [])["status"] == "unsigned"
    assert verifier.identify(value, [(identity.REQUEST_SIGNATURE_HEADER, b"not-a-jws")])["status"] == "forged"
    stranger = keys.signing_key(tmp_path / "elsewhere", "ask")
    unknown = verifier.identify(value, identity.sign_request(value, stranger))
    assert unknown == {"status": "unknown_key", "kid": stranger.key_id}


def test_a_key_published_later_is_picked_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identity, "RELOAD_INTERVAL_SECONDS", 0.0)
    data: dict[str, object] = {}
    verifier = identity.IdentityVerifier(lambda: data)
    value = b"{}"
    headers = identity.sign_request(value, keys.signing_key(tmp_path / "keys", "ask"))
    assert verifier.identify(value, headers)["status"] == "unknown_key"
    data.update(identity.published_keys(tmp_path / "keys", ["ask"]))
    assert verifier.identify(value, headers)["status"] == "verified"
