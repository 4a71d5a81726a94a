"""Wiring and serving: one instance = the app, its outcome listener and its producer, under uvicorn.

An instance logs in to Kafka as the web-app principal (`as_web_app`): it may write prompts.requested and
read answers.approved and requests.status, nothing else."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import uvicorn

from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.errors import GovernorError
from engine.settings import REPO_ROOT, Settings
from engine.stack import local
from engine.web import keys, trust
from engine.web.app import WebContext, create_app
from engine.web.events import EventHub
from engine.web.listener import OutcomeListener
from engine.web.request_ids import RequestIds
from engine.web.submit import KafkaSubmitter
from engine.web.tokens import TokenSigner
from engine.web.users import UserDirectory

DEMO_USERS = REPO_ROOT / "demo" / "users.yaml"


def as_web_app(settings: Settings) -> Settings:
    """Settings logged in as the web-app principal on the local stack, when one runs here and no Kafka is
    configured; against an external cluster, the login configured (the operator's web-app credentials)."""
    return local.endpoints(settings, trust.APP_PRINCIPAL)


def signer(settings: Settings) -> TokenSigner:
    return TokenSigner(keys.derive(keys.load_or_create(settings.cache_dir), "tokens"))


def build(
    settings: Settings, users_file: Path | None = None, lookback_seconds: float = 900.0
) -> tuple[WebContext, Callable[[], None]]:
    """A running instance's context (its listener already started) and the function that closes it."""
    secret = keys.load_or_create(settings.cache_dir)
    users = UserDirectory.load(users_file or DEMO_USERS)
    codec = GovernedCodec(ContractRegistry.load(settings.contracts_dir, settings.topics))
    hub = EventHub(ttl_seconds=lookback_seconds)
    listener = OutcomeListener(settings, hub, lookback_seconds)
    submitter = KafkaSubmitter(settings, codec)
    listener.start()
    ctx = WebContext(
        users=users,
        signer=TokenSigner(keys.derive(secret, "tokens")),
        ids=RequestIds(keys.derive(secret, "request-ids")),
        hub=hub,
        submitter=submitter,
        listener=listener,
    )

    def close() -> None:
        listener.stop()
        submitter.close()

    return ctx, close


def _server(ctx: WebContext, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(ctx), host=host, port=port, log_level="warning", lifespan="off",
        timeout_graceful_shutdown=1, timeout_keep_alive=5,
    )  # fmt: skip
    return uvicorn.Server(config)


def serve(
    settings: Settings, host: str = "127.0.0.1", port: int = 8080, users_file: Path | None = None
) -> None:
    """Serve until interrupted (Ctrl-C)."""
    ctx, close = build(settings, users_file)
    try:
        _server(ctx, host, port).run()
    finally:
        close()


def start_in_thread(
    settings: Settings, port: int = 8080, host: str = "127.0.0.1", users_file: Path | None = None
) -> tuple[str, Callable[[], None]]:
    """Serve on a daemon thread (the demo, tests, the benchmark): the page's URL and a `stop()`.
    Port 0 picks a free port."""
    ctx, close = build(settings, users_file)
    server = _server(ctx, host, port)
    thread = threading.Thread(target=server.run, name="web-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            close()
            raise GovernorError(f"the web application did not start on {host}:{port} (is the port taken?)")
        time.sleep(0.05)
    bound = server.servers[0].sockets[0].getsockname()[1]

    def stop() -> None:
        ctx.hub.close()  # streams end cleanly first; uvicorn then exits without cancelling them
        server.should_exit = True
        thread.join(15)
        close()

    return f"http://{host}:{bound}/", stop
