"""The learned scorer of candidate attributions: a logistic regression over sparse features.

Weights live in ``attribution_scorer.json`` next to this module (trained by
``saidwhat train attribution`` on PolNeAR train). Scoring is a dot product in plain Python, so
run time needs neither scikit-learn nor numpy.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, Optional

WEIGHTS_PATH = Path(__file__).with_name("attribution_scorer.json")


@dataclass(frozen=True)
class AttributionScorer:
    """The weights file read once; read-only, so one loaded scorer serves every analysis."""
    weights: Mapping[str, float]
    intercept: float = 0.0
    # a learnt candidate is kept at or above ``threshold``; a rule statement is dropped only
    # below ``rule_threshold``
    threshold: float = 0.5
    rule_threshold: float = 0.0

    @classmethod
    def from_json(cls, data: dict) -> "AttributionScorer":
        return cls(weights=MappingProxyType(dict(data["weights"])),
                   intercept=float(data.get("intercept", 0.0)),
                   threshold=float(data.get("threshold", 0.5)),
                   rule_threshold=float(data.get("rule_threshold", 0.0)))

    def probability(self, features: Mapping[str, float]) -> float:
        weights = self.weights
        z = self.intercept + sum(weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def load_scorer(path: Optional[str] = None) -> Optional[AttributionScorer]:
    file = Path(path) if path else WEIGHTS_PATH
    if not file.exists():
        return None
    return AttributionScorer.from_json(json.loads(file.read_text(encoding="utf-8")))
