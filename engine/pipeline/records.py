"""What flows through a stage: a consumed `Record` (typed once at the edge; the client's own type leaves
every field optional) and an `Output` to produce inside the batch's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from confluent_kafka import Message


@dataclass(frozen=True, slots=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]
    timestamp_ms: int | None

    @classmethod
    def of(cls, msg: Message) -> Record:
        # Called for every consumed message: positional arguments, and headers converted only when present.
        ts_type, ts = msg.timestamp()
        raw_headers = msg.headers()
        headers: Sequence[tuple[str, bytes]] = _headers(raw_headers) if raw_headers else ()
        return cls(
            str(msg.topic()),
            msg.partition() or 0,
            msg.offset() or 0,
            msg.key(),
            msg.value(),
            headers,
            ts if ts_type else None,
        )


def _headers(
    raw: dict[str, str | bytes | None] | list[tuple[str, str | bytes | None]],
) -> list[tuple[str, bytes]]:
    pairs = raw.items() if isinstance(raw, dict) else raw
    return [(str(k), v if isinstance(v, bytes) else str(v or "").encode()) for k, v in pairs]


@dataclass(frozen=True)
class Output:
    """One record to produce inside the batch's transaction."""

    topic: str
    value: bytes
    key: bytes | None = None
    headers: Sequence[tuple[str, bytes]] = field(default_factory=tuple)
    partition: int | None = None
