"""Inference: admitted prompts in, drafts out. Retrieve top-k passages, render the versioned template,
ask the LLM, and write a draft that carries everything the release gate checks it against."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

from engine import metrics
from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope, EnvelopeError
from engine.errors import ContractViolation, GovernorError
from engine.gates.dead_letter import dead_letter
from engine.kafka.processor import Output, TransactionalProcessor
from engine.kafka.record import Record
from engine.models.embeddings import Embedder
from engine.models.llm import LLM, ChatMessage, LLMError, LLMTimeout
from engine.models.vector_store import VectorStore
from engine.prompts import RAG_ANSWER
from engine.settings import Settings

log = logging.getLogger(__name__)
STAGE = "infer"


class Inference:
    """The infer stage's handler. LLM calls for a batch run concurrently up to the backend's limit."""

    def __init__(
        self, settings: Settings, codec: GovernedCodec, embedder: Embedder, store: VectorStore, llm: LLM
    ) -> None:
        self.settings, self.codec, self.embedder, self.store, self.llm = settings, codec, embedder, store, llm
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, settings.llm_concurrency), thread_name_prefix="llm"
        )

    def handle(self, messages: list[Record]) -> list[Output]:
        outputs: list[Output] = []
        prompts: list[tuple[Record, Envelope]] = []
        for msg in messages:
            try:
                prompts.append((msg, self.codec.decode(msg.topic, msg.value)))
            except (EnvelopeError, ContractViolation) as exc:
                outputs.append(dead_letter(self.codec, self.settings.topics.dlq, STAGE, msg, exc))
        futures = [(msg, env, self._pool.submit(self.draft, env)) for msg, env in prompts]
        for msg, envelope, future in futures:
            try:
                draft = future.result()
                value, headers = self.codec.encode(self.settings.topics.answers_draft, draft)
            except (LLMError, ContractViolation) as exc:  # this prompt's own failure: dead-letter it
                failure: Exception = _LLMFailure(exc) if isinstance(exc, LLMError) else exc
                outputs.append(
                    dead_letter(self.codec, self.settings.topics.dlq, STAGE, msg, failure, envelope)
                )
                continue
            outputs.append(
                Output(self.settings.topics.answers_draft, value, envelope.trace.trace_id.encode(), headers)
            )
        return outputs

    def draft(self, prompt: Envelope) -> Envelope:
        """The draft answer to one admitted prompt (raises LLMError when the model fails)."""
        question = prompt.payload["question"]
        started = time.perf_counter()
        hits = self.store.search(self.embedder.embed([question])[0], self.settings.retrieval_k)
        metrics.RETRIEVAL.observe(time.perf_counter() - started)
        passages = [(h.chunk.id, h.chunk.text) for h in hits]
        messages = [
            ChatMessage("system", RAG_ANSWER.system),
            ChatMessage("user", RAG_ANSWER.render_user(question, passages)),
        ]
        backend = self.settings.llm_backend
        try:
            completion = self.llm.complete(messages, max_tokens=self.settings.llm_max_tokens)
        except LLMError as exc:
            metrics.LLM_REQUEST.labels(
                backend, "timeout" if isinstance(exc, LLMTimeout) else "error"
            ).observe(time.perf_counter() - started)
            raise
        metrics.LLM_REQUEST.labels(backend, "ok").observe(completion.seconds)
        payload = {
            "question": question,
            "answer": completion.text.strip(),
            "context": [{"id": h.chunk.id, "text": h.chunk.text, "score": round(h.score, 4)} for h in hits],
            "model": completion.model_id,
            "template_version": RAG_ANSWER.version,
            "prompt_id": prompt.id,
        }
        return prompt.derive("answer.draft", "answers.draft@1", payload)


class _LLMFailure(GovernorError):
    """Wraps an LLM error so the dead letter says which kind it was."""

    def __init__(self, error: LLMError) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.code = "llm.timeout" if isinstance(error, LLMTimeout) else "llm.unavailable"


def build_processor(settings: Settings, registry: ContractRegistry) -> TransactionalProcessor:
    from engine import wiring

    embedder = wiring.embedder(settings)
    handler = Inference(
        settings,
        GovernedCodec(registry),
        embedder,
        wiring.vector_store(settings, embedder.dimension),
        wiring.llm(settings),
    )
    # A batch may wait on the LLM: keep batches small and the poll interval above their worst case,
    # so a slow model never costs the member its partitions (no rebalance storm).
    batch = max(1, min(settings.batch_size, settings.llm_concurrency))
    worst_case_ms = int(settings.llm_timeout_seconds * 1000 * 3 * batch) + 60000
    return TransactionalProcessor(
        settings.model_copy(update={"batch_size": batch}),
        STAGE,
        [settings.topics.prompts_admitted],
        handler.handle,
        consumer_overrides={"max.poll.interval.ms": max(300000, worst_case_ms)},
    )
