"""Keep third-party libraries from phoning home: Governor runs with no network egress.

guardrails-ai 0.11 exports OpenTelemetry spans to its vendor unless ``enable_metrics`` is false in
``~/.guardrailsrc``, and ``Guard()`` re-reads that file on every construction, so setting the
in-memory rc once is not enough. We force the flag off at every place guardrails consults it:
the loaded rc, the rc loader itself, and the hub telemetry singleton's tracer.
great-expectations reads ``GX_ANALYTICS_ENABLED`` when its context starts.
"""

from __future__ import annotations

import os
import threading
from typing import Any

_lock = threading.Lock()
_done = False


def disable_library_telemetry() -> None:
    """Switch off guardrails' hub metrics/tracing and great-expectations analytics; idempotent."""
    global _done
    if _done:
        return
    with _lock:
        if _done:
            return
        # Forced, not setdefault: an inherited "true" would re-open the egress this module closes.
        os.environ["GX_ANALYTICS_ENABLED"] = "false"
        _patch_guardrails()
        _done = True


def _patch_guardrails() -> None:
    from guardrails.classes.rc import RC
    from guardrails.settings import settings
    from guardrails.utils.hub_telemetry_utils import HubTelemetry

    if not getattr(RC.load, "_governor_offline", False):
        original = RC.load.__func__

        def load_offline(cls: type[RC], logger: Any = None) -> RC:
            rc: RC = original(cls, logger)
            return _offline(rc)

        load_offline._governor_offline = True  # type: ignore[attr-defined]
        RC.load = classmethod(load_offline)

    # settings.rc was loaded at import time, before the patch above.
    settings.rc = _offline(settings.rc)

    # The singleton owns the only exporter aimed at the vendor; with no tracer it cannot emit a
    # span, even if a caller later flips `_enabled` (Guard(allow_metrics_collection=True) does).
    hub = HubTelemetry(enabled=False)
    hub._enabled = False
    hub._tracer = None
    processor = hub._processor
    hub._processor = None
    if processor is not None:
        processor.shutdown()


def _offline(rc: Any) -> Any:
    rc.enable_metrics = False
    # Remote inference would send the validated text itself to the vendor's endpoint.
    rc.use_remote_inferencing = False
    return rc
