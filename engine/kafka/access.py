"""Kafka's refusals in words: which principal, which operation, what to do; never a secret.

librdkafka reports a failed login as a stream of log lines and, 30 s later, a timeout; an ACL refusal as
an error code. A member checks its login once before it joins (`check_login`), and turns an
authorization code met later into one `AccessDenied` that names the principal and the operation.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient

from engine.errors import GovernorError
from engine.kafka import config
from engine.settings import Settings

# What each refusal means, as the operation the principal attempted (Kafka's ACL vocabulary).
_REFUSALS = {
    KafkaError.TOPIC_AUTHORIZATION_FAILED: "{verb} topic {resource}",
    KafkaError.GROUP_AUTHORIZATION_FAILED: "READ consumer group {resource}",
    KafkaError.TRANSACTIONAL_ID_AUTHORIZATION_FAILED: "WRITE transactional id {resource}",
    KafkaError.CLUSTER_AUTHORIZATION_FAILED: "use cluster operation {resource}",
}
_LOGIN_FAILURES = (KafkaError._AUTHENTICATION, KafkaError.SASL_AUTHENTICATION_FAILED)
_FIX_ACL = "an operator grants it with `governor acl apply` (see `governor acl plan`), from the contracts"
_FIX_LOGIN = "check GOVERNOR_SASL_USERNAME / GOVERNOR_SASL_PASSWORD (or `governor stack credentials NAME`)"


class AccessDenied(GovernorError):
    """Kafka refused this principal a login or an operation; retrying will not change that."""


def principal(settings: Settings) -> str:
    """Who the settings log in as, for messages."""
    if settings.sasl_username:
        return settings.sasl_username
    if settings.ssl_certificate_location:
        return f"the certificate {settings.ssl_certificate_location.name}"
    if settings.sasl_mechanism == "OAUTHBEARER":
        return f"OAUTHBEARER client {settings.sasl_oauthbearer_client_id}"
    return "(anonymous)"


def refusal(settings: Settings, err: KafkaError, resource: str, verb: str = "READ") -> AccessDenied | None:
    """The AccessDenied for a login or authorization error code; None for any other error."""
    who = principal(settings)
    if err.code() in _LOGIN_FAILURES:
        return _login_refused(settings)
    template = _REFUSALS.get(err.code())
    if template is None:
        return None
    operation = template.format(verb=verb, resource=resource)
    return AccessDenied(f"Kafka refused principal {who}: {operation} ({err.name()}); {_FIX_ACL}")


def _login_refused(settings: Settings) -> AccessDenied:
    mechanism = settings.sasl_mechanism or settings.security_protocol
    return AccessDenied(
        f"Kafka at {settings.bootstrap_servers} refused the login of principal {principal(settings)} "
        f"({mechanism}: authentication failed); {_FIX_LOGIN}"
    )


def check_login(settings: Settings, timeout: float = 15.0) -> None:
    """Raise AccessDenied at once when the credentials are refused, instead of a timeout 30 s later."""
    refused = threading.Event()

    def on_error(err: KafkaError) -> None:
        if err.code() in _LOGIN_FAILURES:
            refused.set()

    # No librdkafka log lines ("SASL authentication error" every 300 ms): the check says it once, in words.
    conf: dict[str, Any] = {**config.common(settings), "error_cb": on_error, "log_level": 0}
    client = AdminClient(conf)
    deadline = time.monotonic() + timeout
    while True:
        try:
            client.list_topics(timeout=1.0)
            failure = None
        except KafkaException as exc:
            failure = exc.args[0].str()
        client.poll(0.1)  # serves the error callback, where librdkafka reports a refused login
        if refused.is_set():
            raise _login_refused(settings)
        if failure is None:
            return
        if time.monotonic() > deadline:
            raise GovernorError(
                f"Kafka at {settings.bootstrap_servers} did not answer principal {principal(settings)} "
                f"within {timeout:.0f}s: {failure}"
            )


def topics_named(topics: Iterable[str]) -> str:
    return ", ".join(sorted(set(topics))) or "(none)"
