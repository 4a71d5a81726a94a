"""The workflow's traditional model: peril risk from application facts, a scikit-learn classifier
trained on a synthetic dataset this module generates (deterministically), cached by version."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MODEL_VERSION = "peril-risk@1"
PROPERTY_TYPES = ("house", "apartment", "townhouse", "cottage")
BANDS = ((0.0, "low"), (0.35, "medium"), (0.6, "high"))


@dataclass(frozen=True)
class RiskAssessment:
    band: str
    probability: float
    model: str = MODEL_VERSION


def features(facts: dict[str, Any]) -> list[float]:
    age = max(0, 2026 - int(facts["construction_year"]))
    one_hot = [1.0 if facts["property_type"] == t else 0.0 for t in PROPERTY_TYPES]
    return [
        age / 100,
        float(facts["flood_zone"]),
        min(int(facts["prior_claims"]), 10) / 10,
        np.log10(max(int(facts["sum_insured"]), 1000)) / 7,
        *one_hot,
    ]


def synthetic_dataset(n: int = 4000, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Applications and whether a claim followed, from a known generating process (so it is testable)."""
    rng = np.random.default_rng(seed)
    rows, labels = [], []
    for _ in range(n):
        facts = {
            "property_type": PROPERTY_TYPES[int(rng.integers(0, 4))],
            "construction_year": int(rng.integers(1850, 2026)),
            "flood_zone": bool(rng.random() < 0.2),
            "prior_claims": int(rng.poisson(0.7)),
            "sum_insured": int(rng.integers(50_000, 2_000_000)),
        }
        x = features(facts)
        logit = -2.2 + 1.6 * x[0] + 1.8 * x[1] + 3.0 * x[2] + 0.4 * x[7]
        rows.append(x)
        labels.append(int(rng.random() < 1 / (1 + np.exp(-logit))))
    return np.array(rows), np.array(labels)


class PerilRiskModel:
    """Loads the cached classifier, or trains and caches it (about a second) on first use."""

    def __init__(self, cache_dir: Path) -> None:
        path = cache_dir / "models" / f"{MODEL_VERSION.replace('@', '-')}.pkl"
        if path.exists():
            self._model = pickle.loads(path.read_bytes())
        else:
            from sklearn.linear_model import LogisticRegression

            x, y = synthetic_dataset()
            self._model = LogisticRegression(max_iter=1000).fit(x, y)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(self._model))
            tmp.replace(path)

    def assess(self, facts: dict[str, Any]) -> RiskAssessment:
        probability = float(self._model.predict_proba(np.array([features(facts)]))[0, 1])
        band = [name for floor, name in BANDS if probability >= floor][-1]
        return RiskAssessment(band, round(probability, 4))
