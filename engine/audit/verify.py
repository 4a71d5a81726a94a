"""Read the audit trail (topic or JSONL export) and verify every chain: hashes, links and order."""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.audit import chain
from engine.audit.key import AuditKey
from engine.pipeline.reader import TopicReader
from engine.settings import Settings


@dataclass(frozen=True)
class LocatedRecord:
    """An audit record and where it was read (partition/offset, or line number of a file)."""

    where: str
    record: dict[str, Any]


@dataclass
class VerifyReport:
    records: int = 0
    chains: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _mac_problem(record: dict[str, Any], key: AuditKey) -> str | None:
    """Why a record's MAC does not vouch for it under `key`, or None when it does."""
    mac, kid = record.get("mac"), record.get("mac_key")
    if not isinstance(mac, str):
        return "carries no MAC: not written by a gate holding the audit key"
    if kid != key.key_id:
        return f"MAC made with audit key {str(kid)[:20]!r}, not the key in use ({key.key_id})"
    if not hmac.compare_digest(mac, chain.record_mac(record, key.secret)):
        return "MAC does not match: the record was written or rewritten without the audit key"
    return None


def verify(located: Iterable[LocatedRecord], key: AuditKey | None = None) -> VerifyReport:
    """Each chain must start at seq 0 from GENESIS, every record must hash to its `hash`, and link to its
    predecessor's: a changed record fails its hash, a dropped one breaks a link, a reordered one both.
    With the audit `key`, every record's MAC must verify too: a well-chained record appended or
    rewritten by someone without the key fails there."""
    report = VerifyReport()
    heads: dict[str, chain.ChainHead] = {}
    for item in located:
        report.records += 1
        r = item.record
        cid = str(r.get("chain", "?"))
        if chain.record_hash(r) != r.get("hash"):
            report.problems.append(
                f"{item.where}: chain {cid} seq {r.get('seq')}: content does not match its hash"
            )
        problem = _mac_problem(r, key) if key is not None else None
        if problem is not None:
            report.problems.append(f"{item.where}: chain {cid} seq {r.get('seq')}: {problem}")
        head = heads.get(cid)
        expected_seq, expected_prev = (0, chain.GENESIS) if head is None else (head.seq + 1, head.hash)
        if r.get("seq") != expected_seq or r.get("prev_hash") != expected_prev:
            report.problems.append(
                f"{item.where}: chain {cid}: expected seq {expected_seq} after "
                f"{'the chain start' if head is None else f'seq {head.seq}'}, found seq {r.get('seq')} "
                "(a record was dropped, reordered or inserted)"
            )
        heads[cid] = chain.ChainHead(int(r.get("seq", -1)), str(r.get("hash")))
    report.chains = len(heads)
    return report


def read_file(path: Path) -> Iterator[LocatedRecord]:
    """A JSONL export: one audit record (or one whole envelope) per line."""
    with path.open() as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                data = json.loads(line)
                yield LocatedRecord(f"{path.name}:{number}", data.get("payload", data))


def read_topic(
    settings: Settings, follow: bool = False, idle_seconds: float = 3.0
) -> Iterator[LocatedRecord]:
    """Every committed record on the audit topic, partition by partition in offset order."""
    with TopicReader(settings, "audit-reader") as reader:
        reader.assign([settings.topics.audit])
        records = reader.follow() if follow else reader.to_end(idle_seconds=idle_seconds)
        for msg in records:
            try:
                payload = json.loads(msg.value or b"")["payload"]
            except (ValueError, KeyError, TypeError):
                payload = {"chain": "?", "unreadable": True}  # verify reports it as a broken record
            yield LocatedRecord(f"partition {msg.partition} offset {msg.offset}", payload)
