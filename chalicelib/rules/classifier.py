"""The trained triage classifiers: fastText models for urgency, category and refer, quantised and shipped
in rules/models/ (trained by `make train-triage`, see triage_model/train.py). Read with fasttext-predict,
which is the prediction half of fastText only (a few hundred KB, no numpy)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import fasttext

from chalicelib.rules.wording import stems

MODELS = Path(__file__).resolve().parent / "models"
TARGETS = ("urgency", "category", "refer")


@lru_cache(maxsize=len(TARGETS))
def _model(target: str):
    return fasttext.load_model(str(MODELS / f"{target}.ftz"))


def probabilities(text: str, language: str) -> dict[str, dict[str, float]]:
    """target -> label -> probability, for every label each model knows."""
    words = stems(text, language) or "_"
    result = {}
    for target in TARGETS:
        labels, probs = _model(target).predict(words, k=-1)
        result[target] = {label.removeprefix("__label__"): float(p) for label, p in zip(labels, probs, strict=True)}
    return result
