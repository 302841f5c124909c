"""The trained triage classifiers: multinomial logistic regressions for urgency, category and refer over
tf-idf features of the stemmed text, scored in plain Python from one table (models/triage.json.gz,
written by `make train-triage`, see triage_model/train.py). The features reproduce scikit-learn's
TfidfVectorizer: word 1-2-grams, and character 2-5-grams inside word boundaries ("char_wb"), each block
with sublinear term frequency and its own L2 norm."""
from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from chalicelib.rules.wording import stems

MODEL = Path(__file__).resolve().parent / "models" / "triage.json.gz"
TARGETS = ("urgency", "category", "refer")
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


@lru_cache(maxsize=1)
def _model() -> dict:
    return json.loads(gzip.decompress(MODEL.read_bytes()))


def _word_terms(text: str) -> Counter:
    tokens = TOKEN.findall(text)
    low, high = WORD_NGRAMS
    return Counter(" ".join(tokens[i:i + n]) for n in range(low, high + 1) for i in range(len(tokens) - n + 1))


def _char_terms(text: str) -> Counter:
    terms: Counter = Counter()
    low, high = CHAR_NGRAMS
    for word in text.split():
        padded = f" {word} "
        for n in range(low, high + 1):
            terms.update(padded[i:i + n] for i in range(max(1, len(padded) - n + 1)))
            if len(padded) <= n:  # a short word counts once, as scikit-learn does
                break
    return terms


def _block(counts: Counter, table: dict) -> list[tuple[list, float]]:
    """(row, tf-idf value) for each known term, L2-normalised within the block."""
    rows = [(table[term], (1 + math.log(count)) * table[term][0]) for term, count in counts.items() if term in table]
    norm = math.sqrt(sum(v * v for _, v in rows)) or 1.0
    return [(row, v / norm) for row, v in rows]


def probabilities(text: str, language: str) -> dict[str, dict[str, float]]:
    """target -> label -> probability, for every label each model knows."""
    model = _model()
    words = stems(text, language)
    features = _block(_word_terms(words), model["words"]) + _block(_char_terms(words), model["chars"])
    result, offset = {}, 1
    for target in TARGETS:
        classes = model["classes"][target]
        scores = list(model["intercepts"][target])
        for row, value in features:
            for k in range(len(classes)):
                scores[k] += row[offset + k] * value / model["scale"]
        offset += len(classes)
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        result[target] = {label: e / total for label, e in zip(classes, exps, strict=True)}
    return result
