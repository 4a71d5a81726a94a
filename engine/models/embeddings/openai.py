"""Embeddings from any OpenAI-compatible ``/v1/embeddings`` endpoint (OpenAI, vLLM, TEI, Ollama, ...)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import numpy as np

from engine.models.embeddings.base import (
    EmbeddingBadResponse,
    EmbeddingRejected,
    EmbeddingTimeout,
    EmbeddingUnavailable,
    FloatMatrix,
    normalise_rows,
)
from engine.models.openai_http import ErrorKinds, RetryPolicy, post_json

log = logging.getLogger(__name__)

_EMBEDDING_ERRORS = ErrorKinds(
    timeout=EmbeddingTimeout,
    unavailable=EmbeddingUnavailable,
    rejected=EmbeddingRejected,
    bad_response=EmbeddingBadResponse,
)


class OpenAIEmbeddings:
    """An OpenAI-compatible ``POST {base_url}/embeddings`` client (OpenAI, vLLM, TEI, Ollama, ...).

    ``base_url`` includes the API version, as in the OpenAI SDK: ``https://api.openai.com/v1``.
    Rows are re-normalised because not every compatible server returns unit vectors.
    """

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        dimension: int,
        api_key: str | None = None,
        timeout_s: float = 30.0,
        retry: RetryPolicy | None = None,
        batch_size: int = 64,
    ) -> None:
        self.model_id = model
        self.dimension = dimension
        self._url = base_url.rstrip("/") + "/embeddings"
        self._api_key = api_key
        self._timeout_s = timeout_s
        self._retry = retry or RetryPolicy()
        self._batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """Unit-length embeddings, one row per text; raises ``EmbeddingError`` subclasses on failure."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not one string")
        rows: list[FloatMatrix] = []
        for start in range(0, len(texts), self._batch_size):
            rows.append(self._embed_batch(list(texts[start : start + self._batch_size])))
        if not rows:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.concatenate(rows, axis=0)

    def _embed_batch(self, texts: list[str]) -> FloatMatrix:
        started = time.perf_counter()
        answer = post_json(
            self._url,
            {"model": self.model_id, "input": texts, "encoding_format": "float"},
            api_key=self._api_key,
            timeout_s=self._timeout_s,
            retry=self._retry,
            errors=_EMBEDDING_ERRORS,
        )
        data = answer.get("data")
        if not isinstance(data, list) or len(data) != len(texts):
            raise EmbeddingBadResponse(f"{self._url}: expected {len(texts)} items in 'data'")
        try:
            # The API allows items in any order; 'index' says which input each belongs to.
            ordered = sorted(data, key=lambda item: int(item["index"]))
            matrix = np.asarray([item["embedding"] for item in ordered], dtype=np.float32)
        except (KeyError, TypeError, ValueError) as exc:
            raise EmbeddingBadResponse(f"{self._url}: malformed 'data' item: {exc}") from exc
        if matrix.ndim != 2 or matrix.shape[1] != self.dimension:
            raise EmbeddingBadResponse(
                f"{self._url}: model {self.model_id!r} returned shape {matrix.shape}, "
                f"expected dimension {self.dimension}"
            )
        log.debug("event=embed_http texts=%d seconds=%.3f", len(texts), time.perf_counter() - started)
        return normalise_rows(matrix)
