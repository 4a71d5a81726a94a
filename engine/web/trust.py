"""The web application's trust hooks, in one place for the security work (issue 10) to fill in.

- `APP_PRINCIPAL`: the Kafka principal the web app will submit and read as.
- `request_key` / `request_headers`: the app's signature (detached JWS, Ed25519) over each request it
  submits for a signed-in user's tenant; admission takes the tenant only from requests so vouched for.
- `verify_release`: whether an approved record carries a valid release-gate signature. The release
  gate signs nothing yet, so this answers False, and every `released` event says so.
"""

from __future__ import annotations

from jwcrypto import jwk

from engine.settings import Settings
from engine.trust import identity, keys

APP_PRINCIPAL = "web-app"


def request_key(settings: Settings) -> jwk.JWK:
    """The web app's signing key (made at first use, 0600, in the keys folder)."""
    return keys.signing_key(settings.keys_path, APP_PRINCIPAL)


def request_headers(value: bytes, key: jwk.JWK) -> list[tuple[str, bytes]]:
    """Extra Kafka headers for a prompt this app submits: its signature over the record's bytes, so the
    tenant in them is the one the app vouched for."""
    return identity.sign_request(value, key)


def verify_release(value: bytes, headers: list[tuple[str, bytes]]) -> bool:
    """True only when the record's detached JWS verifies against a release-gate key. No such signature
    exists before issue 10, so nothing verifies: False, never a pretend True."""
    return False
