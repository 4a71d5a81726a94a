"""POST JSON to an OpenAI-compatible endpoint with retries; shared by the embedding and chat clients.

Standard library only (urllib): one request per connection costs a TCP handshake, which is
noise next to a model call, and keeps the HTTP clients free of an extra pinned dependency.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.errors import GovernorError

log = logging.getLogger(__name__)

_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
# A refused credential (a bad or revoked API key, a missing permission) is the deployment's fault, not the
# message's: the caller waits and alerts (unavailable) instead of dead-lettering every message. Not retried
# here: the same key fails at once; the stage's backoff paces the next try.
_CREDENTIAL_STATUS = frozenset({401, 403})
_MAX_RETRY_AFTER_S = 30.0


@dataclass(frozen=True)
class ErrorKinds:
    """The caller's exception types for: out of time, unreachable/overloaded, refused, nonsense back."""

    timeout: type[GovernorError]
    unavailable: type[GovernorError]
    rejected: type[GovernorError]
    bad_response: type[GovernorError]


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts after the first, and the exponential backoff between them (full jitter)."""

    retries: int = 3
    backoff_s: float = 0.5
    max_backoff_s: float = 8.0

    def delay(self, attempt: int) -> float:
        # Full jitter spreads out clients that failed together so they do not retry together.
        return random.uniform(0.0, min(self.max_backoff_s, self.backoff_s * (2**attempt)))


def post_json(
    url: str,
    body: Mapping[str, Any],
    *,
    api_key: str | None,
    timeout_s: float,
    retry: RetryPolicy,
    errors: ErrorKinds,
    slots: threading.BoundedSemaphore | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """The decoded JSON object answered by ``url``; retries timeouts, connection errors, 408/429/5xx; a
    401/403 is ``unavailable`` (a misconfiguration to wait out), other 4xx ``rejected`` (the request)."""
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    last: GovernorError | None = None
    retry_after: float | None = None  # what the server asked for, honoured over our own backoff
    for attempt in range(retry.retries + 1):
        if attempt:
            wait = retry_after if retry_after is not None else retry.delay(attempt - 1)
            log.warning("event=http_retry url=%s attempt=%d wait_s=%.2f error=%s", url, attempt, wait, last)
            sleep(wait)
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        retry_after = None
        try:
            if slots is not None:
                with slots:  # held per attempt, not across backoff, so a sleeping retry frees its slot
                    raw = _send(request, timeout_s)
            else:
                raw = _send(request, timeout_s)
        except urllib.error.HTTPError as exc:
            detail = _error_text(exc)
            if exc.code in _CREDENTIAL_STATUS:
                raise errors.unavailable(
                    f"{url} refused the credentials (HTTP {exc.code}: {detail}); check the API key setting"
                ) from exc
            if exc.code not in _RETRY_STATUS:
                raise errors.rejected(f"{url} answered HTTP {exc.code}: {detail}") from exc
            last = errors.unavailable(f"{url} answered HTTP {exc.code}: {detail}")
            retry_after = _parse_retry_after(exc.headers.get("Retry-After"))
            continue
        except TimeoutError as exc:  # socket.timeout is an alias since 3.10
            last = errors.timeout(f"{url} did not answer within {timeout_s}s")
            last.__cause__ = exc
            continue
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                last = errors.timeout(f"{url} did not answer within {timeout_s}s")
            else:
                last = errors.unavailable(f"{url} unreachable: {exc.reason}")
            last.__cause__ = exc
            continue
        except (ConnectionError, OSError) as exc:  # reset mid-response, refused after connect, ...
            last = errors.unavailable(f"{url} connection failed: {exc}")
            last.__cause__ = exc
            continue
        try:
            decoded = json.loads(raw)
        except ValueError as exc:
            raise errors.bad_response(f"{url} answered something that is not JSON") from exc
        if not isinstance(decoded, dict):
            raise errors.bad_response(f"{url} answered JSON that is not an object")
        return decoded
    assert last is not None
    raise last


def _send(request: urllib.request.Request, timeout_s: float) -> bytes:
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        payload: bytes = response.read()
        return payload


def _error_text(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read(500).decode(errors="replace").strip() or exc.reason
    except OSError:
        return str(exc.reason)


def _parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return min(max(float(value), 0.0), _MAX_RETRY_AFTER_S)
    except ValueError:  # an HTTP date: rare from model servers, fall back to our own backoff
        return None
