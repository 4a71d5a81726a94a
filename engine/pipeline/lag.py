"""Consumer lag from librdkafka's statistics (``stats_cb``), so the stage loop never waits on a broker
for it. ``consumer_lag_stored`` is measured against the last stable offset under read_committed and
skips transaction markers, so an idle, fully consumed partition shows 0."""

from __future__ import annotations

import json
import logging
from typing import Any

from engine import metrics

log = logging.getLogger(__name__)
STATISTICS_INTERVAL_MS = 10000


def lags(stats: dict[str, Any]) -> dict[tuple[str, int], int]:
    """Lag per assigned (topic, partition) in one statistics document; unknown lags are left out."""
    found: dict[tuple[str, int], int] = {}
    for topic, body in (stats.get("topics") or {}).items():
        for key, part in (body.get("partitions") or {}).items():
            partition = int(key)
            # The stored offset is ours once we consumed there; before that (a partition taken over fully
            # consumed) the group's committed offset says the same.
            lag = part.get("consumer_lag_stored", -1)
            if lag is None or lag < 0:
                lag = part.get("consumer_lag", -1)
            if partition < 0 or lag is None or lag < 0 or part.get("fetch_state") == "none":
                continue
            found[(topic, partition)] = int(lag)
    return found


class LagReporter:
    """The ``stats_cb`` of a stage's consumer: publishes each partition's lag as a gauge."""

    def __init__(self, group: str) -> None:
        self.group = group

    def __call__(self, raw: str) -> None:
        try:
            stats = json.loads(raw)
        except ValueError:
            log.debug("unreadable librdkafka statistics")
            return
        for (topic, partition), lag in lags(stats).items():
            metrics.CONSUMER_LAG.labels(self.group, topic, str(partition)).set(lag)

    def consumer_settings(self) -> dict[str, object]:
        return {"statistics.interval.ms": STATISTICS_INTERVAL_MS, "stats_cb": self}
