"""Request ids that say whose they are, so any instance can check ownership without shared state.

`web-<nonce>-<tag>`: the tag is an HMAC of the nonce, the tenant and the user. The id is also the trace
id of the prompt on Kafka, so outcomes are correlated by it. With an idempotency key the nonce is derived
from the key, so a retry (on any instance) gets the same id.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from engine.web.users import User

PREFIX = "web-"
REQUEST_ID = re.compile(r"web-([0-9a-f]{16})-([0-9a-f]{16})")


class RequestIds:
    """Makes and checks request ids with one key."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def new(self, user: User, idempotency_key: str | None = None) -> str:
        if idempotency_key is None:
            nonce = secrets.token_hex(8)
        else:
            nonce = self._mac(f"idem|{user.tenant}|{user.name}|{idempotency_key}")[:16]
        return f"{PREFIX}{nonce}-{self._tag(nonce, user)}"

    def owned_by(self, request_id: str, user: User) -> bool:
        m = REQUEST_ID.fullmatch(request_id)
        return m is not None and hmac.compare_digest(m.group(2), self._tag(m.group(1), user))

    def _tag(self, nonce: str, user: User) -> str:
        return self._mac(f"owner|{nonce}|{user.tenant}|{user.name}")[:16]

    def _mac(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()


def looks_like_request_id(trace_id: str) -> bool:
    """Cheap filter for the outcome listener: only web requests are kept in memory."""
    return trace_id.startswith(PREFIX) and REQUEST_ID.fullmatch(trace_id) is not None
