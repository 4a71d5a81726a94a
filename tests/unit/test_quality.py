"""The augmentation batch quality suite: a clean batch passes, each defect yields its own stable code."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from engine.quality.expectations import (
    CHUNK_LENGTH,
    DUPLICATE_TEXT,
    EMBEDDING_DIMENSION,
    EMBEDDING_NORM,
    EMPTY_TEXT,
    STALE,
    BatchQualityCheck,
    QualityRow,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DIM = 8


@pytest.fixture(scope="module")
def check() -> BatchQualityCheck:
    # Built once: the GX import and suite cost seconds, a check costs milliseconds.
    return BatchQualityCheck(dimension=DIM, min_chars=10, max_chars=200, max_age_days=30, now=lambda: NOW)


def unit(seed: int, dim: int = DIM) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=dim).astype(np.float32)
    return v / np.linalg.norm(v)


def good_batch(n: int = 5) -> list[QualityRow]:
    return [
        QualityRow(
            chunk_id=f"doc:1:{i}",
            doc_id="doc",
            text=f"Paragraph {i} explains one part of the handbook.",
            vector=unit(i),
            produced_at=NOW - timedelta(days=1),
        )
        for i in range(n)
    ]


def with_row(row_change: dict[str, object]) -> list[QualityRow]:
    batch = good_batch()
    batch[2] = replace(batch[2], **row_change)  # type: ignore[arg-type]
    return batch


def test_good_batch_passes_with_statistics(check: BatchQualityCheck) -> None:
    report = check.check(good_batch())
    assert report.passed and report.failures == ()
    assert report.statistics["rows"] == 5
    assert report.statistics["norm_min"] == pytest.approx(1.0, abs=1e-5)
    assert report.statistics["age_days_max"] == pytest.approx(1.0)


def test_empty_batch_passes(check: BatchQualityCheck) -> None:
    assert check.check([]).passed


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"text": "   \n "}, EMPTY_TEXT),
        ({"text": "too short"}, CHUNK_LENGTH),
        ({"text": "x" * 201}, CHUNK_LENGTH),
        ({"text": "Paragraph 0 explains one part of the handbook."}, DUPLICATE_TEXT),
        ({"vector": unit(7, dim=DIM + 1)}, EMBEDDING_DIMENSION),
        ({"vector": unit(7) * 1.05}, EMBEDDING_NORM),
        ({"vector": np.full(DIM, np.nan)}, EMBEDDING_NORM),
        ({"produced_at": NOW - timedelta(days=31)}, STALE),
    ],
    ids=["blank", "short", "long", "duplicate", "dimension", "norm", "nan-vector", "stale"],
)
def test_each_defect_fails_with_its_code(
    check: BatchQualityCheck, change: dict[str, object], code: str
) -> None:
    report = check.check(with_row(change))
    assert not report.passed
    assert code in report.failures
    assert report.statistics["unexpected"][code] >= 1


def test_only_the_matching_code_is_reported(check: BatchQualityCheck) -> None:
    # A stale but otherwise good row must not drag in unrelated codes.
    assert check.check(with_row({"produced_at": NOW - timedelta(days=90)})).failures == (STALE,)
    assert check.check(with_row({"vector": unit(3) * 0.5})).failures == (EMBEDDING_NORM,)


def test_naive_produced_at_is_taken_as_utc(check: BatchQualityCheck) -> None:
    naive = (NOW - timedelta(days=29)).replace(tzinfo=None)
    assert check.check(with_row({"produced_at": naive})).passed
