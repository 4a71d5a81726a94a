"""Audit records carry a MAC under the audit key: a record appended or rewritten without it is reported."""

from __future__ import annotations

import stat
from pathlib import Path

from engine.audit import chain
from engine.audit import key as audit_key
from engine.audit.verify import LocatedRecord, verify


def _chain(secret_key: audit_key.AuditKey, n: int = 3) -> list[dict]:
    records, head = [], None
    for i in range(n):
        sealed = chain.seal(
            {"chain": "release:d:0", "outcome": "approved", "i": i},
            head,
            (secret_key.key_id, secret_key.secret),
        )
        head = chain.ChainHead(sealed["seq"], sealed["hash"])
        records.append(sealed)
    return records


def _located(records: list[dict]) -> list[LocatedRecord]:
    return [LocatedRecord(f"offset {i}", r) for i, r in enumerate(records)]


def test_the_audit_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    made = audit_key.ensure(tmp_path)
    assert audit_key.ensure(tmp_path) == made
    assert stat.S_IMODE((tmp_path / audit_key.KEY_FILE).stat().st_mode) == 0o600


def test_a_chain_sealed_with_the_key_verifies(tmp_path: Path) -> None:
    key = audit_key.ensure(tmp_path)
    assert verify(_located(_chain(key)), key).ok


def test_a_well_chained_record_appended_without_the_key_is_reported(tmp_path: Path) -> None:
    key = audit_key.ensure(tmp_path)
    records = _chain(key)
    last = records[-1]
    unkeyed = chain.seal(
        {"chain": last["chain"], "outcome": "approved", "i": 9}, chain.ChainHead(last["seq"], last["hash"])
    )
    report = verify(_located([*records, unkeyed]), key)
    assert report.problems == [
        "offset 3: chain release:d:0 seq 3: carries no MAC: not written by a gate holding the audit key"
    ]
    assert verify(_located([*records, unkeyed])).ok  # without the key only hashes and links are checked


def test_a_rewritten_record_with_a_recomputed_hash_is_reported(tmp_path: Path) -> None:
    key = audit_key.ensure(tmp_path)
    records = _chain(key, 1)
    rewritten = {**records[0], "outcome": "rejected"}
    rewritten["hash"] = chain.record_hash(rewritten)
    report = verify(_located([rewritten]), key)
    assert report.problems == [
        "offset 0: chain release:d:0 seq 0: MAC does not match: the record was written or rewritten "
        "without the audit key"
    ]


GOLDEN = Path(__file__).parent.parent / "data" / "audit_chain_v1.jsonl"
GOLDEN_KEY = audit_key.AuditKey(bytes(range(32)))  # a test key, used for nothing else


def test_a_chain_sealed_before_the_one_pass_seal_still_verifies_and_is_resealed_byte_for_byte() -> None:
    """tests/data/audit_chain_v1.jsonl was sealed by the previous seal() (two canonical passes): records on
    existing audit topics must keep verifying, and today's seal must produce the very same hashes and MACs."""
    from engine.audit.verify import read_file

    located = list(read_file(GOLDEN))
    assert verify(located, GOLDEN_KEY).ok
    head = None
    for item in located:
        original = item.record
        unsealed = {
            k: v for k, v in original.items() if k not in ("seq", "prev_hash", "hash", "mac", "mac_key")
        }
        resealed = chain.seal(unsealed, head, (GOLDEN_KEY.key_id, GOLDEN_KEY.secret))
        assert resealed == original
        head = chain.ChainHead(resealed["seq"], resealed["hash"])
