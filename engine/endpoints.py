"""Where Kafka and OPA are: from settings when given, else from the running local stack."""

from __future__ import annotations

from engine.errors import ConfigError
from engine.settings import Settings
from engine.stack import local
from engine.stack.local import StackState


def bootstrap_servers(settings: Settings) -> str:
    if settings.bootstrap_servers:
        return settings.bootstrap_servers
    state = StackState.load(settings.run_dir)
    if state is None:
        raise ConfigError(
            "no Kafka configured: set GOVERNOR_BOOTSTRAP_SERVERS, "
            "or start the local stack with `governor stack up`"
        )
    return state.bootstrap_servers


def opa_url(settings: Settings) -> str:
    if settings.opa_url:
        return settings.opa_url.rstrip("/")
    state = StackState.load(settings.run_dir)
    if state is None:
        raise ConfigError(
            "no OPA configured: set GOVERNOR_OPA_URL, or start the local stack with `governor stack up`"
        )
    return state.opa_url


def on_local_stack(settings: Settings) -> tuple[Settings, StackState]:
    """Start (or reuse) the local stack, and settings that point at it."""
    state = local.up(settings.cache_dir, settings.run_dir, settings.policies_dir)
    pinned = {"bootstrap_servers": state.bootstrap_servers, "opa_url": state.opa_url}
    return settings.model_copy(update=pinned), state
