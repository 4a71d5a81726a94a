"""What flows through a stage: a consumed `Record` (typed once at the edge; the client's own type leaves
every field optional) and an `Output` to produce inside the batch's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from confluent_kafka import Message


@dataclass(frozen=True)
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
        ts_type, ts = msg.timestamp()
        raw_headers = msg.headers() or []
        pairs = raw_headers.items() if isinstance(raw_headers, dict) else raw_headers
        headers = [(str(k), v if isinstance(v, bytes) else str(v or "").encode()) for k, v in pairs]
        return cls(
            topic=str(msg.topic()),
            partition=int(msg.partition() or 0),
            offset=int(msg.offset() or 0),
            key=msg.key(),
            value=msg.value(),
            headers=headers,
            timestamp_ms=ts if ts_type else None,
        )


@dataclass(frozen=True)
class Output:
    """One record to produce inside the batch's transaction."""

    topic: str
    value: bytes
    key: bytes | None = None
    headers: Sequence[tuple[str, bytes]] = field(default_factory=tuple)
    partition: int | None = None
