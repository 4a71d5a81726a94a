"""Benchmarks are commands, not tests: each prints its figures and ratios against a baseline measured
in the same run, on the same broker.

- gate: the ceiling (a minimal confluent-kafka exactly-once loop), the raw transactional pass-through
  and the full release gate over the same drafts, plus OPA cost per decision with and without
  batching; or the gate at a steady rate (added p99); or a raw-loop soak (resident memory).
- pipeline: embedding throughput, and end-to-end latency split by stage (from the envelopes'
  produced_at along each trace).
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

from engine import app
from engine.bench_kafka import (
    BatchClock,
    ResidentMemory,
    RunFigures,
    SteadyProducer,
    ceiling_run,
    produce_all,
    run_until,
)
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, Trace
from engine.kafka.admin import TopicSpec, delete_topics, ensure_topics
from engine.pipeline.processor import TransactionalProcessor
from engine.pipeline.reader import TopicReader
from engine.settings import Settings, Topics

LOOP_MESSAGES = 100_000
COMPRESSIONS = ("none", "zstd")  # beside the stages' own (lz4)
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
    """Drafts with a unique, grounded answer each (so no embedding is reused across drafts), one passage
    specific to the draft and two popular passages shared by all, as retrieval returns them."""
    drafts = []
    for i in range(n):
        question, fact = ANSWERS[i % len(ANSWERS)]
        case = {"id": f"case-{i}:1:0", "text": f"Case {i} was opened for a home policy holder. {fact}"}
        payload = {
            "question": question,
            "answer": f"For case {i}: {fact[0].lower()}{fact[1:]}",
            "context": [case, *CONTEXT[:2]],
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


@contextmanager
def fresh_topics(settings: Settings) -> Iterator[Settings]:
    """Settings on throwaway topics and groups, so a benchmark never touches real traffic. The ceiling's
    output topic (``ceiling_topic``) is made beside them, like the stage topics."""
    suffix = uuid.uuid4().hex[:8]
    topics = Topics(
        **{name: f"{field.default}.bench-{suffix}" for name, field in Topics.model_fields.items()}
    )
    bench = settings.model_copy(
        update={"topics": topics, "group_prefix": f"bench-{suffix}", "instance_id": "0"}
    )
    registry = ContractRegistry.load(bench.contracts_dir, bench.topics)
    specs = registry.topic_specs()
    admitted = next(s for s in specs if s.name == topics.prompts_admitted)
    specs.append(TopicSpec(ceiling_topic(bench), admitted.partitions))
    ensure_topics(bench, specs)
    try:
        yield bench
    finally:
        delete_topics(bench, [s.name for s in specs])


def ceiling_topic(settings: Settings) -> str:
    return f"bench.ceiling.{settings.group_prefix}"


def keyed(drafts: list[Envelope]) -> list[tuple[bytes, bytes]]:
    return [(d.trace.trace_id.encode(), d.to_bytes()) for d in drafts]


def timed_run(
    processor: TransactionalProcessor, n: int, timeout: float = 900, since_produced: bool = False
) -> RunFigures:
    """Run until n inputs are committed. Throughput counts from the first batch's commit to the last;
    a message's added latency is its batch's handle-and-commit time (or, ``since_produced``, the time
    from its record timestamp to its commit)."""
    clock = BatchClock(since_produced)
    processor.observers.append(clock)
    processor.consumer.subscribe(processor.topics)
    try:
        done = run_until(processor.process_batch, n, timeout)
    finally:
        processor.close()
    return clock.figures(done)


def ratio_line(name: str, run: RunFigures, ceiling: RunFigures) -> str:
    return f"{name} throughput ratio: {run.throughput / ceiling.throughput:.3f}   ({run.latency()})"


def bench_gate(
    settings: Settings, count: int, progress: Callable[[str], None] = say, rate: float | None = None
) -> float:
    """Ceiling, raw pass-through and release gate over the same drafts; returns governed/ceiling. With
    ``rate``, the gate alone at that steady rate instead (returns its p99 added latency in ms)."""
    if rate is not None:
        return bench_gate_at_rate(settings, count, rate, progress)
    envelopes = bench_drafts(count)
    drafts = keyed(envelopes)
    # The loops without a gate are timed over at least LOOP_MESSAGES of the same drafts (cycled): over a
    # few transactions of 1,000, one slow commit would be the whole figure.
    loop = max(count, LOOP_MESSAGES)
    store_path = settings.cache_dir / "vectors" / f"bench-{uuid.uuid4().hex[:6]}"
    with fresh_topics(settings.model_copy(update={"vector_store_path": store_path})) as s:
        t = s.topics
        progress(
            f"bench gate: {count} drafts through the gate, {loop} through the loops, "
            f"batch size {s.batch_size}, broker {s.bootstrap_servers}"
        )
        produce_all(s, [t.answers_draft], drafts)
        produce_all(s, [t.prompts_requested], (drafts[i % count] for i in range(loop)))
        # Ceiling and raw loop alternate, twice each; the faster run of each counts (the one least slowed by
        # whatever else the machine ran meanwhile), and both are printed to show the spread.
        ceilings, raws = [], []
        for attempt in (1, 2):
            ceilings.append(ceiling_run(s, t.prompts_requested, ceiling_topic(s), loop))
            progress(ceilings[-1].line(f"ceiling (minimal EOS loop) #{attempt}"))
            raw_loop = app.pass_through(s, t.prompts_requested, t.prompts_admitted, stage=f"raw{attempt}")
            raws.append(timed_run(raw_loop, loop))
            progress(raws[-1].line(f"(a) raw pass-through #{attempt}"))
        ceiling = max(ceilings, key=lambda r: r.throughput)
        raw = max(raws, key=lambda r: r.throughput)
        for codec in COMPRESSIONS:  # what compression costs or saves on this broker, same loop
            compressed = ceiling_run(
                s, t.prompts_requested, ceiling_topic(s), loop, producer_overrides={"compression.type": codec}
            )
            progress(compressed.line(f"ceiling, compression {codec}"))
        _index_passages(s, envelopes, progress)
        registry = ContractRegistry.load(s.contracts_dir, s.topics)
        gated = timed_run(app.stage("release", s, registry), count)
        progress(gated.line("(b) release gate"))
        outcomes = _decisions("release")
        progress("    decisions: " + ", ".join(f"{n:.0f} {o}" for o, n in sorted(outcomes.items())))
        _gate_costs(s, count, progress)
    progress(
        f"ceiling (minimal confluent-kafka EOS loop): {ceiling.throughput:.0f} msg/s   ({ceiling.latency()})"
    )
    progress(ratio_line("raw/ceiling", raw, ceiling))
    progress(f"governed/raw throughput ratio: {gated.throughput / raw.throughput:.3f}")
    progress(ratio_line("governed/ceiling", gated, ceiling))
    return gated.throughput / ceiling.throughput


def bench_gate_at_rate(settings: Settings, count: int, rate: float, progress: Callable[[str], None]) -> float:
    """The release gate fed at a steady ``rate``: added latency from each draft's record timestamp to the
    commit of its decision (time spent waiting for the loop included)."""
    drafts = bench_drafts(count)
    store_path = settings.cache_dir / "vectors" / f"bench-{uuid.uuid4().hex[:6]}"
    with fresh_topics(settings.model_copy(update={"vector_store_path": store_path})) as s:
        warm = bench_drafts(count + 50)[count:]  # decided first, so start-up is not in the figures
        _index_passages(s, drafts + warm, progress)
        registry = ContractRegistry.load(s.contracts_dir, s.topics)
        processor = app.stage("release", s, registry)
        produce_all(s, [s.topics.answers_draft], keyed(warm))
        processor.consumer.subscribe(processor.topics)
        run_until(processor.process_batch, len(warm), 120)
        progress(f"bench gate --rate {rate:g}: {count} drafts at a steady rate, batch size {s.batch_size}")
        feeder = SteadyProducer(s, s.topics.answers_draft, keyed(drafts), rate)
        feeder.start()
        figures = timed_run(processor, count + 1, timeout=count / rate + 120, since_produced=True)
        feeder.join()
    progress(figures.line(f"release gate at {rate:g}/s"))
    p50, p99 = figures.quantile(50), figures.quantile(99)
    progress(f"added latency at {rate:g} msg/s: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    return figures.quantile(99)


def bench_soak(settings: Settings, messages: int, progress: Callable[[str], None] = say) -> float:
    """The raw loop over ``messages`` drafts; resident memory after warm-up (10%) and at the end.
    Returns end/warm-up."""
    template = bench_drafts(1)[0]

    def values() -> Iterator[tuple[bytes, bytes]]:  # made as produced: a million drafts stay off the heap
        for i in range(messages):
            d = Envelope(
                type=template.type,
                contract=template.contract,
                tenant=template.tenant,
                payload={**template.payload, "prompt_id": f"p{i}"},
                id=f"soak-{i}",
                trace=Trace(f"soak-{i}"),
            )
            yield d.trace.trace_id.encode(), d.to_bytes()

    with fresh_topics(settings) as s:
        t = s.topics
        progress(f"bench soak: producing {messages} drafts")
        produce_all(s, [t.prompts_requested], values())
        processor = app.pass_through(s, t.prompts_requested, t.prompts_admitted, stage="raw")
        memory = ResidentMemory()
        processor.observers.append(memory)
        raw = timed_run(processor, messages, timeout=3600)
    warm, end = memory.after(messages // 10), memory.samples[-1][1]
    progress(raw.line("raw pass-through (soak)"))
    progress(
        f"RSS after warm-up ({messages // 10} messages) {warm / 2**20:.1f} MiB, "
        f"at the end ({memory.samples[-1][0]}) {end / 2**20:.1f} MiB: end/warm-up {end / warm:.3f}"
    )
    return end / warm


def _index_passages(settings: Settings, drafts: list[Envelope], progress: Callable[[str], None]) -> None:
    """What augmentation did before the drafts were written: every passage they cite, embedded with its
    sentences and stored by chunk id and version (the gate reuses those vectors)."""
    from engine.gates.prefetch import passage_units
    from engine.models.embeddings import CachedEmbedder
    from engine.models.vector_store import Chunk

    shared = app.embedder(settings)
    model = shared.inner if isinstance(shared, CachedEmbedder) else shared  # the gate starts cold
    store = app.vector_store(settings, model.dimension)
    passages = {c["id"]: c["text"] for d in drafts for c in d.payload["context"]}
    started = time.perf_counter()
    units = {chunk_id: passage_units(text) for chunk_id, text in passages.items()}
    unique = list(dict.fromkeys(u for us in units.values() for u in us))
    rows = dict(zip(unique, model.embed(unique), strict=True))
    for chunk_id, text in passages.items():
        doc_id, version, position = chunk_id.rsplit(":", 2)
        chunk = Chunk(chunk_id, doc_id, int(version), text, doc_id, int(position))
        vectors = np.array([rows[u] for u in units[chunk_id]])
        store.upsert_document(
            doc_id, int(version), [chunk], vectors[:1], [(units[chunk_id][1:], vectors[1:])]
        )
    seconds = time.perf_counter() - started
    progress(f"    indexed {len(passages)} passages with their sentences in {seconds:.1f}s (augmentation)")


def _gate_costs(s: Settings, count: int, progress: Callable[[str], None]) -> None:
    """Where a draft's time goes outside Kafka: validators (embeddings included) and OPA, by batching."""
    from engine.errors import PolicyUnavailable
    from engine.gates.policy_gate import GateItem
    from engine.gates.release import draft_subject

    policy = app.policy_client(s)
    gate = app.policy_gate("release", s, policy, app.embedder(s).embed)
    fresh = bench_drafts(count + 200)[count:]  # unseen answers: no embedding comes from the cache
    items = [GateItem(d, draft_subject(d)) for d in fresh]
    started = time.perf_counter()
    results = [{v.name: v.check(i.subject) for v in gate.validators} for i in items[:100]]
    validators_ms = (time.perf_counter() - started) * 1000 / 100
    results += [{v.name: v.check(i.subject) for v in gate.validators} for i in items[100:]]
    inputs = [gate.policy_input(i, r) for i, r in zip(items, results, strict=True)]

    def per_decision(decide: Callable[..., object], batch: int, sample: list[dict[str, object]]) -> float:
        started = time.perf_counter()
        for i in range(0, len(sample), batch):
            decide(gate.package, sample[i : i + batch], gate="bench")
        return (time.perf_counter() - started) * 1000 / len(sample)

    batched_ms = per_decision(policy.decide, 100, inputs)
    try:
        adhoc = f"{per_decision(policy.decide_adhoc, 100, inputs):.2f} ms"
    except PolicyUnavailable:  # the local stack's OPA authorizes /v1/data only, not ad-hoc /v1/query
        adhoc = "refused by OPA's authorization"
    unbatched_ms = per_decision(policy.decide_unbatched, 1, inputs[:50])
    progress(
        f"OPA per decision: batched via the `decisions` rule (100 per round trip) {batched_ms:.2f} ms, "
        f"batched via bulk_query_rule {adhoc}, one round trip each {unbatched_ms:.2f} ms "
        f"(batching saves {unbatched_ms / batched_ms:.1f}x)"
    )
    progress(f"validators per draft, one at a time (incl. grounding embeddings): {validators_ms:.2f} ms")


def _decisions(gate: str) -> dict[str, float]:
    from engine import metrics

    totals: dict[str, float] = {}
    for family in metrics.DECISIONS.collect():
        for sample in family.samples:
            if sample.name.endswith("_total") and sample.labels["gate"] == gate and sample.value:
                totals[sample.labels["outcome"]] = totals.get(sample.labels["outcome"], 0) + sample.value
    return totals


def bench_pipeline(settings: Settings, questions: int, progress: Callable[[str], None] = say) -> None:
    from engine.demo import DEMO_DIR, StageThreads, corpus_events
    from engine.stages.chunking import chunk_document

    chunks = [
        c.text
        for e in corpus_events(DEMO_DIR / "corpus")
        for c in chunk_document(e.payload["doc_id"], 1, e.payload["title"], e.payload["text"])
    ]
    _embedding_throughput(settings, chunks, progress)
    with fresh_topics(
        settings.model_copy(
            update={"vector_store_path": settings.cache_dir / "vectors" / f"bench-{uuid.uuid4().hex[:6]}"}
        )
    ) as s:
        registry = ContractRegistry.load(s.contracts_dir, s.topics)
        from engine.client import GovernorClient
        from engine.contracts.codec import GovernedCodec
        from engine.demo import wait_for_index
        from engine.pipeline.publish import GovernedProducer

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


def _embedding_throughput(settings: Settings, chunks: list[str], progress: Callable[[str], None]) -> None:
    """Chunks/s of each local runtime on the demo corpus (same weights; the cache would flatter it), and
    of what the augment stage embeds with the runtime the app uses: chunks plus their sentences."""
    from engine.gates.prefetch import sentences
    from engine.models.embeddings import LocalMiniLM
    from engine.models.embeddings.minilm import Runtime

    path = settings.cache_dir / "models" / "all-MiniLM-L6-v2"
    with_sentences = list(dict.fromkeys([*chunks, *(s for c in chunks for s in sentences(c) if s != c)]))
    runs: list[tuple[Runtime, list[str]]] = [("numpy", chunks), ("onnx", chunks), ("onnx", with_sentences)]
    for runtime, texts in runs:
        model = LocalMiniLM(path, runtime=runtime)
        model.embed(texts[:8])  # warm up
        started = time.perf_counter()
        model.embed(texts)
        seconds = time.perf_counter() - started
        what = "chunks" if texts is chunks else f"chunks + their sentences ({len(texts)} texts)"
        progress(
            f"embedding ({runtime:5}): {len(chunks)} {what} in {seconds:.2f}s = "
            f"{len(chunks) / seconds:.1f} chunks/s"
        )


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
    with TopicReader(settings, "trace") as reader:
        for topic, _ in order:
            reader.assign([topic])
            for record in reader.to_end(idle_seconds=3):
                env = Envelope.from_bytes(record.value or b"")
                if env.trace.trace_id == trace_id:
                    stamps[topic] = datetime.fromisoformat(env.produced_at)
                    break
    split: dict[str, float] = {}
    previous = stamps.get(t.prompts_requested)
    for topic, stage in order[1:]:
        if stage and topic in stamps and previous:
            split[stage] = (stamps[topic] - previous).total_seconds()
            previous = stamps[topic]
    return split
