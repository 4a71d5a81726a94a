"""The audit trail detects tampering, and a release gate killed with SIGKILL mid-batch loses nothing,
approves nothing twice, and continues its audit chains after the restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from confluent_kafka import Producer

from engine import cli
from engine.audit import chain as audit_chain
from engine.audit import key as audit_key
from engine.audit import verify
from engine.kafka import config
from engine.settings import REPO_ROOT, Settings
from engine.stack.process import free_port
from tests.integration.test_release_gate import GROUNDED, _send
from tests.kafka_helpers import kafka_env, read_all, wait_for_count
from tests.stage_helpers import draft, running

pytestmark = pytest.mark.integration


def _export(settings: Settings, path: Path) -> list[dict]:
    records = [item.record for item in verify.read_topic(settings)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return records


def test_tampered_dropped_reordered_or_forged_records_are_detected(
    test_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _send(test_settings, *(draft(GROUNDED, draft_id=f"d{i}", tenant="default") for i in range(6)))
    with running(test_settings, "release"):
        read_all(test_settings, test_settings.topics.audit, expect=6)
    records = _export(test_settings, tmp_path / "audit.jsonl")
    assert verify.verify(verify.read_file(tmp_path / "audit.jsonl")).ok

    by_chain: dict[str, list[dict]] = {}
    for r in records:
        by_chain.setdefault(r["chain"], []).append(r)
    chain = max(by_chain.values(), key=len)
    assert len(chain) >= 2, "need a chain with two records"

    def check(mutated: list[dict]) -> list[str]:
        path = tmp_path / "mutated.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in mutated))
        return verify.verify(verify.read_file(path)).problems

    changed = [dict(r) for r in records]
    i = records.index(chain[0])
    changed[i] = {**changed[i], "outcome": "approved" if changed[i]["outcome"] != "approved" else "rejected"}
    assert any("does not match its hash" in p for p in check(changed))
    dropped = [r for r in records if r is not chain[0]]
    assert any("expected seq 0" in p for p in check(dropped))
    j, k = records.index(chain[0]), records.index(chain[1])
    swapped = list(records)
    swapped[j], swapped[k] = swapped[k], swapped[j]
    assert check(swapped), "a reordering must break the chain"

    # A forged record written straight to the topic by a super user is well chained (right seq, right
    # prev_hash, its own hash recomputed) but cannot carry a MAC under the audit key it does not hold.
    forged = audit_chain.seal(
        {k: v for k, v in chain[-1].items() if k not in ("mac", "mac_key")} | {"outcome": "approved"},
        audit_chain.ChainHead(chain[-1]["seq"], chain[-1]["hash"]),
        ("guessed", b"0" * 32),
    )
    envelope = {
        "id": "forged",
        "type": "governance.decision",
        "contract": "governance.audit@1",
        "tenant": "x",
        "produced_at": "2026-01-01T00:00:00.000+00:00",
        "trace": {"trace_id": "x"},
        "payload": forged,
    }
    producer = Producer(config.producer(test_settings))
    audit_partition = chain[-1]["subject"]["partition"] % 3
    producer.produce(
        test_settings.topics.audit,
        json.dumps(envelope).encode(),
        key=chain[-1]["chain"].encode(),
        partition=audit_partition,
    )
    producer.flush(10)
    for name, value in kafka_env(test_settings).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GOVERNOR_TOPICS__AUDIT", test_settings.topics.audit)
    capsys.readouterr()
    assert cli.main(["audit", "verify"]) == 1
    broken = [line for line in capsys.readouterr().out.splitlines() if line.startswith("BROKEN")]
    assert broken == [
        f"BROKEN partition {audit_partition} offset {broken[0].split('offset ')[1].split(':')[0]}: "
        f"chain {chain[-1]['chain']} seq {chain[-1]['seq'] + 1}: MAC made with audit key 'guessed', "
        f"not the key in use ({audit_key.load(test_settings.keys_path).key_id})"  # type: ignore[union-attr]
    ]


def test_release_gate_killed_mid_batch_loses_and_duplicates_nothing(test_settings: Settings) -> None:
    n = 160
    _send(test_settings, *(draft(GROUNDED, draft_id=f"k{i}", tenant="default") for i in range(n)))
    env = {
        **os.environ,
        **kafka_env(test_settings),
        "GOVERNOR_OPA_URL": test_settings.opa_url or "",
        "GOVERNOR_GROUP_PREFIX": test_settings.group_prefix,
        "GOVERNOR_BATCH_SIZE": "4",
        "GOVERNOR_METRICS_PORT": str(free_port()),
        **{
            f"GOVERNOR_TOPICS__{name.upper()}": getattr(test_settings.topics, name)
            for name in type(test_settings.topics).model_fields
        },
    }

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "engine", "run", "release"],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    first = start()
    # Kill as soon as a few drafts are approved: the rest of the stream is still ahead of the gate.
    assert wait_for_count(test_settings, test_settings.topics.answers_approved, 8, timeout=120) >= 8
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    assert len(read_all(test_settings, test_settings.topics.answers_approved, timeout=2)) < n

    second = start()
    try:
        approved = read_all(test_settings, test_settings.topics.answers_approved, expect=n, timeout=150)
    finally:
        second.terminate()
        second.wait(30)
    counts = Counter(r["trace"]["causation_id"] for r in approved)
    assert set(counts) == {f"k{i}" for i in range(n)}, "a draft was lost"
    assert max(counts.values()) == 1, "a draft was approved twice"
    report = verify.verify(verify.read_topic(test_settings))
    assert report.ok, report.problems
    assert report.records == n
