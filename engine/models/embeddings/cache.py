"""An LRU of recent texts' vectors in front of any ``Embedder``."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from engine.models.embeddings.base import Embedder, FloatMatrix


class CachedEmbedder:
    """An ``Embedder`` that remembers the vectors of recent texts (least recently used out).

    Retrieved passages recur across drafts, so the release gate's grounding check embeds a popular
    chunk once instead of once per draft. Thread-safe; vectors are returned as copies.
    """

    def __init__(self, inner: Embedder, capacity: int = 4096) -> None:
        self.inner, self.capacity = inner, capacity
        self.model_id, self.dimension = inner.model_id, inner.dimension
        self._vectors: OrderedDict[str, FloatMatrix] = OrderedDict()
        self._lock = threading.Lock()

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The texts (each once, in order) whose vectors are not held."""
        with self._lock:
            return [t for t in dict.fromkeys(texts) if t not in self._vectors]

    def remember(self, texts: Sequence[str], vectors: FloatMatrix) -> None:
        """Hold vectors computed elsewhere (stored at augmentation), as if this embedder had made them."""
        with self._lock:
            for text, vector in zip(texts, np.asarray(vectors, dtype=np.float32), strict=True):
                self._vectors[text] = vector
                self._vectors.move_to_end(text)
            while len(self._vectors) > self.capacity:
                self._vectors.popitem(last=False)

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            fresh = self.inner.embed(missing)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._vectors[text] = vector
                while len(self._vectors) > self.capacity:
                    self._vectors.popitem(last=False)
        with self._lock:
            rows = []
            for text in texts:
                vector = self._vectors.get(text)
                if vector is None:  # evicted meanwhile by a large batch: compute it again
                    vector = self.inner.embed([text])[0]
                else:
                    self._vectors.move_to_end(text)
                rows.append(vector)
        return np.array(rows, dtype=np.float32).reshape(len(texts), self.dimension)
