"""The all-MiniLM-L6-v2 encoder as an ONNX graph run by ONNX Runtime: built in memory with onnx.helper
from the very arrays the NumPy encoder holds (same safetensors weights, no PyTorch, no hub).

Graph: ids, mask -> embeddings + LayerNorm -> 6 x (fused QKV attention, LayerNorm, erf-GELU MLP,
LayerNorm) -> masked mean pool. Rows are L2-normalised by the caller, as for the NumPy encoder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from engine.models.embeddings.base import FloatMatrix, normalise_rows

if TYPE_CHECKING:
    import onnx

OPSET = 17  # LayerNormalization is a standard op from 17 on


class _Graph:
    """Collects nodes and initializers; each helper returns its output's name."""

    def __init__(self) -> None:
        from onnx import helper, numpy_helper

        self._helper, self._numpy = helper, numpy_helper
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._count = 0

    def const(self, name: str, value: npt.ArrayLike, dtype: type = np.float32) -> str:
        self.initializers.append(self._numpy.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def op(self, kind: str, *inputs: str, **attrs: Any) -> str:
        self._count += 1
        out = f"{kind.lower()}_{self._count}"
        self.nodes.append(self._helper.make_node(kind, list(inputs), [out], **attrs))
        return out


def build_model(
    weights: Mapping[str, Any], layers: Sequence[Mapping[str, FloatMatrix]], *, heads: int, eps: float
) -> onnx.ModelProto:
    """The encoder as an ONNX model: inputs ``ids`` (int64 B x T) and ``mask`` (float32 B x T), output
    ``pooled`` (float32 B x H, not yet normalised)."""
    from onnx import TensorProto, helper

    g = _Graph()
    hidden = int(weights["word"].shape[1])
    head_dim = hidden // heads
    word = g.const("word", weights["word"])
    position = g.const("position", weights["position"])
    x = g.op("Gather", word, "ids")
    width = g.op("Gather", g.op("Shape", "ids"), g.const("one_index", 1, np.int64), axis=0)
    steps = g.op(
        "Range", g.const("zero", 0, np.int64), width, g.const("step", 1, np.int64)
    )  # positions 0..T-1
    x = g.op(
        "Add", g.op("Add", x, g.op("Gather", position, steps)), g.const("token_type", weights["token_type"])
    )
    x = g.op(
        "LayerNormalization",
        x,
        g.const("emb_g", weights["emb_g"]),
        g.const("emb_b", weights["emb_b"]),
        axis=-1,
        epsilon=eps,
    )
    # Padding keys get a large negative score, as in the NumPy encoder.
    padding = g.op("Mul", g.op("Sub", g.const("one", 1.0), "mask"), g.const("minus_big", -1e9))
    bias = g.op("Unsqueeze", padding, g.const("axes_1_2", [1, 2], np.int64))
    split_shape = g.const("qkv_shape", [0, 0, 3, heads, head_dim], np.int64)
    merged_shape = g.const("merged_shape", [0, 0, hidden], np.int64)
    scale = g.const("scale", 1.0 / np.sqrt(head_dim))
    sqrt_half, half, one = g.const("sqrt_half", np.sqrt(0.5)), g.const("half", 0.5), "one"
    for i, p in enumerate(layers):
        c = {k: g.const(f"l{i}_{k}", v) for k, v in p.items()}
        qkv = g.op("Add", g.op("MatMul", x, c["qkv_w"]), c["qkv_b"])
        # (B, T, 3, heads, hd) -> (3, B, heads, T, hd)
        qkv = g.op("Transpose", g.op("Reshape", qkv, split_shape), perm=[2, 0, 3, 1, 4])
        q, k, v = (g.op("Gather", qkv, g.const(f"l{i}_pick{j}", j, np.int64), axis=0) for j in range(3))
        scores = g.op("MatMul", q, g.op("Transpose", k, perm=[0, 1, 3, 2]))
        scores = g.op("Add", g.op("Mul", scores, scale), bias)
        context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
        context = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), merged_shape)
        attended = g.op("Add", g.op("MatMul", context, c["out_w"]), c["out_b"])
        x = g.op("LayerNormalization", g.op("Add", x, attended), c["ln1_g"], c["ln1_b"], axis=-1, epsilon=eps)
        up = g.op("Add", g.op("MatMul", x, c["up_w"]), c["up_b"])
        # GELU in its exact erf form; ORT fuses this pattern into one Gelu kernel.
        up = g.op("Mul", g.op("Mul", up, half), g.op("Add", one, g.op("Erf", g.op("Mul", up, sqrt_half))))
        down = g.op("Add", g.op("MatMul", up, c["down_w"]), c["down_b"])
        x = g.op("LayerNormalization", g.op("Add", x, down), c["ln2_g"], c["ln2_b"], axis=-1, epsilon=eps)
    summed = g.op(
        "ReduceSum",
        g.op("Mul", x, g.op("Unsqueeze", "mask", g.const("axis_2", [2], np.int64))),
        g.const("axis_1", [1], np.int64),
        keepdims=0,
    )
    counts = g.op(
        "Max", g.op("ReduceSum", "mask", g.const("axis_1b", [1], np.int64), keepdims=1), g.const("tiny", 1e-9)
    )
    g.nodes.append(helper.make_node("Div", [summed, counts], ["pooled"]))
    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "width"]),
            helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "width"]),
        ],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", hidden])],
        g.initializers,
    )
    # IR 9 (ONNX 1.14) is what every ONNX Runtime from 1.15 on reads; onnx 1.23 would write a newer one.
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=9)


class OnnxBert:
    """Runs the ONNX encoder: same call as the NumPy one (ids, mask -> unit rows)."""

    def __init__(self, model: onnx.ModelProto, *, threads: int = 2) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle worker threads would spin for the Kafka client's and the other stages' cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            model.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )

    def embed(self, ids: npt.NDArray[np.int64], mask: FloatMatrix) -> FloatMatrix:
        (pooled,) = self._session.run(["pooled"], {"ids": ids, "mask": mask})
        return normalise_rows(pooled)
