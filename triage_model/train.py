"""Train the triage classifiers: `make train-triage` (fastText, supervised, character n-grams).

Three small models read the stemmed text (chalicelib.rules.wording.stems): urgency, category and refer.
Each is trained on the train split and tests/data/extra only, with one thread and a fixed seed so a retrain gives the same
bytes, then quantised into chalicelib/rules/models/ where the Lambda reads it with fasttext-predict.
Needs the `fasttext` trainer, which the runtime venv does not carry: the Makefile uses .venv-train."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import fasttext

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.rules.triage import detect_language  # noqa: E402
from chalicelib.rules.wording import stems  # noqa: E402
from triage_model.evaluate import load  # noqa: E402

OUT = ROOT / "chalicelib" / "rules" / "models"
TARGETS = ("urgency", "category", "refer")
SETTINGS = dict(epoch=40, lr=0.5, wordNgrams=2, dim=24, minn=3, maxn=5, bucket=20000, loss="softmax",
                thread=1, seed=7, verbose=0)


def examples(rows: list[dict], target: str) -> str:
    return "".join(f"__label__{r[target]} {stems(r['text'], detect_language(r['text']))}\n" for r in rows)


def train(target: str, rows: list[dict], out: Path) -> Path:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(examples(rows, target))
    model = fasttext.train_supervised(input=f.name, **SETTINGS)
    model.quantize(input=f.name, qnorm=True, retrain=False, cutoff=10000, dsub=2)
    path = out / f"{target}.ftz"
    model.save_model(str(path))
    Path(f.name).unlink()
    return path


EXTRA = ROOT / "tests" / "data" / "extra"


def extra_rows() -> list[dict]:
    """Messages written later, for training only (the dev and test splits stay as they were frozen)."""
    rows = []
    for path in sorted(EXTRA.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            if line.strip():
                rows.append(dict(zip(("text", "category", "urgency", "refer", "language"), line.split("\t"), strict=True)))
    return rows


def main(argv: list[str]) -> int:
    splits = argv or ["train"]
    rows = [row for split in splits for row in load(split)] + extra_rows()
    OUT.mkdir(exist_ok=True)
    for target in TARGETS:
        path = train(target, rows, OUT)
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.0f} KiB from {len(rows)} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
