"""`make destroy STAGE=…`: take a stage down, refusing while it holds data unless FORCE=1.

The tables, the mail bucket and the user pool are kept by CloudFormation when their stack is deleted
(DeletionPolicy: Retain), so taking a stage down never deletes residents' data by itself; this refuses
even to start while any of them holds something, so nobody mistakes a stage with tickets for an empty one."""
from __future__ import annotations

import os
import subprocess
import sys

import boto3

from infra import link_secret


def holding(stage: str) -> list[str]:
    """What still holds data: a table with any item, a mail bucket with any object version."""
    ddb, s3, found = boto3.client("dynamodb"), boto3.client("s3"), []
    for table in ("tickets", "ticket-events", "chat-sessions", "properties"):
        name = f"tenantline-{stage}-{table}"
        try:
            if ddb.scan(TableName=name, Limit=1, Select="COUNT")["Count"]:  # one item is enough to refuse
                found.append(f"table {name}")
        except ddb.exceptions.ResourceNotFoundException:
            continue
    account = boto3.client("sts").get_caller_identity()["Account"]
    bucket = f"tenantline-{stage}-raw-mail-{account}"
    try:
        if s3.list_object_versions(Bucket=bucket, MaxKeys=1).get("Versions"):
            found.append(f"bucket {bucket}")
    except s3.exceptions.NoSuchBucket:
        pass
    return found


def main() -> int:
    stage = os.environ.get("STAGE") or sys.exit("set STAGE")
    found = holding(stage)
    if found and os.environ.get("FORCE") != "1":
        print(f"refused: stage {stage} still holds data ({', '.join(found)}). Export what must be kept, then "
              f"FORCE=1 make destroy STAGE={stage}; the retained tables, bucket and user pool stay until you "
              f"delete them yourself.", file=sys.stderr)
        return 1
    cfn = boto3.client("cloudformation")
    for stack in (f"tenantline-{stage}-connect", f"tenantline-{stage}-reliability"):
        cfn.delete_stack(StackName=stack)
        cfn.get_waiter("stack_delete_complete").wait(StackName=stack)
    subprocess.run([".venv/bin/chalice", "delete", "--stage", stage], check=True)
    cfn.delete_stack(StackName=f"tenantline-{stage}")
    cfn.get_waiter("stack_delete_complete").wait(StackName=f"tenantline-{stage}")
    link_secret.remove(boto3.client("ssm"), stage)  # no data, and links signed with it die with the stage
    print(f"stage {stage} removed" + (f"; still there (retained): {', '.join(found)}" if found else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
