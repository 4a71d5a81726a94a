"""What the API accepts, parsed by hand so that every refusal is one clear line (and never a stack trace)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from engine.errors import GovernorError

MAX_BODY_BYTES = 16 * 1024
MAX_QUESTION_CHARS = 4000  # the prompts.requested contract's limit
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9._:-]{1,128}")
MAX_EVENT_ID = 1_000_000


class BadRequest(GovernorError):
    """Input the API refuses; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class AskRequest:
    question: str
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


def _object(body: bytes) -> dict[str, Any]:
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(f"request body is larger than {MAX_BODY_BYTES} bytes", 413)
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except (UnicodeError, ValueError, RecursionError):
        raise BadRequest("request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadRequest(f"request body must be a JSON object, got {type(data).__name__}")
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def parse_ask(body: bytes, header_key: str | None = None) -> AskRequest:
    """`{"question": "...", "idempotency_key"?: "..."}`; the key may come in an Idempotency-Key header."""
    data = _object(body)
    if "tenant" in data:
        raise BadRequest("'tenant' is not accepted: your tenant comes from your user record")
    unknown = sorted(set(data) - {"question", "idempotency_key"})
    if unknown:
        named = ", ".join(ascii(k)[:40] for k in unknown[:5])
        raise BadRequest(f"unknown field(s): {named} (expected question, idempotency_key)")
    question = data.get("question")
    if not isinstance(question, str):
        raise BadRequest("'question' is required and must be a string")
    question = question.strip()
    if not question:
        raise BadRequest("'question' must not be empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise BadRequest(f"'question' is longer than {MAX_QUESTION_CHARS} characters")
    if any(ch < " " and ch not in "\t\n\r" for ch in question) or not _encodable(question):
        raise BadRequest("'question' contains control characters or unpaired surrogates")
    key = data.get("idempotency_key", header_key)
    if header_key is not None and "idempotency_key" in data and data["idempotency_key"] != header_key:
        raise BadRequest("the Idempotency-Key header and 'idempotency_key' differ")
    if key is not None and (not isinstance(key, str) or not IDEMPOTENCY_KEY.fullmatch(key)):
        raise BadRequest("idempotency key must be 1-128 characters of A-Z a-z 0-9 . _ : -")
    return AskRequest(question, key)


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeError:
        return False
    return True


def parse_credentials(body: bytes) -> Credentials:
    """`{"username": "...", "password": "..."}`."""
    data = _object(body)
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise BadRequest("'username' and 'password' are required strings")
    if len(username) > 64 or len(password) > 1024:
        raise BadRequest("'username' or 'password' is too long")
    return Credentials(username, password)


def parse_last_event_id(value: str | None) -> int:
    """The Last-Event-ID to resume after (0: from the start). Event ids are small decimal integers."""
    if value is None or value.strip() == "":
        return 0
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 7 or int(text) > MAX_EVENT_ID:
        raise BadRequest("Last-Event-ID must be a decimal event id this stream sent")
    return int(text)


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header; None without one; BadRequest(401) if odd."""
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise BadRequest("Authorization header must read 'Bearer TOKEN'", 401)
    return token.strip()
