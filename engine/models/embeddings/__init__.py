"""Text embeddings: the ``Embedder`` interface (base), a local all-MiniLM-L6-v2 (minilm, with its
packaged weights in packaging), an OpenAI-compatible client (openai) and an LRU cache (cache)."""

from engine.models.embeddings.base import (
    Embedder,
    EmbeddingBadResponse,
    EmbeddingError,
    EmbeddingRejected,
    EmbeddingTimeout,
    EmbeddingUnavailable,
    FloatMatrix,
    normalise_rows,
)
from engine.models.embeddings.cache import CachedEmbedder
from engine.models.embeddings.minilm import LocalMiniLM
from engine.models.embeddings.openai import OpenAIEmbeddings
from engine.models.embeddings.packaging import default_model_cache, extract_model, packaged_minilm_archive

__all__ = [
    "CachedEmbedder",
    "Embedder",
    "EmbeddingBadResponse",
    "EmbeddingError",
    "EmbeddingRejected",
    "EmbeddingTimeout",
    "EmbeddingUnavailable",
    "FloatMatrix",
    "LocalMiniLM",
    "OpenAIEmbeddings",
    "default_model_cache",
    "extract_model",
    "normalise_rows",
    "packaged_minilm_archive",
]
