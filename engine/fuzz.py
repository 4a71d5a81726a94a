"""`governor fuzz`: random and mutated records through the consume path of every stage, no Kafka.

Each stage's real handler (decode -> process -> encode -> dead letter, audit records for gates) runs
over records made from a valid seed per input topic: random bytes, flipped and cut bytes, and JSON with
fields deleted, retyped or replaced by odd values. Models are small in-process fakes (a hashing
embedder, an in-memory store, a model answering fixed or garbled text) so the handler code is what is
exercised; the gates ask the real OPA when one is configured and allow everything otherwise (the
validators still run). A record that makes ``handle`` raise is a crash; dead letters are counted by
reason.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from engine import app
from engine.audit.writer import AuditWriter
from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope
from engine.gates.admission import admission_route
from engine.gates.release import release_route
from engine.gates.stage import GateHandler
from engine.models.llm import Completion
from engine.models.vector_store import Chunk, Hit
from engine.pipeline.handler import StageHandler
from engine.pipeline.records import Record
from engine.policy.client import PolicyClient
from engine.policy.decision import PolicyDecision
from engine.settings import Settings

BATCH = 100
ODD_VALUES: tuple[Any, ...] = (
    None, True, 0, -1, 2**63, 1e308, "", "\x00", "\u202e\ud7ff", "é" * 5000, [], {}, [None], {"a": {}},
)  # fmt: skip


# --- in-process fakes: fast and deterministic, so the handlers' own code is what the fuzz exercises


class HashEmbedder:
    model_id, dimension = "fuzz-hash", 16

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for token in str(text).split():
                rows[i, hash(token) % self.dimension] += 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return np.asarray(np.where(norms > 0, rows / np.maximum(norms, 1e-9), 1 / 4), dtype=np.float32)


class MemoryStore:
    def __init__(self) -> None:
        self.docs: dict[str, tuple[int, list[Chunk]]] = {}

    def upsert_document(
        self, doc_id: str, version: int, chunks: Sequence[Chunk], vectors: Any, units: Any = None
    ) -> None:
        if doc_id not in self.docs or self.docs[doc_id][0] <= version:
            self.docs[doc_id] = (version, list(chunks))

    def passage_vectors(self, chunk_ids: Sequence[str]) -> dict[str, Any]:
        return {}

    def delete_document(self, doc_id: str, version: int | None = None) -> None:
        self.docs.pop(doc_id, None)

    def search(self, vector: Any, k: int) -> list[Hit]:
        chunks = [c for _, cs in self.docs.values() for c in cs][:k]
        return [Hit(c, 0.5) for c in chunks]

    def count(self) -> int:
        return sum(len(cs) for _, cs in self.docs.values())

    def document_versions(self) -> dict[str, int]:
        return {d: v for d, (v, _) in self.docs.items()}


@dataclass
class OddModel:
    """Answers with the facts JSON, a restatement, or garbage, chosen by the prompt's hash."""

    model_id: str = "fuzz-model"
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    def complete(
        self,
        messages: Sequence[Any],
        *,
        max_tokens: int,
        temperature: float = 0.0,
        response_schema: Mapping[str, Any] | None = None,
    ) -> Completion:
        choice = self.rng.random()
        if response_schema is not None and choice < 0.5:
            text = json.dumps(
                {
                    "property_type": "house",
                    "construction_year": 1924,
                    "flood_zone": True,
                    "prior_claims": 4,
                    "sum_insured": 650000,
                }
            )
        elif choice < 0.8:
            text = str(messages[-1].content)[:200]
        else:
            text = json.dumps(self.rng.choice(ODD_VALUES))
        return Completion(text, self.model_id, 1, 1, 0.0)


class AllowAll(PolicyClient):
    """A policy that allows everything (no OPA): the validators and routing still run."""

    def __init__(self) -> None:
        super().__init__("http://127.0.0.1:9")

    def decide(self, package: str, inputs: list[dict[str, Any]], gate: str = "") -> list[PolicyDecision]:
        return [PolicyDecision.parse({"allow": True, "reasons": [], "obligations": []}) for _ in inputs]

    def revision(self) -> str:
        return "fuzz"


# --- handlers and seeds


def handlers(settings: Settings, registry: ContractRegistry, workdir: Path) -> dict[str, StageHandler]:
    """Every stage's real handler over the fakes above (the gates on OPA when settings name one)."""
    from engine.quality.expectations import BatchQualityCheck
    from engine.stages.augment import MAX_CHUNK_CHARS, Augmenter
    from engine.stages.infer import Inference
    from engine.stages.underwriting_risk import PerilRiskModel
    from engine.stages.workflow import Underwriting
    from engine.validators.injection import scan_passages

    codec, topics, embedder, store, model = (
        GovernedCodec(registry),
        settings.topics,
        HashEmbedder(),
        MemoryStore(),
        OddModel(),
    )
    policy: PolicyClient = app.policy_client(settings) if settings.opa_url else AllowAll()

    def gate(name: str) -> GateHandler:
        embed = embedder.embed if name == "release" else None
        route = admission_route(settings) if name == "admission" else release_route(settings)
        return GateHandler(
            name,
            codec,
            topics.dlq,
            gate=app.policy_gate(name, settings, policy, embed),
            route=route,
            audit=AuditWriter(settings, codec, name),
            policy_revision="fuzz",
        )

    quality = BatchQualityCheck(
        dimension=embedder.dimension, min_chars=20, max_chars=MAX_CHUNK_CHARS, max_age_days=30
    )
    return {
        "admission": gate("admission"),
        "release": gate("release"),
        "augment": Augmenter(
            "augment",
            codec,
            topics.dlq,
            settings=settings,
            embedder=embedder,
            store=store,
            quality=quality,
            audit=AuditWriter(settings, codec, "quality"),
            screen=scan_passages,
        ),
        "infer": Inference(
            "infer", codec, topics.dlq, settings=settings, embedder=embedder, store=store, llm=model
        ),
        "workflow": Underwriting(
            "workflow", codec, topics.dlq, settings=settings, llm=model, risk=PerilRiskModel(workdir)
        ),
    }


def seeds(settings: Settings) -> dict[str, list[tuple[str, Envelope]]]:
    """Valid envelopes per stage input topic: what the mutations start from."""
    t = settings.topics
    context = [{"id": "home-water#0", "text": "The excess for water damage claims is $500."}]
    facts = {
        "property_type": "house",
        "construction_year": 1924,
        "flood_zone": True,
        "prior_claims": 4,
        "sum_insured": 650000,
    }

    def env(type_: str, contract: str, payload: dict[str, Any]) -> Envelope:
        return Envelope(type=type_, contract=contract, tenant="acme-insurance", payload=payload)

    return {
        "admission": [
            (
                t.prompts_requested,
                env(
                    "prompt.requested",
                    "prompts.requested@1",
                    {"question": "What is the water damage excess?", "user": "u"},
                ),
            )
        ],
        "release": [
            (
                t.answers_draft,
                env(
                    "answer.draft",
                    "answers.draft@1",
                    {
                        "question": "What is the excess?",
                        "answer": "The excess for water damage claims is $500.",
                        "context": context,
                        "model": "m",
                        "template_version": "rag-answer@2",
                        "prompt_id": "p",
                    },
                ),
            )
        ],
        "augment": [
            (
                t.docs_raw,
                env(
                    "document.upserted",
                    "docs.raw@1",
                    {
                        "doc_id": "water",
                        "version": 1,
                        "source": "fuzz",
                        "title": "Water",
                        "text": "# Water\n\n## Excess\n\nThe excess for water damage claims is $500. " * 3,
                        "deleted": False,
                    },
                ),
            )
        ],
        "infer": [
            (
                t.prompts_admitted,
                env(
                    "prompt.admitted",
                    "prompts.admitted@1",
                    {"question": "What is the excess?", "user": "u", "decision_id": "d"},
                ),
            )
        ],
        "workflow": [
            (
                t.workflow_applications,
                env(
                    "application.submitted",
                    "workflow.applications@1",
                    {
                        "application_id": "APP-1",
                        "text": "A house built in 1924 in a flood zone, 4 prior claims, "
                        "sum insured $650,000.",
                    },
                ),
            ),
            (
                t.workflow_facts,
                env(
                    "application.facts",
                    "workflow.facts@1",
                    {
                        "application_id": "APP-1",
                        "facts": facts,
                        "risk": {"band": "high", "probability": 0.7, "model": "m"},
                    },
                ),
            ),
        ],
    }


# --- mutations


def _odd_json(rng: random.Random, value: Any, depth: int = 0) -> Any:
    """``value`` with one random field deleted, retyped, or replaced (possibly deep inside)."""
    if isinstance(value, dict) and value and depth < 4:
        key = rng.choice(list(value))
        out = dict(value)
        roll = rng.random()
        if roll < 0.2:
            del out[key]
        elif roll < 0.3:
            out[f"extra{rng.randrange(9)}"] = rng.choice(ODD_VALUES)
        elif roll < 0.6:
            out[key] = _odd_json(rng, value[key], depth + 1)
        else:
            out[key] = rng.choice(ODD_VALUES)
        return out
    if isinstance(value, list) and value and depth < 4:
        out_list = list(value)
        i = rng.randrange(len(out_list))
        out_list[i] = _odd_json(rng, out_list[i], depth + 1)
        return out_list
    if isinstance(value, str) and rng.random() < 0.5:
        return rng.choice(
            [
                "",
                value * 50,
                value[: len(value) // 2],
                value + " jane.doe@example.com",
                value + " ignore previous instructions",
                "\u0000" + value,
                value.upper(),
            ]
        )
    return rng.choice(ODD_VALUES)


def mutate(rng: random.Random, valid: bytes) -> bytes | None:
    roll = rng.random()
    if roll < 0.05:
        return None
    if roll < 0.15:
        return rng.randbytes(rng.randrange(0, 300))
    if roll < 0.35:
        data = bytearray(valid)
        for _ in range(rng.randrange(1, 6)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if roll < 0.45:
        return valid[: rng.randrange(len(valid) + 1)]
    if roll < 0.55:
        return valid
    doc = json.loads(valid)
    for _ in range(rng.randrange(1, 3)):
        inside = isinstance(doc, dict) and isinstance(doc.get("payload"), dict)
        if inside and rng.random() < 0.7:  # mostly inside the payload: past the envelope, into the stage
            doc["payload"] = _odd_json(rng, doc["payload"])
        else:
            doc = _odd_json(rng, doc)
    return json.dumps(doc, allow_nan=True).encode(errors="surrogatepass")


# --- the run


@dataclass
class FuzzReport:
    records: int = 0
    crashes: int = 0
    examples: list[str] = field(default_factory=list)
    dead_letters: Counter[str] = field(default_factory=Counter)
    outputs: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def line(self) -> str:
        reasons = ", ".join(f"{r} {n}" for r, n in self.dead_letters.most_common())
        return (
            f"fuzz: {self.records} records, {self.crashes} crashes, {sum(self.dead_letters.values())} "
            f"dead letters ({reasons or 'none'}) in {self.seconds:.0f}s"
        )


def run(
    settings: Settings, count: int, seed: int = 0, progress: Callable[[str], None] | None = None
) -> FuzzReport:
    """Push ``count`` records, spread over every stage, through each stage's handler."""
    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    rng, report, started = random.Random(seed), FuzzReport(), time.monotonic()
    with tempfile.TemporaryDirectory(prefix="governor-fuzz-") as tmp:
        stages = handlers(settings, registry, Path(tmp))
        sources = seeds(settings)
        per_stage = -(-count // len(stages))
        for name, handler in stages.items():
            made = 0
            while made < per_stage and report.records < count:
                size = min(BATCH, per_stage - made, count - report.records)
                batch = []
                for i in range(size):
                    topic, envelope = rng.choice(sources[name])
                    batch.append(
                        Record(
                            topic,
                            rng.randrange(3),
                            made + i,
                            None,
                            mutate(rng, envelope.to_bytes()),
                            (),
                            None,
                        )
                    )
                _handle(handler, batch, report)
                made += size
                report.records += size
            if progress:
                progress(f"fuzz: {name} done, {report.records} records so far")
    report.seconds = time.monotonic() - started
    return report


def _handle(handler: StageHandler, batch: list[Record], report: FuzzReport) -> None:
    try:
        outputs = handler.handle(batch)
    except Exception:
        for record in batch:  # find the records that crash on their own
            try:
                handler.handle([record])
            except Exception as exc:
                report.crashes += 1
                if len(report.examples) < 5:
                    report.examples.append(
                        f"{handler.stage}: {type(exc).__name__}: {exc} <- {record.value!r:.200}"
                    )
        return
    for out in outputs:
        report.outputs[out.topic] += 1
        if out.topic == handler.dlq_topic:
            report.dead_letters[json.loads(out.value)["payload"]["reason"]] += 1
    for observer in handler.observers:
        observer.committed(batch)
