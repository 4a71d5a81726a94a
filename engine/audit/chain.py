"""Hash chaining. Each record carries the previous record's hash in its chain, so a changed, dropped
or reordered record breaks the chain where it happened. A chain is one gate over one source
partition: exactly one consumer owns it at a time, so it has exactly one writer."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str


def record_hash(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def seal(record: dict[str, Any], head: ChainHead | None) -> dict[str, Any]:
    """The record with seq, prev_hash and its own hash set, following `head` (None: a new chain)."""
    sealed = dict(record)
    sealed["seq"] = 0 if head is None else head.seq + 1
    sealed["prev_hash"] = GENESIS if head is None else head.hash
    sealed["hash"] = record_hash(sealed)
    return sealed


def chain_id(gate: str, topic: str, partition: int) -> str:
    return f"{gate}:{topic}:{partition}"
