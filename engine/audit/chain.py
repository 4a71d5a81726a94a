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
    return _json(body).encode()


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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
    if key is None:
        sealed["hash"] = record_hash(sealed)
        return sealed
    # The hashed body and the MAC's input (the body plus hash and mac_key) from one serialisation: the
    # canonical form lists top-level keys in sorted order, so the body is cut where "hash" and "mac_key"
    # sort in and the two entries are put there. Same bytes as record_hash and record_mac compute.
    body: list[dict[str, Any]] = [{}, {}, {}]
    for k, v in sealed.items():
        if k not in _UNHASHED:
            body[0 if k < "hash" else 1 if k < "mac_key" else 2][k] = v
    low, mid, high = (_json(part)[1:-1] for part in body)
    sealed["hash"] = hashlib.sha256(_joined(low, mid, high).encode()).hexdigest()
    sealed["mac_key"] = key[0]
    mac_input = _joined(low, f'"hash":{_json(sealed["hash"])}', mid, f'"mac_key":{_json(key[0])}', high)
    sealed["mac"] = hmac.new(key[1], mac_input.encode(), hashlib.sha256).hexdigest()
    return sealed


def _joined(*members: str) -> str:
    """A JSON object from its serialised members (empty ones skipped)."""
    return "{" + ",".join(m for m in members if m) + "}"


def chain_id(gate: str, topic: str, partition: int) -> str:
    return f"{gate}:{topic}:{partition}"
