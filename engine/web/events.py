"""Per-request event logs in memory, bounded by count and idle time, followed by SSE streams.

Event ids are the phase's ordinal (admitted 1, drafting 2, the outcome 3), not arrival order, so every
instance numbers a request's events alike and `Last-Event-ID` from one instance resumes on another.
The first event of an ordinal wins; a later phase inserts the earlier ones it implies (a release
implies admission) in the same step, so no stream ever sends 2 before 1.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from typing import Any

ORDINALS = {"admitted": 1, "drafting": 2, "released": 3, "blocked": 3, "error": 3}
TERMINAL = frozenset({"released", "blocked", "error"})


@dataclass(frozen=True)
class StreamEvent:
    """One event of one request's stream."""

    kind: str
    data: dict[str, Any]

    @property
    def id(self) -> int:
        return ORDINALS[self.kind]


@dataclass
class _Log:
    events: dict[int, StreamEvent] = field(default_factory=dict)
    waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = field(default_factory=set)
    touched: float = 0.0


class EventHub:
    """Thread-safe: the outcome listener publishes from its thread, SSE handlers follow on the event loop."""

    def __init__(
        self,
        max_requests: int = 20_000,
        ttl_seconds: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_requests, self.ttl_seconds, self._clock = max_requests, ttl_seconds, clock
        self._logs: OrderedDict[str, _Log] = OrderedDict()
        self._lock = threading.Lock()
        self.closed = False

    def close(self) -> None:
        """End every stream now (the instance is stopping): clients reconnect, here or elsewhere."""
        with self._lock:
            self.closed = True
            waiters = [w for log in self._logs.values() for w in log.waiters]
        for loop, wake in waiters:
            loop.call_soon_threadsafe(wake.set)

    def __len__(self) -> int:
        return len(self._logs)

    def now(self) -> float:
        return self._clock()

    def knows(self, request_id: str) -> bool:
        with self._lock:
            return request_id in self._logs

    def events(self, request_id: str) -> list[StreamEvent]:
        with self._lock:
            log = self._logs.get(request_id)
            return [log.events[i] for i in sorted(log.events)] if log else []

    def publish(self, request_id: str, events: list[StreamEvent]) -> None:
        """Add events (lowest phase first) to a request's log; events of a phase already there are ignored."""
        with self._lock:
            log = self._touch(request_id)
            for event in sorted(events, key=lambda e: e.id):
                log.events.setdefault(event.id, event)
            waiters = list(log.waiters)
        for loop, wake in waiters:
            loop.call_soon_threadsafe(wake.set)

    def open(self, request_id: str) -> None:
        """Make a log for a request just submitted, so its events are kept even before anyone follows."""
        with self._lock:
            self._touch(request_id)

    async def follow(self, request_id: str, after: int, deadline: float) -> AsyncGenerator[StreamEvent, None]:
        """The events with id > `after`, in id order, as they come; ends after the outcome or at `deadline`
        (a time of this hub's clock)."""
        loop, wake = asyncio.get_running_loop(), asyncio.Event()
        with self._lock:
            log = self._touch(request_id)
            log.waiters.add((loop, wake))
        try:
            last = after
            while True:
                wake.clear()
                with self._lock:
                    pending = [log.events[i] for i in sorted(log.events) if i > last]
                for event in pending:
                    yield event
                    last = event.id
                    if event.kind in TERMINAL:
                        return
                remaining = deadline - self._clock()
                if remaining <= 0 or self.closed:
                    return
                try:
                    await asyncio.wait_for(wake.wait(), remaining)
                except TimeoutError:
                    return
        finally:
            with self._lock:
                log.waiters.discard((loop, wake))
                log.touched = self._clock()

    def _touch(self, request_id: str) -> _Log:
        """The request's log, made if missing, marked as used now; evicts idle logs past the bounds."""
        now = self._clock()
        log = self._logs.get(request_id)
        if log is None:
            log = self._logs[request_id] = _Log()
        log.touched = now
        self._logs.move_to_end(request_id)
        self._evict(now)
        return log

    def _evict(self, now: float) -> None:
        # Oldest first; a log someone is following is kept (and moved to the back) whatever its age.
        for _ in range(len(self._logs)):
            request_id, oldest = next(iter(self._logs.items()))
            expired = now - oldest.touched > self.ttl_seconds
            if not expired and len(self._logs) <= self.max_requests:
                return
            if oldest.waiters:
                self._logs.move_to_end(request_id)
                continue
            del self._logs[request_id]
