"""Inference: admitted prompts in, drafts out. Retrieve top-k passages, render the versioned template,
ask the LLM, and write a draft that carries everything the release gate checks it against."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from engine import metrics
from engine.envelope import Envelope
from engine.errors import InfrastructureUnavailable
from engine.models.embeddings import Embedder
from engine.models.llm import (
    LLM,
    ChatMessage,
    LLMError,
    LLMFailure,
    LLMRejected,
    LLMTimeout,
    LLMUnavailable,
    unavailable,
)
from engine.models.vector_store import VectorStore
from engine.pipeline.handler import Emit, Inbound, Result, StageHandler
from engine.pipeline.status import Status
from engine.prompts import RAG_ANSWER
from engine.settings import Settings


@dataclass
class Inference(StageHandler):
    """The infer stage's handler. LLM calls for a batch run concurrently up to the backend's limit."""

    settings: Settings = field(kw_only=True)
    embedder: Embedder = field(kw_only=True)
    store: VectorStore = field(kw_only=True)
    llm: LLM = field(kw_only=True)

    def __post_init__(self) -> None:
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, self.settings.llm_concurrency), thread_name_prefix="llm"
        )

    def process(self, batch: list[Inbound]) -> list[Result]:
        futures = [self._pool.submit(self.draft, item.envelope) for item in batch]
        results = []
        for future in futures:
            try:
                draft = future.result()
            except (LLMTimeout, LLMUnavailable) as exc:
                # The model is down, not this prompt: rewind the batch and wait (never a dead letter).
                raise InfrastructureUnavailable(unavailable(exc)) from exc
            except LLMError as exc:  # this prompt's own failure (refused, unreadable answer): dead-letter it
                code = "llm.rejected" if isinstance(exc, LLMRejected) else "llm.bad_response"
                results.append(Result(error=LLMFailure(exc, code)))
                continue
            drafting = Status("drafting", model=draft.payload["model"])
            results.append(Result(emits=(Emit(self.settings.topics.answers_draft, draft),), status=drafting))
        return results

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


def batch_limits(settings: Settings) -> tuple[int, dict[str, object]]:
    """A batch may wait on the LLM: keep batches small and the poll interval above their worst case, so a
    slow model never costs the member its partitions (no rebalance storm)."""
    batch = max(1, min(settings.batch_size, settings.llm_concurrency))
    worst_case_ms = int(settings.llm_timeout_seconds * 1000 * 3 * batch) + 60000
    return batch, {"max.poll.interval.ms": max(300000, worst_case_ms)}
