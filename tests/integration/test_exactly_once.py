"""Crash mid-stream, restart, and a read_committed reader downstream sees exactly the input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter

import pytest

from engine.settings import REPO_ROOT, Settings
from tests.kafka_helpers import kafka_env, produce_prompts, read_all, wait_for_count

pytestmark = pytest.mark.integration
N = 300


def _worker(settings: Settings, source: str, target: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **kafka_env(settings),
        "GOVERNOR_GROUP_PREFIX": settings.group_prefix,
        "GOVERNOR_BATCH_SIZE": "20",
        "SLOW_SECONDS": "0.15",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.passthrough_worker", source, target],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_kill_9_mid_stream_loses_nothing_and_duplicates_nothing(test_settings: Settings) -> None:

    source, target = test_settings.topics.prompts_requested, test_settings.topics.prompts_admitted
    produce_prompts(test_settings, source, N, "msg-")

    first = _worker(test_settings, source, target)
    assert wait_for_count(test_settings, target, N // 4, timeout=60) >= N // 4
    os.kill(first.pid, signal.SIGKILL)  # no shutdown, an open transaction left behind
    first.wait(10)
    partial = len(read_all(test_settings, target, timeout=2))
    assert 0 < partial < N, "the kill must land mid-stream for this test to mean anything"

    second = _worker(test_settings, source, target)
    try:
        records = read_all(test_settings, target, expect=N, timeout=90)
    finally:
        second.terminate()
        second.wait(20)
    ids = Counter(r["id"] for r in records)
    assert sorted(ids) == sorted(f"msg-{i}" for i in range(N)), "a record was lost"
    assert max(ids.values()) == 1, f"duplicates: {[k for k, v in ids.items() if v > 1][:5]}"


def test_a_failing_batch_is_retried_not_fatal(test_settings: Settings) -> None:
    """An infrastructure error inside a handler (a model or store briefly unreachable) rewinds the batch
    and backs off; the worker survives and the output is still exactly once."""
    import threading

    from engine.app import pass_through

    source, target = test_settings.topics.prompts_requested, test_settings.topics.prompts_admitted
    produce_prompts(test_settings, source, 30, "r")
    processor = pass_through(test_settings, source, target)
    inner, failures = processor.handler, [2]

    def flaky(batch):  # type: ignore[no-untyped-def]
        if failures[0]:
            failures[0] -= 1
            raise ConnectionError("vector store unreachable")
        return inner(batch)

    processor.handler = flaky
    stop = threading.Event()
    worker = threading.Thread(target=processor.run, kwargs={"stop": stop})
    worker.start()
    try:
        records = read_all(test_settings, target, expect=30, timeout=60)
    finally:
        stop.set()
        worker.join(30)
    assert failures == [0], "the handler failed twice before succeeding"
    assert sorted(r["id"] for r in records) == sorted(f"r{i}" for i in range(30))
