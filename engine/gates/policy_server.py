"""The OPA a command outside the pipeline decides with: the one configured, else a private one.

`gate replay` and `eval` must run without a stack: when no OPA is configured (GOVERNOR_OPA_URL) and
no local stack is up, they start a private OPA from the cached binary for the length of the command.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine.errors import ConfigError
from engine.settings import Settings


@contextmanager
def policy_url(settings: Settings, policies: Path | None = None) -> Iterator[str]:
    """An OPA URL serving ``policies`` (a private OPA) or, when none is named, the configured policies."""
    if policies is None:
        from engine import endpoints

        try:
            url = endpoints.opa_url(settings)
        except ConfigError:
            url = None
        if url is not None:
            yield url
            return
        policies = settings.policies_dir
    from engine.stack.opa import TemporaryOPA

    with TemporaryOPA(settings.cache_dir, policies) as server:
        yield server.url
