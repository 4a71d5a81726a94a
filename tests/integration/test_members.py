"""Scale-out: a second member started with an instance id a live member holds is refused with a clear
message (no fence loop), two members with their own ids share the load and lose and duplicate nothing
across the rebalance, and lag from the client's statistics reads 0 once everything is consumed
(transaction markers are not lag)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from confluent_kafka import TopicPartition
from prometheus_client import REGISTRY

from engine.app import pass_through
from engine.pipeline.membership import DuplicateInstance
from engine.pipeline.processor import BatchObserver, TransactionalProcessor
from engine.settings import Settings
from tests.kafka_helpers import kafka_env, produce_prompts, read_all, wait_for_count

pytestmark = pytest.mark.integration


def _slowed(processor: TransactionalProcessor, seconds: float) -> TransactionalProcessor:
    """Each batch takes ``seconds`` more, so the stream is still flowing when the group rebalances."""
    inner = processor.handler
    processor.handler = lambda batch: (time.sleep(seconds), inner(batch))[1]
    return processor


def _start(processor: TransactionalProcessor, stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=processor.run, kwargs={"stop": stop}, daemon=True)
    thread.start()
    return thread


def test_a_second_member_with_a_used_instance_id_is_refused_and_the_first_keeps_working(
    test_settings: Settings,
) -> None:
    source, target = test_settings.topics.prompts_requested, test_settings.topics.prompts_admitted
    stop = threading.Event()
    first = pass_through(test_settings, source, target)
    thread = _start(first, stop)
    try:
        produce_prompts(test_settings, source, 20, "a")
        assert wait_for_count(test_settings, target, 20, timeout=60) >= 20
        started = time.monotonic()
        with pytest.raises(DuplicateInstance, match="GOVERNOR_INSTANCE_ID"):
            pass_through(test_settings, source, target)
        assert time.monotonic() - started > 15, "refused before a crashed holder could have timed out"
        produce_prompts(test_settings, source, 20, "b")
        records = read_all(test_settings, target, expect=40, timeout=60)
    finally:
        stop.set()
        thread.join(60)
    assert Counter(r["id"] for r in records) == Counter({f"{p}{i}": 1 for p in "ab" for i in range(20)})


def test_two_members_rebalance_under_load_without_loss_or_duplicates_and_lag_drains_to_zero(
    test_settings: Settings,
) -> None:
    n = 600
    source, target = test_settings.topics.prompts_requested, test_settings.topics.prompts_admitted
    produce_prompts(test_settings, source, n // 2, "m")
    stop = threading.Event()
    one = _slowed(pass_through(test_settings.model_copy(update={"batch_size": 20}), source, target), 0.3)
    threads = [_start(one, stop)]
    try:
        assert wait_for_count(test_settings, target, 100, timeout=60) >= 100
        two = _slowed(
            pass_through(
                test_settings.model_copy(update={"batch_size": 20, "instance_id": "1"}), source, target
            ),
            0.3,
        )
        joined = threading.Event()

        class Joined(BatchObserver):
            def assigned(self, partitions: list[TopicPartition]) -> None:
                if partitions:
                    joined.set()

        two.observers.append(Joined())
        threads.append(_start(two, stop))  # joins mid-stream: the group rebalances under load
        # The second half goes out once the second member holds partitions, so it has work to share
        # however long a loaded machine takes to rebalance (the first may have drained the first half).
        assert joined.wait(90), "the second member was never assigned a partition"
        produce_prompts(test_settings, source, n // 2, "m", start=n // 2)
        records = read_all(test_settings, test_settings.topics.prompts_admitted, expect=n, timeout=120)
        group = test_settings.group("passthrough")

        def lag() -> list[float | None]:
            return [REGISTRY.get_sample_value("governor_consumer_lag_messages",
                                              {"group": group, "topic": source, "partition": str(p)})
                    for p in range(3)]  # fmt: skip

        deadline = time.monotonic() + 40  # statistics arrive every 10 s
        while any(v is None or v > 0 for v in lag()) and time.monotonic() < deadline:
            time.sleep(1)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    ids = Counter(r["id"] for r in records)
    assert set(ids) == {f"m{i}" for i in range(n)} and max(ids.values()) == 1
    assert two.committed_batches > 0, "the second member never took a share"
    assert lag() == [0, 0, 0], "an idle, fully consumed partition must show no lag"


# A member as its own process, so SIGSTOP freezes it whole (heartbeats, transaction and all).
_FROZEN_MEMBER = """
import sys, time
from engine.app import pass_through
from engine.settings import load_settings
source, target, prefix = sys.argv[1:4]
settings = load_settings().model_copy(
    update={"group_prefix": prefix, "instance_id": "0", "batch_size": 10, "batch_timeout_seconds": 0.1}
)
processor = pass_through(settings, source, target)
inner = processor.handler
processor.handler = lambda batch: (time.sleep(0.3), inner(batch))[1]
processor.run()
"""


def test_a_frozen_member_commits_nothing_after_its_successor_took_over(test_settings: Settings) -> None:
    """SIGSTOP past the session timeout (inside the transaction timeout), a successor takes the partitions,
    then SIGCONT: whatever the frozen member held open is fenced or waited for, never committed beside the
    successor's work, so each input is decided exactly once."""
    source, target = test_settings.topics.prompts_requested, test_settings.topics.prompts_admitted
    produce_prompts(test_settings, source, 300, "f")
    env = {**os.environ, **kafka_env(test_settings)}
    child = subprocess.Popen(
        [sys.executable, "-c", _FROZEN_MEMBER, source, target, test_settings.group_prefix],
        cwd=Path(__file__).resolve().parents[2], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    stop = threading.Event()
    thread = None
    try:
        assert wait_for_count(test_settings, target, 30, timeout=90) >= 30
        child.send_signal(signal.SIGSTOP)  # most likely mid-batch: a transaction open, offsets maybe sent
        second = test_settings.model_copy(update={"instance_id": "1"})
        successor = _slowed(pass_through(second, source, target), 0.05)
        thread = _start(successor, stop)
        time.sleep(22)  # past the 15 s session timeout, inside the 30 s transaction timeout
        child.send_signal(signal.SIGCONT)
        records = read_all(test_settings, target, expect=300, timeout=120)
        time.sleep(3)  # whatever the resumed member still tries to commit has had its chance
        records = read_all(test_settings, target, expect=300, timeout=30)
    finally:
        child.send_signal(signal.SIGCONT)
        child.kill()
        child.wait(30)
        stop.set()
        if thread is not None:
            thread.join(60)
    counts = Counter(r["id"] for r in records)
    assert set(counts) == {f"f{i}" for i in range(300)}, f"lost {300 - len(counts)}"
    assert max(counts.values()) == 1, f"committed twice: {[k for k, n in counts.items() if n > 1][:5]}"
