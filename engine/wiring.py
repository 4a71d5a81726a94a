"""Builds the model-side parts (embedder, LLM, vector store) that settings choose: local or remote."""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from engine.errors import ConfigError
from engine.settings import Settings

if TYPE_CHECKING:
    from engine.models.embeddings import Embedder
    from engine.models.llm import LLM
    from engine.models.vector_store import QdrantStore

T = TypeVar("T")
MINILM_DIMENSION = 384
_shared: dict[tuple[str, ...], Any] = {}
_shared_lock = threading.Lock()


def _once(key: tuple[str, ...], build: Callable[[], T]) -> T:
    """One instance per process: stages run as threads share one model and one embedded store."""
    with _shared_lock:
        if key not in _shared:
            if not _shared:
                atexit.register(_close_all)
            _shared[key] = build()
        return cast(T, _shared[key])


def _close_all() -> None:
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
        return _once(("embedder", str(path)), lambda: embeddings.CachedEmbedder(embeddings.LocalMiniLM(path)))
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
