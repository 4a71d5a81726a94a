"""Signed, expiring tokens (JWT, HS256 through jwcrypto): the session cookie and the bearer tokens that
`governor web token` prints carry only the user's name and the token's kind; the tenant is read from
the users file at each request."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from jwcrypto import jwk, jws, jwt
from jwcrypto.common import JWException

from engine.errors import GovernorError

Kind = Literal["session", "bearer"]
SESSION_SECONDS = 8 * 3600
BEARER_SECONDS = 15 * 60
MAX_TOKEN_CHARS = 2048
_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class TokenError(GovernorError):
    """A token that is malformed, forged, expired or of the wrong kind; the message says which."""


@dataclass(frozen=True)
class Claims:
    user: str
    kind: Kind
    expires: int


class TokenSigner:
    """Issues and checks tokens with one HMAC key."""

    def __init__(self, key: bytes, clock: Callable[[], float] = time.time) -> None:
        self._key = jwk.JWK(kty="oct", k=base64.urlsafe_b64encode(key).rstrip(b"=").decode())
        self._now = clock

    def issue(self, user: str, kind: Kind, seconds: int | None = None) -> str:
        now = int(self._now())
        ttl = seconds if seconds is not None else (SESSION_SECONDS if kind == "session" else BEARER_SECONDS)
        token = jwt.JWT(
            header={"alg": "HS256", "typ": "JWT"},
            claims={"sub": user, "kind": kind, "iat": now, "exp": now + ttl},
        )
        token.make_signed_token(self._key)
        return str(token.serialize())

    def verify(self, token: str, kind: Kind) -> Claims:
        """The claims of a valid token of `kind`; raises TokenError with one clear line otherwise."""
        if len(token) > MAX_TOKEN_CHARS or not _SHAPE.fullmatch(token):
            raise TokenError("token is not a signed token (expected three base64url parts)")
        try:
            checked = jwt.JWT(jwt=token, key=self._key, algs=["HS256"], check_claims=False)
            claims = json.loads(checked.claims)
        except (JWException, jws.InvalidJWSSignature, jws.InvalidJWSObject) as exc:
            raise TokenError(f"token signature is not valid ({type(exc).__name__})") from None
        except (ValueError, TypeError, UnicodeError):
            raise TokenError("token is not a signed token (unreadable parts)") from None
        return self._claims(claims, kind)

    def _claims(self, claims: object, kind: Kind) -> Claims:
        if not isinstance(claims, dict):
            raise TokenError("token claims are not a JSON object")
        sub, got, exp = claims.get("sub"), claims.get("kind"), claims.get("exp")
        if not isinstance(sub, str) or not isinstance(exp, int) or isinstance(exp, bool):
            raise TokenError("token lacks its subject or expiry")
        if got != kind:
            raise TokenError(f"a {got} token cannot be used as a {kind} token")
        if exp <= self._now():
            raise TokenError("token has expired; get a new one (governor web token --user NAME)")
        return Claims(sub, kind, exp)
