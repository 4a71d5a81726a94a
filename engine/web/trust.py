"""The web application's trust hooks, in one place for the security work (issue 10) to fill in.

- `APP_PRINCIPAL`: the Kafka principal the web app will submit and read as.
- `request_headers`: headers that will carry the app's signature (JWS, Ed25519) over each request,
  binding it to the user's tenant. None yet: admission takes the tenant from the envelope today.
- `verify_release`: whether an approved record carries a valid release-gate signature. The release
  gate signs nothing yet, so this answers False, and every `released` event says so.
"""

from __future__ import annotations

from engine.envelope import Envelope

APP_PRINCIPAL = "web-app"


def request_headers(envelope: Envelope) -> list[tuple[str, bytes]]:
    """Extra Kafka headers for a prompt this app submits (the app's request signature, once keys exist)."""
    return []


def verify_release(value: bytes, headers: list[tuple[str, bytes]]) -> bool:
    """True only when the record's detached JWS verifies against a release-gate key. No such signature
    exists before issue 10, so nothing verifies: False, never a pretend True."""
    return False
