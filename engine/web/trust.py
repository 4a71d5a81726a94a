"""The web application's trust hooks, in one place for the security work (issue 10) to fill in.

- `APP_PRINCIPAL`: the Kafka principal the web app will submit and read as.
- `request_key` / `request_headers`: the app's signature (detached JWS, Ed25519) over each request it
  submits for a signed-in user's tenant; admission takes the tenant only from requests so vouched for.
- `release_verifier`: whether an approved record carries a valid release-gate signature (the same check
  the Python client makes); an approval that fails it is never shown as released.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from jwcrypto import jwk

from engine.settings import Settings
from engine.trust import identity, keys
from engine.trust.approvals import ApprovalVerifier
from engine.trust.signature import SignatureError

APP_PRINCIPAL = "web-app"


def request_key(settings: Settings) -> jwk.JWK:
    """The web app's signing key (made at first use, 0600, in the keys folder)."""
    return keys.signing_key(settings.keys_path, APP_PRINCIPAL)


def request_headers(value: bytes, key: jwk.JWK) -> list[tuple[str, bytes]]:
    """Extra Kafka headers for a prompt this app submits: its signature over the record's bytes, so the
    tenant in them is the one the app vouched for."""
    return identity.sign_request(value, key)


def release_verifier(settings: Settings) -> Callable[[bytes, Sequence[tuple[str, bytes]]], bool]:
    """True only when a record's detached JWS verifies against a release-gate key."""
    verifier = ApprovalVerifier(settings)

    def verified(value: bytes, headers: Sequence[tuple[str, bytes]]) -> bool:
        try:
            verifier.verify(value, headers)
        except SignatureError:
            return False
        return True

    return verified
