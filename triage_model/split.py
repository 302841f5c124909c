"""Split the labelled triage corpus once into train / dev / test (run once; the result is committed).

The three unseen files (tests/data/unseen/, written by people who never saw the rules) are split by a
stable hash of each message: 60 % train, 20 % dev, 20 % test. The two older sets the rules were tuned on
go to train only: they say nothing about unseen text. The test split is frozen: its checksum is recorded
in tests/data/triage/FROZEN and a test fails if the file changes."""
from __future__ import annotations

import hashlib
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
OUT = DATA / "triage"
HEADER = "text\tcategory\turgency\trefer\tlanguage"


def rows(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#") and line != HEADER]


def bucket(line: str) -> str:
    digit = int(hashlib.sha256(line.split("\t")[0].encode()).hexdigest(), 16) % 10
    return "train" if digit < 6 else "dev" if digit < 8 else "test"


def main() -> None:
    splits: dict[str, list[str]] = {"train": [], "dev": [], "test": []}
    seen: set[str] = set()
    for name in ("sms", "email", "phone"):
        for line in rows(DATA / "unseen" / f"{name}.tsv"):
            if line.split("\t")[0] not in seen:
                seen.add(line.split("\t")[0])
                splits[bucket(line)].append(line)
    for old in ("triage_labelled.tsv", "triage_holdout.tsv"):
        splits["train"] += [line for line in rows(DATA / old) if line.split("\t")[0] not in seen]
    OUT.mkdir(exist_ok=True)
    for name, lines in splits.items():
        (OUT / f"{name}.tsv").write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
        print(name, len(lines))
    digest = hashlib.sha256((OUT / "test.tsv").read_bytes()).hexdigest()
    (OUT / "FROZEN").write_text(f"{digest}  test.tsv\n")


if __name__ == "__main__":
    main()
