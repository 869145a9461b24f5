"""The learned scorer of candidate attributions: a logistic regression over sparse features.

Weights live in ``attribution_scorer.json`` next to this module (trained by
``saidwhat train attribution`` on PolNeAR train). Scoring is a dot product in plain Python, so
run time needs neither scikit-learn nor numpy.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Optional

WEIGHTS_PATH = Path(__file__).with_name("attribution_scorer.json")


@lru_cache(maxsize=1)
def load_scorer(path: Optional[str] = None) -> Optional[dict]:
    file = Path(path) if path else WEIGHTS_PATH
    if not file.exists():
        return None
    return json.loads(file.read_text(encoding="utf-8"))


def probability(model: dict, features: dict[str, float]) -> float:
    weights = model["weights"]
    z = model.get("intercept", 0.0) + sum(weights.get(k, 0.0) * v for k, v in features.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
