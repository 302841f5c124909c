"""The deploy's own safety checks, without an AWS account: change sets that would lose data are refused,
the policies fit IAM's limits, and a stage that holds data is not taken down."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from infra import changes, policies

ROOT = Path(__file__).resolve().parent.parent


def change(action, kind, name, replacement=None):
    rc = {"Action": action, "ResourceType": kind, "LogicalResourceId": name}
    if replacement:
        rc["Replacement"] = replacement
    return {"Type": "Resource", "ResourceChange": rc}


def run_review(change_set, **env):
    return subprocess.run([sys.executable, "-m", "infra.changes"], input=json.dumps(change_set), cwd=ROOT,
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", **env})


def test_a_change_set_that_keeps_the_data_goes_ahead():
    safe = {"StackName": "tenantline-prod", "Changes": [
        change("Modify", "AWS::DynamoDB::Table", "TicketsTable", "False"),
        change("Add", "AWS::CloudWatch::Dashboard", "KpiDashboard"),
        change("Modify", "AWS::SNS::Topic", "EmergencyTopic", "True")]}
    result = run_review(safe)
    assert result.returncode == 0 and "3 change(s)" in result.stdout and "TicketsTable" in result.stdout


@pytest.mark.parametrize("risky", [
    change("Modify", "AWS::DynamoDB::Table", "TicketsTable", "True"),
    change("Remove", "AWS::S3::Bucket", "RawMailBucket"),
    change("Modify", "AWS::Cognito::UserPool", "CsrUserPool", "Conditional"),
])
def test_a_change_set_that_would_replace_or_remove_data_is_refused(risky):
    change_set = {"StackName": "tenantline-prod", "Changes": [change("Add", "AWS::SNS::Topic", "T"), risky]}
    refused = run_review(change_set)
    assert refused.returncode == 1 and risky["ResourceChange"]["LogicalResourceId"] in refused.stderr
    assert run_review(change_set, ALLOW_DATA_LOSS="1").returncode == 0
    assert changes.review(change_set)[1]  # the unsafe line is named


def test_the_policies_are_the_tables_rendering_and_fit_iam():
    assert policies.check() == []


@pytest.mark.integration
def test_a_stage_that_holds_data_is_not_taken_down(aws, monkeypatch):
    from infra import destroy
    from tests.conftest import NOW
    from tests.test_email import INBOX
    from twin import ses_inbound
    assert destroy.holding("test") == ["table tenantline-test-properties"]  # the seeded portfolio
    ses_inbound.receive(aws, b"From: a@example.com\r\nTo: help@maplecourt.example\r\nSubject: x\r\n\r\nhi\r\n",
                        INBOX, at=NOW)
    held = destroy.holding("test")
    assert "table tenantline-test-tickets" in held and any(h.startswith("bucket ") for h in held)
    monkeypatch.setenv("STAGE", "test")
    monkeypatch.delenv("FORCE", raising=False)
    assert destroy.main() == 1
