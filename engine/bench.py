"""Benchmarks are commands, not tests: each prints its figures and ratios against a baseline measured
in the same run, on the same broker.

- gate: raw transactional pass-through of N drafts vs the full release gate over the same drafts,
  plus OPA cost per decision with and without batching.
- pipeline: embedding throughput, and end-to-end latency split by stage (from the envelopes'
  produced_at along each trace).
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from confluent_kafka import Consumer, Producer, TopicPartition

from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, Trace
from engine.kafka import config
from engine.kafka.admin import delete_topics, ensure_topics
from engine.kafka.processor import Output, TransactionalProcessor
from engine.kafka.record import Record
from engine.settings import Settings, Topics

ANSWERS = [
    ("What is the water damage excess?", "The excess for water damage claims is $750."),
    ("How long is the cooling-off period?", "Every new policy has a 14-day cooling-off period."),
    ("When must claims be reported?", "Claims must be reported within 30 days."),
]
CONTEXT = [
    {
        "id": "home-water-damage:1:0",
        "text": "The excess for water damage claims is $750. Sudden escapes of water "
        "from burst pipes are covered.",
    },
    {"id": "cooling-off:1:0", "text": "Every new policy has a 14-day cooling-off period with a full refund."},
    {"id": "claims:1:0", "text": "Claims must be reported within 30 days of the incident."},
]


def say(line: str) -> None:
    print(line, flush=True)


def bench_drafts(n: int) -> list[Envelope]:
    drafts = []
    for i in range(n):
        question, answer = ANSWERS[i % len(ANSWERS)]
        payload = {
            "question": question,
            "answer": answer,
            "context": CONTEXT,
            "model": "bench",
            "template_version": "rag-answer@2",
            "prompt_id": f"p{i}",
        }
        drafts.append(
            Envelope(
                type="answer.draft",
                contract="answers.draft@1",
                tenant="default",
                payload=payload,
                id=f"bench-{i}",
                trace=Trace(f"bench-{i}"),
            )
        )
    return drafts


@dataclass(frozen=True)
class RunFigures:
    messages: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.messages / self.seconds

    def line(self, name: str) -> str:
        q = statistics.quantiles(self.latencies, n=100) if len(self.latencies) > 1 else [0.0] * 99
        return (
            f"{name:28} {self.throughput:9.1f} msg/s   added latency p50 {q[49] * 1000:7.1f} ms   "
            f"p99 {q[98] * 1000:7.1f} ms   ({self.messages} in {self.seconds:.1f}s)"
        )


@contextmanager
def fresh_topics(settings: Settings) -> Iterator[Settings]:
    """Settings on throwaway topics and groups, so a benchmark never touches real traffic."""
    suffix = uuid.uuid4().hex[:8]
    topics = Topics(
        **{name: f"{field.default}.bench-{suffix}" for name, field in Topics.model_fields.items()}
    )
    bench = settings.model_copy(
        update={"topics": topics, "group_prefix": f"bench-{suffix}", "instance_id": "0"}
    )
    registry = ContractRegistry.load(bench.contracts_dir, bench.topics)
    ensure_topics(bench, registry.topic_specs())
    try:
        yield bench
    finally:
        delete_topics(bench, [s.name for s in registry.topic_specs()])


def produce(settings: Settings, topic: str, drafts: list[Envelope]) -> None:
    producer = Producer({**config.producer(settings), "linger.ms": 20})
    for d in drafts:
        producer.produce(topic, d.to_bytes(), key=d.trace.trace_id.encode())
        producer.poll(0)
    producer.flush(60)


def timed_run(processor: TransactionalProcessor, n: int, timeout: float = 900) -> RunFigures:
    """Run until n inputs are committed. Throughput counts from the first batch's start to the last
    commit; a message's added latency is its batch's handle-and-commit time."""
    inner, previous = processor.handler, processor._on_committed
    latencies: list[float] = []
    batch: dict[str, float] = {}

    def handler(messages: list[Record]) -> list[Output]:
        batch["start"], batch["size"] = time.perf_counter(), len(messages)
        batch.setdefault("first", batch["start"])
        return inner(messages)

    def committed() -> None:
        batch["end"] = time.perf_counter()
        latencies.extend([batch["end"] - batch["start"]] * int(batch["size"]))
        if previous:
            previous()

    processor.handler, processor._on_committed = handler, committed
    processor.consumer.subscribe(processor.topics)
    done, deadline = 0, time.monotonic() + timeout
    try:
        while done < n and time.monotonic() < deadline:
            done += processor.process_batch()
    finally:
        processor.close()
    return RunFigures(done, batch.get("end", 0.0) - batch.get("first", 0.0) or 1e-9, latencies)


def bench_gate(settings: Settings, count: int, progress: Callable[[str], None] = say) -> float:
    from engine import wiring
    from engine.gates import runner
    from engine.stages.passthrough import build_processor as passthrough

    drafts = bench_drafts(count)
    embed = wiring.embedder(settings).embed
    with fresh_topics(settings) as s:
        t = s.topics
        progress(f"bench gate: {count} drafts, batch size {s.batch_size}, broker {s.bootstrap_servers}")
        produce(s, t.answers_draft, drafts)
        produce(s, t.prompts_requested, drafts)  # the same bytes, for the raw baseline to copy
        raw = timed_run(passthrough(s, t.prompts_requested, t.prompts_admitted, stage="raw"), count)
        progress(raw.line("(a) raw pass-through"))
        registry = ContractRegistry.load(s.contracts_dir, s.topics)
        gated = timed_run(runner.build_processor("release", s, registry, embed=embed), count)
        progress(gated.line("(b) release gate"))
        policy = runner.policy_client(s)
        gate = runner.build_policy_gate("release", s, policy, embed)
        from engine.gates.policy_gate import GateItem
        from engine.gates.release import draft_subject

        items = [GateItem(d, draft_subject(d)) for d in drafts[:200]]
        inputs = [gate.policy_input(i, {v.name: v.check(i.subject) for v in gate.validators}) for i in items]
        started = time.perf_counter()
        for i in range(0, len(inputs), 100):
            policy.decide(gate.package, inputs[i : i + 100], gate="bench")
        batched_ms = (time.perf_counter() - started) * 1000 / len(inputs)
        started = time.perf_counter()
        policy.decide_unbatched(gate.package, inputs[:50], gate="bench")
        unbatched_ms = (time.perf_counter() - started) * 1000 / 50
        started = time.perf_counter()
        for item in items[:100]:
            for v in gate.validators:
                v.check(item.subject)
        validators_ms = (time.perf_counter() - started) * 1000 / 100
    progress(
        f"OPA per decision: batched (100 per round trip) {batched_ms:.2f} ms, "
        f"one round trip each {unbatched_ms:.2f} ms ({unbatched_ms / batched_ms:.1f}x)"
    )
    progress(f"validators per draft (incl. grounding embeddings): {validators_ms:.2f} ms")
    ratio = gated.throughput / raw.throughput
    progress(f"governed/raw throughput ratio: {ratio:.2f}")
    return ratio


def bench_pipeline(settings: Settings, questions: int, progress: Callable[[str], None] = say) -> None:
    from engine import wiring
    from engine.demo import DEMO_DIR, StageThreads, corpus_events
    from engine.stages.chunking import chunk_document

    embedder = wiring.embedder(settings)
    chunks = [
        c.text
        for e in corpus_events(DEMO_DIR / "corpus")
        for c in chunk_document(e.payload["doc_id"], 1, e.payload["title"], e.payload["text"])
    ]
    embedder.embed(chunks[:8])  # warm up
    started = time.perf_counter()
    embedder.embed(chunks)
    seconds = time.perf_counter() - started
    progress(
        f"embedding: {len(chunks)} chunks in {seconds:.2f}s = {len(chunks) / seconds:.1f} chunks/s "
        f"({embedder.model_id})"
    )
    with fresh_topics(
        settings.model_copy(
            update={"vector_store_path": settings.cache_dir / "vectors" / f"bench-{uuid.uuid4().hex[:6]}"}
        )
    ) as s:
        registry = ContractRegistry.load(s.contracts_dir, s.topics)
        from engine.client import GovernorClient
        from engine.contracts.codec import GovernedCodec
        from engine.demo import wait_for_index
        from engine.kafka.publish import GovernedProducer

        with StageThreads(s, registry), GovernorClient(s) as client:
            producer = GovernedProducer(s, GovernedCodec(registry))
            docs = corpus_events(DEMO_DIR / "corpus")
            for d in docs:
                producer.send(s.topics.docs_raw, d, key=d.payload["doc_id"])
            producer.flush()
            wait_for_index(s, {d.payload["doc_id"] for d in docs})
            asked = [q for q, _ in ANSWERS][:questions] * (1 + questions // len(ANSWERS))
            splits = [
                _trace_split(s, client.ask(q, tenant="acme-insurance").trace_id) for q in asked[:questions]
            ]
    progress("end-to-end latency by stage (median over questions, from envelope timestamps):")
    for stage in ("admission", "infer (retrieve + LLM)", "release"):
        values = [sp[stage] for sp in splits if stage in sp]
        if values:
            progress(f"  {stage:24} {statistics.median(values) * 1000:8.0f} ms")
    totals = [sum(sp.values()) for sp in splits]
    progress(f"  {'total':24} {statistics.median(totals) * 1000:8.0f} ms")


def _trace_split(settings: Settings, trace_id: str) -> dict[str, float]:
    """Seconds spent in each stage for one trace, from produced_at on each topic's envelope."""
    from datetime import datetime

    t = settings.topics
    order = [
        (t.prompts_requested, None),
        (t.prompts_admitted, "admission"),
        (t.answers_draft, "infer (retrieve + LLM)"),
        (t.answers_approved, "release"),
        (t.answers_rejected, "release"),
    ]
    stamps: dict[str, datetime] = {}
    consumer = Consumer(config.consumer(settings, f"{settings.group_prefix}.trace-{uuid.uuid4().hex[:6]}"))
    try:
        for topic, _ in order:
            parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
            consumer.assign([TopicPartition(topic, p, 0) for p in parts])
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                for msg in consumer.consume(500, 0.2):
                    if not msg.error():
                        env = Envelope.from_bytes(msg.value())
                        if env.trace.trace_id == trace_id:
                            stamps[topic] = datetime.fromisoformat(env.produced_at)
                if topic in stamps:
                    break
    finally:
        consumer.close()
    split: dict[str, float] = {}
    previous = stamps.get(t.prompts_requested)
    for topic, stage in order[1:]:
        if stage and topic in stamps and previous:
            split[stage] = (stamps[topic] - previous).total_seconds()
            previous = stamps[topic]
    return split
