"""The composition root: builds models, gates and stages from settings, and nothing else does.

Every face (the CLI, the demo, benchmarks, tests) gets its running parts here, so a stage is the same
object whether it runs alone (`governor run STAGE`) or as a thread of the demo.
"""

from __future__ import annotations

import atexit
import gc
import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from engine.audit.writer import AuditWriter
from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.errors import ConfigError, InfrastructureUnavailable, PolicyUnavailable
from engine.gates.admission import admission_route
from engine.gates.policy_gate import PolicyGate
from engine.gates.release import release_route
from engine.gates.stage import GateHandler
from engine.pipeline.handler import StageHandler
from engine.pipeline.processor import Handler, TransactionalProcessor
from engine.pipeline.status import StatusChannel
from engine.policy.client import PolicyClient
from engine.settings import STAGES, Settings
from engine.trust.approvals import release_codec
from engine.trust.identity import APP_KEYS, IdentityVerifier
from engine.validators.base import Validator

if TYPE_CHECKING:
    from engine.models.embeddings import Embedder
    from engine.models.llm import LLM
    from engine.models.vector_store import QdrantStore
    from engine.validators.judge import ClaimJudge

log = logging.getLogger(__name__)
Embed = Callable[[Sequence[str]], Any]
T = TypeVar("T")

# --- models: one instance per process, so stages running as threads share one model and one store.

_shared: dict[tuple[str, ...], Any] = {}
_shared_lock = threading.Lock()


def _once(key: tuple[str, ...], build: Callable[[], T]) -> T:
    with _shared_lock:
        if key not in _shared:
            if not _shared:
                atexit.register(close_shared)
            _shared[key] = build()
        return cast(T, _shared[key])


def close_shared() -> None:
    """Close shared clients before interpreter shutdown (the embedded store flushes and unlocks)."""
    for thing in _shared.values():
        close = getattr(thing, "close", None)
        if callable(close):
            close()
    _shared.clear()


def embedder(settings: Settings) -> Embedder:
    from engine.models import embeddings

    if settings.embedding_backend == "local":
        path = settings.cache_dir / "models" / "all-MiniLM-L6-v2"
        # ONNX Runtime, not NumPy: same weights and vectors, several times faster on 2 cores (measured by
        # `governor bench pipeline`, which times both).
        return _once(
            ("embedder", str(path)),
            lambda: embeddings.CachedEmbedder(embeddings.LocalMiniLM(path, runtime="onnx")),
        )
    if not settings.embedding_url:
        raise ConfigError("GOVERNOR_EMBEDDING_URL is required when GOVERNOR_EMBEDDING_BACKEND=openai")
    remote = embeddings.OpenAIEmbeddings(
        base_url=settings.embedding_url,
        model=settings.embedding_model,
        dimension=settings.embedding_dimension,
        api_key=settings.embedding_api_key.get_secret_value() if settings.embedding_api_key else None,
    )
    return embeddings.CachedEmbedder(remote)


def llm(settings: Settings) -> LLM:
    from engine.models import llm as llm_models

    if settings.llm_backend == "local":
        threads = settings.llm_threads
        return _once(("llm", "local"), lambda: llm_models.LocalLlama(n_threads=threads))
    if not settings.llm_url:
        raise ConfigError("GOVERNOR_LLM_URL is required when GOVERNOR_LLM_BACKEND=openai")
    return llm_models.OpenAIChat(
        base_url=settings.llm_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        timeout_s=settings.llm_timeout_seconds,
        max_concurrency=settings.llm_concurrency,
    )


def vector_store(settings: Settings, dimension: int) -> QdrantStore:
    from engine.models.vector_store import QdrantStore

    if settings.vector_store_url:
        url = settings.vector_store_url
        return _once(("store", url), lambda: QdrantStore(dimension=dimension, url=url))
    path = settings.vector_store_path or settings.cache_dir / "vectors" / settings.stack_name
    return _once(("store", str(path)), lambda: QdrantStore(dimension=dimension, path=path))


# --- gates


def request_identities(policy: PolicyClient) -> IdentityVerifier:
    """Who signed each request, from the apps' public keys OPA holds (`data.app_keys`)."""
    return IdentityVerifier(lambda: policy.data(APP_KEYS) or {})


def policy_client(settings: Settings, url: str | None = None) -> PolicyClient:
    opa_url = url or settings.opa_url
    if not opa_url:
        raise ConfigError(
            "no OPA configured: set GOVERNOR_OPA_URL, or start the local stack (`governor stack up`)"
        )
    return PolicyClient(
        opa_url.rstrip("/"),
        timeout=settings.opa_timeout_seconds,
        retries=settings.opa_retries,
        backoff=settings.opa_backoff_seconds,
        token=settings.opa_token.get_secret_value() if settings.opa_token else None,
    )


def policy_revision(policy: PolicyClient) -> str:
    """The revision of the Rego and tenant data OPA holds now, or "unknown" while OPA is unreachable."""
    try:
        return policy.revision()
    except PolicyUnavailable as exc:
        log.warning("policy revision unknown at start (OPA unreachable): %s", exc)
        return "unknown"


def gate_validators(name: str, settings: Settings, embed: Embed | None = None) -> list[Validator]:
    from engine.validators import registry

    if name == "release":
        judge = claim_judge(settings)
        return list(
            registry.release_validators(embed=embed, judge=judge, max_chars=settings.max_answer_chars)
        )
    return list(registry.admission_validators())


def claim_judge(settings: Settings) -> ClaimJudge | None:
    """The optional grounding judge on an OpenAI-compatible endpoint (``GOVERNOR_JUDGE_URL``), confirming or
    deciding claims (``GOVERNOR_JUDGE_ROLE``), or None."""
    if not settings.judge_url:
        return None
    from engine.models.llm import ChatMessage, OpenAIChat
    from engine.validators.judge import ChatJudge

    chat = OpenAIChat(
        base_url=settings.judge_url,
        model=settings.judge_model,
        api_key=settings.judge_api_key.get_secret_value() if settings.judge_api_key else None,
        timeout_s=settings.judge_timeout_seconds,
    )
    return ChatJudge(
        lambda prompt: chat.complete([ChatMessage("user", prompt)], max_tokens=200).text,
        decides=settings.judge_role == "decide",
    )


def policy_gate(
    name: str, settings: Settings, policy: PolicyClient, embed: Embed | None = None
) -> PolicyGate:
    pii_fields = ContractRegistry.load(settings.contracts_dir, settings.topics).pii_fields()
    return PolicyGate(
        name, f"governor.{name}", gate_validators(name, settings, embed), policy, pii_fields=pii_fields
    )


def stage(
    name: str, settings: Settings, registry: ContractRegistry, model: LLM | None = None
) -> TransactionalProcessor:
    """One stage or gate as a member of its consumer group, ready to run (`model`: an LLM to use instead
    of the one settings choose)."""
    codec, topics = GovernedCodec(registry), settings.topics
    handler: StageHandler
    consumer: dict[str, object] = {}
    if name in ("admission", "release"):
        handler = _gate(name, settings, codec)
        inputs = [topics.prompts_requested if name == "admission" else topics.answers_draft]
    elif name == "augment":
        handler, inputs = _augmenter(settings, codec), [topics.docs_raw]
    elif name == "infer":
        from engine.stages.infer import Inference, batch_limits

        embed_model = embedder(settings)
        store = vector_store(settings, embed_model.dimension)
        handler = Inference(
            name,
            codec,
            topics.dlq,
            settings=settings,
            embedder=embed_model,
            store=store,
            llm=model or llm(settings),
            status=status_channel(name, settings, codec),
        )
        batch, consumer = batch_limits(settings)
        settings, inputs = settings.model_copy(update={"batch_size": batch}), [topics.prompts_admitted]
    elif name == "workflow":
        from engine.stages.underwriting_risk import PerilRiskModel
        from engine.stages.workflow import Underwriting

        risk = PerilRiskModel(settings.cache_dir)
        handler = Underwriting(
            name, codec, topics.dlq, settings=settings, llm=model or llm(settings), risk=risk,
            status=status_channel(name, settings, codec),
        )  # fmt: skip
        inputs = [topics.workflow_applications, topics.workflow_facts]
        # Each step waits on the LLM: small batches, and a poll interval above their worst case.
        settings, consumer = settings.model_copy(update={"batch_size": 2}), {"max.poll.interval.ms": 600000}
    elif name == "cdc":
        from engine.stages.cdc import ChangeCapture

        handler, inputs = ChangeCapture(name, codec, topics.dlq, settings=settings), [topics.cdc_articles]
    elif name == "data":
        handler, inputs = (
            _data_questions(settings, codec, model or llm(settings)),
            [topics.workflow_questions],
        )
        settings, consumer = settings.model_copy(update={"batch_size": 4}), {"max.poll.interval.ms": 600000}
    else:
        raise ConfigError(f"unknown stage {name!r}; one of {', '.join(STAGES)}")
    processor = TransactionalProcessor(settings, name, inputs, handler.handle, handler.observers, consumer)
    # What a stage holds (models, tokenizers, recognizers, compiled patterns) lives as long as the process:
    # out of the cyclic collector's reach, it is not rescanned by every full collection (in the release gate
    # 370,000 objects, 0.3-0.4 ms per draft before this).
    gc.freeze()
    return processor


def outage_aware(embed: Embed) -> Embed:
    """An embedding call whose outages (timeouts, an unreachable endpoint) raise InfrastructureUnavailable,
    which validators pass through: the gate waits for the endpoint instead of rejecting what it checks."""
    from engine.models.embeddings import EmbeddingTimeout, EmbeddingUnavailable

    def call(texts: Sequence[str]) -> Any:
        try:
            return embed(texts)
        except (EmbeddingTimeout, EmbeddingUnavailable) as exc:
            raise InfrastructureUnavailable(f"embedding: {exc}") from exc

    return call


def _gate(name: str, settings: Settings, codec: GovernedCodec) -> GateHandler:
    if name == "release":  # approvals leave signed, so readers can tell them from forgeries
        codec = release_codec(settings, codec.registry)
    policy = policy_client(settings)
    embed = outage_aware(embedder(settings).embed) if name == "release" else None
    gate = policy_gate(name, settings, policy, embed)
    return GateHandler(
        name,
        codec,
        settings.topics.dlq,
        gate=gate,
        route=admission_route(settings, request_identities(policy).identify)
        if name == "admission"
        else release_route(settings),
        audit=AuditWriter(settings, codec, name),
        policy_revision=policy_revision(policy),
        prefetch=_prefetch(settings, gate.validators) if name == "release" else None,
        status=status_channel(name, settings, codec),
    )


def status_channel(name: str, settings: Settings, codec: GovernedCodec) -> StatusChannel:
    """Where a stage of a request's path reports each step it takes (admission, infer, release), or only
    the requests it dead-letters (workflow, data), so a reader needs no access to the dead letters."""
    return StatusChannel(codec, settings.topics.requests_status, name)


def _prefetch(settings: Settings, validators: Sequence[Validator]) -> Callable[[list[Any]], None] | None:
    """The release gate's batch prefetch over the shared caching embedder, reusing passage vectors from the
    vector store when this process can read it (a Qdrant server, or the embedded store already open here:
    opening the embedded one would lock it away from the stage that owns it). It embeds what the grounding
    check will compare: the claims its lexical checks leave open."""
    from engine.gates.prefetch import BatchEmbeddings
    from engine.models.embeddings import CachedEmbedder
    from engine.validators.grounding import GroundingCheck

    model = embedder(settings)
    if not isinstance(model, CachedEmbedder):
        return None

    def stored(chunk_ids: Sequence[str]) -> dict[str, tuple[Sequence[str], Any]]:
        store = _open_store(settings)
        if store is None:
            return {}
        return {c: (v.texts, v.vectors) for c, v in store.passage_vectors(chunk_ids).items()}

    grounding = next((v for v in validators if isinstance(v, GroundingCheck)), None)
    return BatchEmbeddings(model, stored, needs=grounding.embedding_needs if grounding else None)


def _open_store(settings: Settings) -> QdrantStore | None:
    if settings.vector_store_url:
        return vector_store(settings, settings.embedding_dimension)
    path = settings.vector_store_path or settings.cache_dir / "vectors" / settings.stack_name
    with _shared_lock:
        return cast("QdrantStore | None", _shared.get(("store", str(path))))


def _augmenter(settings: Settings, codec: GovernedCodec) -> StageHandler:
    from engine.quality.expectations import BatchQualityCheck
    from engine.stages.augment import MAX_CHUNK_CHARS, Augmenter
    from engine.validators.injection import scan_passages

    model = embedder(settings)
    quality = BatchQualityCheck(
        dimension=model.dimension, min_chars=20, max_chars=MAX_CHUNK_CHARS, max_age_days=30
    )
    return Augmenter(
        "augment",
        codec,
        settings.topics.dlq,
        settings=settings,
        embedder=model,
        store=vector_store(settings, model.dimension),
        quality=quality,
        audit=AuditWriter(settings, codec, "quality"),
        screen=scan_passages,
        sentences=_sentences,
    )


def _data_questions(settings: Settings, codec: GovernedCodec, model: LLM) -> StageHandler:
    from engine.sql.catalog import Catalog
    from engine.sql.execute import run_read_only
    from engine.sql.govern import SqlGovernor
    from engine.stages.data_question import GATE, DataQuestions

    if settings.postgres_conninfo is None:
        raise ConfigError(
            "the data step needs a database: set GOVERNOR_POSTGRES_CONNINFO or start --with-postgres"
        )
    dsn, timeout = settings.postgres_conninfo.get_secret_value(), settings.sql_timeout_ms
    policy = policy_client(settings)
    governor = SqlGovernor(
        Catalog.load(settings.sql_catalog),
        policy,
        lambda statement: run_read_only(dsn, statement, timeout),
        max_rows=settings.sql_max_rows,
        policy_revision=policy_revision(policy),
    )
    audit = AuditWriter(settings, codec, GATE)
    return DataQuestions(
        "data", codec, settings.topics.dlq, settings=settings, llm=model, governor=governor, audit=audit,
        status=status_channel("data", settings, codec),
    )  # fmt: skip


def _sentences(text: str) -> list[str]:
    from engine.gates.prefetch import sentences

    return sentences(text)


def pass_through(
    settings: Settings,
    source: str,
    target: str,
    registry: ContractRegistry | None = None,
    stage: str = "passthrough",
) -> TransactionalProcessor:
    """Copies `source` to `target` in transactions; with a registry, through the contract check."""
    from engine.stages.passthrough import CheckedPassThrough, raw_pass_through

    handler: Handler = raw_pass_through(target)
    if registry is not None:
        handler = CheckedPassThrough(
            stage, GovernedCodec(registry), settings.topics.dlq, target=target
        ).handle
    return TransactionalProcessor(settings, stage, [source], handler)
