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
def policy_url(settings: Settings, policies: Path | None = None, *, use_stack: bool = True) -> Iterator[str]:
    """An OPA URL serving ``policies`` (a private OPA) or, when none is named, the configured OPA (or,
    with ``use_stack``, the local stack's); failing those, a private OPA serving ``settings.policies_dir``."""
    if policies is None:
        from engine import endpoints

        try:
            url = endpoints.opa_url(settings) if use_stack else settings.opa_url
        except ConfigError:
            url = None
        if url is not None:
            yield url
            return
        policies = settings.policies_dir
    from engine.stack.opa import TemporaryOPA

    with TemporaryOPA(settings.cache_dir, policies) as server:
        yield server.url
