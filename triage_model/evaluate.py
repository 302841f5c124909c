"""Figures for triage on a labelled split: `python -m triage_model.evaluate test` (or train, dev).

Emergency recall is counted twice: before asking (the decision says `emergency`) and counting asked and
confirmed (the decision says `emergency`, or it asks the safety question and a resident with a real
emergency answers yes)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

SPLITS = Path(__file__).resolve().parent.parent / "tests" / "data" / "triage"
LABELS = ("category", "urgency", "refer", "language")


def load(split: str) -> list[dict]:
    return read(SPLITS / f"{split}.tsv")


def read(path: Path) -> list[dict]:
    """A labelled TSV file (header: text, category, urgency, refer, language) as one dict per message."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [dict(zip(("text", *LABELS), line.split("\t"), strict=True)) for line in lines if line.strip()]


def score(rows: list[dict], decide=None) -> dict:
    if decide is None:
        from chalicelib.rules.triage import triage

        def decide(text):
            return triage(text).as_dict()
    pairs = [(r, decide(r["text"])) for r in rows]
    truly = [g for r, g in pairs if r["urgency"] == "emergency"]
    flagged = [r for r, g in pairs if g["urgency"] == "emergency"]

    def share(hits, of) -> float:
        return round(sum(hits) / max(1, len(of)), 3)

    return {
        "messages": len(rows),
        "emergency_recall_before_asking": share((g["urgency"] == "emergency" for g in truly), truly),
        "emergency_recall_with_asking": share((g["urgency"] == "emergency" or bool(g.get("ask")) for g in truly), truly),
        "emergency_precision": share((r["urgency"] == "emergency" for r in flagged), flagged),
        "asks": share((bool(g.get("ask")) for _, g in pairs), pairs),
        **{f"{k}_accuracy": share((r[k] == g[k] for r, g in pairs), pairs) for k in LABELS},
        "misses": [{"text": r["text"], **{k: f"{r[k]} -> {g[k]}" for k in LABELS if r[k] != g[k]}}
                   for r, g in pairs if any(r[k] != g[k] for k in LABELS)],
    }


def main(argv: list[str]) -> int:
    split = argv[0] if argv else "dev"
    result = score(load(split))
    misses = result.pop("misses")
    if "--misses" in argv:
        for miss in misses:
            print(json.dumps(miss, ensure_ascii=False))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
