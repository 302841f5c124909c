"""The States Language's own rules for every state machine we deploy, as Step Functions applies them:
AWS's asl-validator (npm, installed from package-lock.json by `npm ci`) on each definition after its
substitutions. moto accepts definitions Step Functions refuses (duplicate state names in nested Map
iterators, for one), so the twin validates before it creates, and `make lint` runs `python -m
twin.asl_check`, which fails where a deploy would.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VALIDATOR = ROOT / "node_modules" / ".bin" / "asl-validator"


class InvalidStateMachine(Exception):
    pass


def substituted(props: dict) -> dict:
    """The definition Step Functions receives: DefinitionSubstitutions applied, as CloudFormation does."""
    definition = props.get("Definition") or json.loads(props["DefinitionString"])
    text = json.dumps(definition)
    for key, value in (props.get("DefinitionSubstitutions") or {}).items():
        text = text.replace("${" + key + "}", str(value))
    return json.loads(text)


def validate(definition: dict, name: str) -> None:
    _validate(json.dumps(definition, sort_keys=True), name)


@lru_cache(maxsize=32)  # one node start per distinct definition per process: tests provision hundreds of times
def _validate(text: str, name: str) -> None:
    if not VALIDATOR.exists():
        raise InvalidStateMachine(f"asl-validator is not installed: run `npm ci` (needed to check {name})")
    run = subprocess.run([str(VALIDATOR), "--json-definition", text], capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        problems = (run.stdout + run.stderr).strip().replace("State machine definition", f"{name}:")
        raise InvalidStateMachine(problems)


def _digest(definition: dict) -> str:
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()[:12]


def main() -> int:
    from twin import provision
    machines = [(props.get("StateMachineName") or props.get("Name"), substituted(props))
                for _logical, kind, props in provision.resources("prod", "us-east-1")
                if kind.endswith("::StateMachine")]
    failed = 0
    for name, definition in machines:
        try:
            validate(definition, name)
            print(f"asl-validator: {name} valid ({_digest(definition)})")
        except InvalidStateMachine as problem:
            failed += 1
            print(problem, file=sys.stderr)
    return 1 if failed or not machines else 0


if __name__ == "__main__":
    sys.exit(main())
