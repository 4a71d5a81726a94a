"""Hash chaining. Each record carries the previous record's hash in its chain, so a changed, dropped
or reordered record breaks the chain where it happened. A chain is one gate over one source
partition: exactly one consumer owns it at a time, so it has exactly one writer."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str


_UNHASHED = frozenset({"hash", "mac", "mac_key"})


def _canonical(record: dict[str, Any], leave_out: frozenset[str]) -> bytes:
    body = {k: v for k, v in record.items() if k not in leave_out}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(record: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(record, _UNHASHED)).hexdigest()


def record_mac(record: dict[str, Any], secret: bytes) -> str:
    """HMAC-SHA256 of everything but the MAC itself (the hash and the key id included)."""
    return hmac.new(secret, _canonical(record, frozenset({"mac"})), hashlib.sha256).hexdigest()


def seal(
    record: dict[str, Any], head: ChainHead | None, key: tuple[str, bytes] | None = None
) -> dict[str, Any]:
    """The record with seq, prev_hash and its own hash set, following `head` (None: a new chain), and,
    with `key` (key id, secret), its MAC: a hash anyone can recompute, a MAC only the key holder can."""
    sealed = dict(record)
    sealed["seq"] = 0 if head is None else head.seq + 1
    sealed["prev_hash"] = GENESIS if head is None else head.hash
    sealed["hash"] = record_hash(sealed)
    if key is not None:
        sealed["mac_key"] = key[0]
        sealed["mac"] = record_mac(sealed, key[1])
    return sealed


def chain_id(gate: str, topic: str, partition: int) -> str:
    return f"{gate}:{topic}:{partition}"
