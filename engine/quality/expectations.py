"""Data quality of an augmentation micro-batch (chunks + embeddings), checked by great-expectations.

A failing batch is held with its report rather than indexed. One ephemeral GX context, suite and
validation definition are built per ``BatchQualityCheck`` and reused for every batch: building
them costs far more than running them. great_expectations is imported on first use (about 3-5 s).
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

EMPTY_TEXT = "quality.empty_text"
CHUNK_LENGTH = "quality.chunk_length"
DUPLICATE_TEXT = "quality.duplicate_text"
EMBEDDING_DIMENSION = "quality.embedding_dimension"
EMBEDDING_NORM = "quality.embedding_norm"
STALE = "quality.stale"
CODES = (EMPTY_TEXT, CHUNK_LENGTH, DUPLICATE_TEXT, EMBEDDING_DIMENSION, EMBEDDING_NORM, STALE)

NORM_BOUNDS = (0.99, 1.01)
# GX counts NaN as "missing" and skips it, so a NaN vector would pass a range check; a value no
# real vector can have takes its place instead.
_NOT_A_NUMBER = -1.0
_SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class QualityRow:
    """One chunk about to be indexed: its text, its embedding and when its source event was produced."""

    chunk_id: str
    doc_id: str
    text: str
    vector: npt.ArrayLike
    produced_at: datetime  # naive datetimes are taken as UTC


@dataclass(frozen=True)
class QualityReport:
    """Whether a batch may be indexed; ``failures`` are stable codes, ``statistics`` are for the record."""

    passed: bool
    failures: tuple[str, ...]
    statistics: dict[str, Any]


class BatchQualityCheck:
    """The augmentation batch suite: text present, length in bounds, no duplicates, sane vectors, fresh.

    Thread-safe (one validation runs at a time); build one per process and reuse it.
    """

    def __init__(
        self,
        *,
        dimension: int,
        min_chars: int,
        max_chars: int,
        max_age_days: float,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if not 0 <= min_chars <= max_chars:
            raise ValueError(f"need 0 <= min_chars <= max_chars, got {min_chars}, {max_chars}")
        self.dimension = dimension
        self.min_chars = min_chars
        self.max_chars = max_chars
        self.max_age_days = max_age_days
        self._now = now
        self._lock = threading.Lock()
        started = time.perf_counter()
        self._validation = self._build_validation()
        log.info("event=gx_suite_built seconds=%.3f", time.perf_counter() - started)

    def _build_validation(self) -> Any:
        gx = _import_gx()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        batch = (
            context.data_sources.add_pandas("governor")
            .add_dataframe_asset("augment_batch")
            .add_batch_definition_whole_dataframe("micro_batch")
        )
        e = gx.expectations
        suite = context.suites.add(gx.ExpectationSuite(name="augment_batch_quality"))
        for code, expectation in (
            (EMPTY_TEXT, e.ExpectColumnValuesToNotMatchRegex(column="text", regex=r"^\s*$")),
            (
                CHUNK_LENGTH,
                e.ExpectColumnValueLengthsToBeBetween(
                    column="text", min_value=self.min_chars, max_value=self.max_chars
                ),
            ),
            (DUPLICATE_TEXT, e.ExpectColumnValuesToBeUnique(column="text")),
            (
                EMBEDDING_DIMENSION,
                e.ExpectColumnValuesToBeBetween(
                    column="embedding_dimension", min_value=self.dimension, max_value=self.dimension
                ),
            ),
            (
                EMBEDDING_NORM,
                e.ExpectColumnValuesToBeBetween(
                    column="embedding_norm", min_value=NORM_BOUNDS[0], max_value=NORM_BOUNDS[1]
                ),
            ),
            (STALE, e.ExpectColumnValuesToBeBetween(column="age_days", max_value=self.max_age_days)),
        ):
            expectation.meta = {"code": code}
            suite.add_expectation(expectation)
        return context.validation_definitions.add(
            gx.ValidationDefinition(name="augment_batch_quality", data=batch, suite=suite)
        )

    def check(self, rows: Sequence[QualityRow]) -> QualityReport:
        """Run the suite over ``rows``; an empty batch passes (there is nothing to index)."""
        started = time.perf_counter()
        if not rows:
            return QualityReport(True, (), {"rows": 0, "seconds": 0.0})
        frame = self._frame(rows)
        with self._lock:
            result = self._validation.run(batch_parameters={"dataframe": frame})
        unexpected: dict[str, int] = {}
        for outcome in result.results:
            code = str(outcome.expectation_config.meta["code"])
            if not outcome.success:
                # An exception inside GX also lands here as a failure: the batch is held, not indexed.
                unexpected[code] = int((outcome.result or {}).get("unexpected_count") or 0)
        failures = tuple(code for code in CODES if code in unexpected)
        statistics = _statistics(frame)
        statistics.update(unexpected=unexpected, seconds=time.perf_counter() - started)
        return QualityReport(
            passed=bool(result.success) and not failures, failures=failures, statistics=statistics
        )

    def _frame(self, rows: Sequence[QualityRow]) -> pd.DataFrame:
        import pandas as pd

        now = self._now()
        dims: list[int] = []
        norms: list[float] = []
        for row in rows:
            vector = np.asarray(row.vector, dtype=np.float64).reshape(-1)
            dims.append(int(vector.shape[0]))
            norm = float(np.linalg.norm(vector))
            norms.append(norm if math.isfinite(norm) else _NOT_A_NUMBER)
        produced = [_as_utc(row.produced_at) for row in rows]
        return pd.DataFrame(
            {
                "chunk_id": [row.chunk_id for row in rows],
                "doc_id": [row.doc_id for row in rows],
                "text": [row.text for row in rows],
                "embedding_dimension": dims,
                "embedding_norm": norms,
                "produced_at": pd.to_datetime(produced, utc=True),
                "age_days": [(now - p).total_seconds() / _SECONDS_PER_DAY for p in produced],
            }
        )


def _statistics(frame: pd.DataFrame) -> dict[str, Any]:
    lengths = frame["text"].str.len()
    return {
        "rows": len(frame),
        "documents": int(frame["doc_id"].nunique()),
        "chars_min": int(lengths.min()),
        "chars_max": int(lengths.max()),
        "chars_mean": float(lengths.mean()),
        "norm_min": float(frame["embedding_norm"].min()),
        "norm_max": float(frame["embedding_norm"].max()),
        "age_days_max": float(frame["age_days"].max()),
    }


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _import_gx() -> Any:
    # Both must be set before the import: GX reads the analytics flag at import and context
    # creation, and tqdm reads TQDM_* when each bar is made. setdefault leaves an operator's choice.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("TQDM_DISABLE", "1")
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    return gx
