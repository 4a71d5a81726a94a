"""The ``Embedder`` interface, its errors, and row normalisation shared by every implementation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from engine.errors import GovernorError

FloatMatrix = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors of a fixed ``dimension``."""

    model_id: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """One row per text, float32, each row L2-normalised."""
        ...


class EmbeddingError(GovernorError):
    """An embedding could not be computed."""


class EmbeddingTimeout(EmbeddingError):
    """The embedding service did not answer in time (after retries)."""


class EmbeddingUnavailable(EmbeddingError):
    """The embedding service was unreachable or kept failing (after retries)."""


class EmbeddingRejected(EmbeddingError):
    """The embedding service refused the request (4xx): wrong model, key or input."""


class EmbeddingBadResponse(EmbeddingError):
    """The embedding service answered, but not with the embeddings asked for."""


def normalise_rows(matrix: npt.ArrayLike) -> FloatMatrix:
    """Rows scaled to unit L2 norm (an all-zero row stays zero rather than becoming NaN)."""
    m = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return np.asarray(m / np.maximum(norms, 1e-12), dtype=np.float32)
