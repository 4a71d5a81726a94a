"""Session-wide guards and the real stack.

- No egress: any attempt to connect a Python socket to a non-loopback address fails the test.
- Integration tests get a real Kafka and OPA: GOVERNOR_TEST_BOOTSTRAP / GOVERNOR_TEST_OPA_URL when set,
  otherwise the project's own stack, started once per session in a private run folder and stopped after.
  A server that cannot be started fails the tests that need it; nothing is skipped.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.kafka_helpers import kafka_login

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

EGRESS_ATTEMPTS: list[str] = []
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX paths
    host = address[0].decode() if isinstance(address[0], bytes) else str(address[0])
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a hostname other than localhost would need DNS: refuse it


def _guarded(real: Any) -> Any:
    def connect(self: socket.socket, address: Any) -> Any:
        if not _is_local(address):
            EGRESS_ATTEMPTS.append(repr(address))
            raise ConnectionRefusedError(f"egress blocked by the test suite: {address!r}")
        return real(self, address)

    return connect


_real_getaddrinfo = socket.getaddrinfo


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    # Exporters that fail at the DNS lookup never reach connect(): catch the lookup too.
    if host not in (None, "", "localhost") and not _is_local((host,)):
        EGRESS_ATTEMPTS.append(f"lookup {host!r}")
        raise socket.gaierror(socket.EAI_NONAME, f"egress blocked by the test suite: lookup of {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded(_real_connect)  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded(_real_connect_ex)  # type: ignore[method-assign]
socket.getaddrinfo = _guarded_getaddrinfo


@pytest.fixture(autouse=True)
def no_egress() -> Iterator[None]:
    before = len(EGRESS_ATTEMPTS)
    yield
    attempts = EGRESS_ATTEMPTS[before:]
    assert not attempts, f"test tried to connect outside this machine: {attempts}"


@pytest.fixture(scope="session")
def stack_endpoints() -> Iterator[dict[str, str]]:
    """Kafka bootstrap and OPA URL of a real, running stack for the whole session."""
    bootstrap, opa_url = os.environ.get("GOVERNOR_TEST_BOOTSTRAP"), os.environ.get("GOVERNOR_TEST_OPA_URL")
    if bootstrap and opa_url:
        # An external cluster: a super user's SCRAM credentials, or none for a PLAINTEXT cluster.
        username = os.environ.get("GOVERNOR_TEST_SASL_USERNAME", "")
        password = os.environ.get("GOVERNOR_TEST_SASL_PASSWORD", "")
        login = {"username": username, "password": password}
        login["opa_token"] = os.environ.get("GOVERNOR_TEST_OPA_TOKEN", "")
        yield {"bootstrap": bootstrap, "opa_url": opa_url, "run_dir": ""} | login
        return
    from engine.settings import REPO_ROOT, load_settings
    from engine.stack import credentials, local
    from engine.trust import identity
    from engine.trust.provision import secure_local

    run_dir = Path(tempfile.mkdtemp(prefix="governor-test-stack-"))
    settings = load_settings()
    app_keys = identity.publish_local(settings.keys_path, REPO_ROOT / "policies", run_dir)
    state = local.up(
        settings.cache_dir, run_dir, REPO_ROOT / "policies", brokers=1, log=False, data_dirs=[app_keys]
    )
    try:
        pinned = settings.model_copy(update={"bootstrap_servers": state.bootstrap_servers})
        admin = local.as_principal(pinned, run_dir, credentials.ADMIN)
        secure_local(admin, run_dir)
        yield {
            "bootstrap": state.bootstrap_servers,
            "opa_url": state.opa_url,
            "run_dir": str(run_dir),
            "username": credentials.ADMIN,
            "password": credentials.password(run_dir, credentials.ADMIN),
            "opa_token": credentials.password(run_dir, credentials.OPA_TOKEN),
        }
    finally:
        import gc

        gc.collect()  # destroy leftover Kafka clients while the broker still answers (no shutdown noise)
        local.down(run_dir, quiet=True)


@pytest.fixture
def test_settings(stack_endpoints: dict[str, str]) -> Iterator[Any]:
    """Settings on the real stack with fresh topics and consumer groups for this test, deleted after."""
    from pydantic import SecretStr

    from engine.contracts.registry import ContractRegistry
    from engine.kafka.admin import delete_topics, ensure_topics
    from engine.settings import Settings, Topics

    suffix = uuid.uuid4().hex[:8]
    topics = Topics(**{name: f"{field.default}.{suffix}" for name, field in Topics.model_fields.items()})
    settings = Settings(
        bootstrap_servers=stack_endpoints["bootstrap"],
        opa_url=stack_endpoints["opa_url"],
        **kafka_login(stack_endpoints["username"], stack_endpoints["password"]),
        opa_token=SecretStr(stack_endpoints["opa_token"]) if stack_endpoints["opa_token"] else None,
        topics=topics,
        group_prefix=f"test-{suffix}",
        opa_retries=1,
        opa_backoff_seconds=0.1,
        batch_timeout_seconds=0.1,
        vector_store_path=Path(tempfile.mkdtemp(prefix="governor-test-vectors-")),
    )
    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    ensure_topics(settings, registry.topic_specs())
    yield settings
    delete_topics(settings, [spec.name for spec in registry.topic_specs()])
    shutil.rmtree(str(settings.vector_store_path), ignore_errors=True)
