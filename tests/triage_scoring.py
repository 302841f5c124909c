"""Scores triage on the labelled set in tests/data (used by test_triage.py and `make bench`)."""
from pathlib import Path

from chalicelib.rules.triage import triage

LABELLED = Path(__file__).parent / "data" / "triage_labelled.tsv"


def load_labelled() -> list[dict]:
    rows = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, category, urgency, refer, language = line.split("\t")
        rows.append(dict(text=text, category=category, urgency=urgency, refer=refer, language=language))
    return rows


def score(rows: list[dict]) -> dict:
    got = [triage(r["text"]).as_dict() for r in rows]
    pairs = list(zip(rows, got, strict=False))
    emergencies = [g for r, g in pairs if r["urgency"] == "emergency"]
    flagged = [(r, g) for r, g in pairs if g["urgency"] == "emergency"]

    def accuracy(key: str) -> float:
        return sum(r[key] == g[key] for r, g in pairs) / len(pairs)

    return {
        "messages": len(rows),
        "emergency_recall": sum(g["urgency"] == "emergency" for g in emergencies) / max(1, len(emergencies)),
        "emergency_precision": sum(r["urgency"] == "emergency" for r, _ in flagged) / max(1, len(flagged)),
        "urgency_accuracy": accuracy("urgency"),
        "category_accuracy": accuracy("category"),
        "refer_accuracy": accuracy("refer"),
        "language_accuracy": accuracy("language"),
        "misses": [(r["text"], {k: (r[k], g[k]) for k in ("category", "urgency", "refer", "language") if r[k] != g[k]})
                   for r, g in pairs if any(r[k] != g[k] for k in ("category", "urgency", "refer", "language"))],
    }


if __name__ == "__main__":
    result = score(load_labelled())
    for text, diff in result.pop("misses"):
        print(f"MISS {text!r}: {diff}")
    for key, value in result.items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
