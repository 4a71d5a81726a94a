"""Three brokers: one dies mid-stream (SIGKILL), and exactly-once delivery still holds."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from confluent_kafka import KafkaException

from engine.app import pass_through
from engine.contracts.registry import ContractRegistry
from engine.errors import GovernorError
from engine.kafka.admin import ensure_topics
from engine.settings import Settings, load_settings
from engine.stack import credentials, kafka, process
from tests.kafka_helpers import kafka_login, produce_prompts, read_all, wait_for_count

pytestmark = [pytest.mark.integration, pytest.mark.slow]
N = 600


def test_a_broker_killed_mid_stream_loses_and_duplicates_nothing() -> None:
    cache = load_settings().cache_dir
    run_dir = Path(tempfile.mkdtemp(prefix="governor-3brokers-"))
    libs = kafka.install(cache)
    nodes = kafka.start(libs, run_dir, brokers=3, heap_mb=384)
    try:
        settings = Settings(
            bootstrap_servers=",".join(f"127.0.0.1:{n.port}" for n in nodes),
            **kafka_login(credentials.ADMIN, credentials.password(run_dir, credentials.ADMIN)),
            group_prefix="fault",
            batch_size=25,
            batch_timeout_seconds=0.1,
        )
        registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
        ensure_topics(settings, registry.topic_specs(), timeout=60)
        source, target = settings.topics.prompts_requested, settings.topics.prompts_admitted
        produce_prompts(settings, source, N, "m")

        stop = threading.Event()
        restarts: list[str] = []
        started = time.monotonic()

        def supervise() -> None:
            """What systemd or Kubernetes does: a member that exits on a fatal error (its producer fenced
            after the transaction coordinator moved) is started again and resumes from committed offsets."""
            while not stop.is_set():
                try:
                    processor = pass_through(settings, source, target)
                    inner = processor.handler
                    processor.handler = lambda batch, inner=inner: (time.sleep(0.05), inner(batch))[1]
                    processor.run(stop=stop)
                except (KafkaException, GovernorError) as exc:  # fenced, or transactions kept failing
                    restarts.append(f"{time.monotonic() - started:.0f}s: {type(exc).__name__}: {exc}")

        worker = threading.Thread(target=supervise, daemon=True)
        worker.start()
        assert wait_for_count(settings, target, N // 4, timeout=60) >= N // 4
        victim = nodes[1]
        killed_at = time.monotonic() - started
        process.kill_daemon(run_dir / f"kafka-{victim.node_id}", f"kafka-{victim.node_id}")
        records = read_all(settings, target, expect=N, timeout=180)
        stop.set()
        worker.join(60)
        ids = Counter(r["id"] for r in records)
        # A failure names its path: when the broker died and what each restart of the member met.
        story = f"broker killed at {killed_at:.0f}s, worker alive={worker.is_alive()}, restarts={restarts}"
        assert set(ids) == {f"m{i}" for i in range(N)}, f"lost {N - len(ids)}; {story}"
        assert max(ids.values()) == 1, "duplicates after a broker failure"
    finally:
        kafka.stop(run_dir, nodes)
        shutil.rmtree(run_dir, ignore_errors=True)
