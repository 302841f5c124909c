"""Read a CloudFormation change set before it runs: print what it will do, and refuse what would lose data.

`aws cloudformation describe-change-set … | python -m infra.changes` prints one line per change and exits 1
when a change would replace or remove a resource that holds data (a table, the mail bucket, the user pool,
the link secret, the dead-letter queue), unless ALLOW_DATA_LOSS=1 is set. infra/deploy.sh calls it between
creating a change set and executing it."""
from __future__ import annotations

import json
import os
import sys

HOLDS_DATA = {"AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::Cognito::UserPool", "AWS::SecretsManager::Secret",
              "AWS::SQS::Queue"}


def review(change_set: dict) -> tuple[list[str], list[str]]:
    """(a line per change, the unsafe ones)."""
    lines, unsafe = [], []
    for change in change_set.get("Changes", []):
        rc = change.get("ResourceChange") or {}
        action, kind, name = rc.get("Action"), rc.get("ResourceType"), rc.get("LogicalResourceId")
        replaces = rc.get("Replacement") in ("True", "Conditional")
        line = f"{action:8} {kind:34} {name}" + (f"  (replacement: {rc['Replacement']})" if replaces else "")
        lines.append(line)
        if kind in HOLDS_DATA and (action == "Remove" or (action == "Modify" and replaces)):
            unsafe.append(line)
    return lines, unsafe


def main() -> int:
    change_set = json.load(sys.stdin)
    lines, unsafe = review(change_set)
    print(f"change set {change_set.get('ChangeSetName', '?')} on {change_set.get('StackName', '?')}: "
          f"{len(lines)} change(s)")
    for line in lines or ["(nothing to change)"]:
        print(f"  {line}")
    if unsafe and os.environ.get("ALLOW_DATA_LOSS") != "1":
        print("refused: these would replace or remove a resource that holds data (ALLOW_DATA_LOSS=1 to go on):",
              file=sys.stderr)
        for line in unsafe:
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
