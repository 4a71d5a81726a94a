"""The ONNX Runtime encoder is the NumPy one on the same weights: same vectors within float tolerance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.errors import ConfigError
from engine.models.embeddings import LocalMiniLM

TEXTS = [
    "The excess for water damage claims is $750.",
    "x",
    "Every new policy has a 14-day cooling-off period with a full refund. " * 6,  # padded neighbours
    "Claims must be reported within 30 days of the incident.",
    "token " * 400,  # cut at the model's window
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models") / "all-MiniLM-L6-v2"


def test_onnx_and_numpy_give_the_same_vectors(model_dir: Path) -> None:
    numpy_rows = LocalMiniLM(model_dir, batch_size=2).embed(TEXTS)
    onnx_model = LocalMiniLM(model_dir, batch_size=2, runtime="onnx")
    onnx_rows = onnx_model.embed(TEXTS)
    assert onnx_rows.shape == (len(TEXTS), 384) and onnx_rows.dtype == np.float32
    np.testing.assert_allclose(onnx_rows, numpy_rows, atol=2e-5)
    # A text's vector does not depend on the batch it was padded in.
    np.testing.assert_allclose(onnx_model.embed([TEXTS[0]])[0], onnx_rows[0], atol=2e-5)
    assert onnx_model.embed([]).shape == (0, 384)


def test_an_unknown_runtime_is_refused_by_name(model_dir: Path) -> None:
    with pytest.raises(ConfigError, match="torch"):
        LocalMiniLM(model_dir, runtime="torch")  # type: ignore[arg-type]
