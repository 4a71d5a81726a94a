"""Scale-out: a second member started with an instance id a live member holds is refused with a clear
message (no fence loop), two members with their own ids share the load and lose and duplicate nothing
across the rebalance, and lag from the client's statistics reads 0 once everything is consumed
(transaction markers are not lag)."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from prometheus_client import REGISTRY

from engine.app import pass_through
from engine.pipeline.membership import DuplicateInstance
from engine.pipeline.processor import TransactionalProcessor
from engine.settings import Settings
from tests.kafka_helpers import produce_prompts, read_all, wait_for_count

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
    produce_prompts(test_settings, source, n, "m")
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
        threads.append(_start(two, stop))  # joins mid-stream: the group rebalances under load
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
