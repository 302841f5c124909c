"""Each Lambda's IAM policy, from one table: which function may do what, on which named resources.

`python -m infra.policies [--stage S] [--region R] [--account A]` writes `.chalice/policy-<stage>-<function>.json`
with the account and region spelled out (a JSON policy file cannot use CloudFormation's pseudo-parameters),
and `.chalice/config.json` names each function's file and the region's Powertools layer (infra/layers.py). Run it with your account before `chalice deploy`
(`make policies ACCOUNT=… REGION=…`); the committed files are rendered for the example account, and a test
checks they match this table. In Chalice every HTTP route runs in one function (`api_handler`): the public
chat routes share it with the staff routes, so it gets what the staff routes need and nothing that only the
event functions need (no SMS, no publishing to the emergencies topic, no starting escalations)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from infra import layers

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = {"stage": "prod", "region": "us-east-1", "account": "123456789012"}

ARN = "arn:aws:{service}:{region}:{account}:{what}"
TABLES = ("tickets", "ticket-events", "chat-sessions", "properties")


def _arn(service: str, what: str) -> str:
    return ARN.format(service=service, region="{region}", account="{account}", what=what)


def _tables(*names: str) -> list[str]:
    arns = []
    for name in names:
        arns += [_arn("dynamodb", f"table/tenantline-{{stage}}-{name}"),
                 _arn("dynamodb", f"table/tenantline-{{stage}}-{name}/index/*")]
    return arns


MAIL = "arn:aws:s3:::tenantline-{stage}-raw-mail-{account}"
STATEMENTS = {
    "Logs": (["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
             [_arn("logs", "log-group:/aws/lambda/tenantline-{stage}-*")]),
    "Tables": (["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                "dynamodb:Query", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"], _tables(*TABLES)),
    "TicketsStream": (["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                       "dynamodb:ListStreams"], [_arn("dynamodb", "table/tenantline-{stage}-tickets/stream/*")]),
    "ReadRawMail": (["s3:GetObject"], [MAIL + "/inbound/*"]),
    "StoreAttachments": (["s3:PutObject"], [MAIL + "/attachments/*"]),
    "ReadAttachments": (["s3:GetObject"], [MAIL + "/attachments/*"]),
    # Privacy export and erasure (tickets/privacy.py): every version of a resident's mail and files.
    "EraseMail": (["s3:GetObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
                  [MAIL + "/inbound/*", MAIL + "/attachments/*"]),
    "ListMail": (["s3:ListBucket", "s3:ListBucketVersions"], [MAIL]),
    "SendMail": (["ses:SendRawEmail", "ses:SendEmail"], [_arn("ses", "identity/*")]),
    "EmergencyTopic": (["sns:Publish"], [_arn("sns", "tenantline-{stage}-emergencies")]),
    "Timers": (["states:StartExecution"], [_arn("states", "stateMachine:tenantline-{stage}-timer")]),
    "StartEscalations": (["states:StartExecution"], [_arn("states", "stateMachine:tenantline-{stage}-escalation")]),
    "StopEscalations": (["states:StopExecution", "states:DescribeExecution"],
                        [_arn("states", "execution:tenantline-{stage}-escalation:*")]),
    "QueuePosition": (["connect:GetContactMetrics"], [_arn("connect", "instance/*/contact/*")]),
    "DeadLetters": (["sqs:SendMessage"], [_arn("sqs", "tenantline-{stage}-dead-letters")]),
    # Texts (tickets/texts.py): from the stage's numbers with its configuration set; STOP/START keep the opt-out
    # list in step. The numbers are not known when the policy is rendered: any number or pool of the account.
    "SendSms": (["sms-voice:SendTextMessage"], [_arn("sms-voice", "phone-number/*"), _arn("sms-voice", "pool/*"),
                                                 _arn("sms-voice", "configuration-set/tenantline-{stage}-sms")]),
    "OptOuts": (["sms-voice:PutOptedOutNumber", "sms-voice:DeleteOptedOutNumber"],
                [_arn("sms-voice", "opt-out-list/tenantline-{stage}-opt-outs")]),
    # The SecureString is under the AWS managed key aws/ssm, whose key policy lets the account's principals
    # decrypt: no kms statement is needed (infra/link_secret.py).
    "LinkSecret": (["ssm:GetParameter"], [_arn("ssm", "parameter/tenantline-{stage}-*")]),
}
# Every function checks the stage's link secret at start (core/secrets.py), hence LinkSecret everywhere.

FUNCTIONS = {
    "api_handler": ["Logs", "Tables", "ReadAttachments", "StoreAttachments", "EraseMail", "ListMail", "SendMail", "Timers",
                    "StopEscalations", "LinkSecret"],
    "inbound_email": ["Logs", "Tables", "ReadRawMail", "StoreAttachments", "SendMail", "Timers", "DeadLetters",
                      "LinkSecret"],
    "connect_contact": ["Logs", "Tables", "SendMail", "Timers", "QueuePosition", "LinkSecret", "SendSms"],
    "contact_events": ["Logs", "Tables", "Timers", "LinkSecret"],
    "sla_clock": ["Logs", "Tables", "SendMail", "Timers", "LinkSecret", "SendSms"],
    "send_digest": ["Logs", "Tables", "SendMail", "Timers", "LinkSecret"],
    "tour_reminder": ["Logs", "Tables", "SendMail", "SendSms", "LinkSecret"],  # confirmations and reminders
    "inbound_sms": ["Logs", "Tables", "SendSms", "OptOuts", "Timers", "LinkSecret"],
    "sms_events": ["Logs", "Tables", "LinkSecret"],
    "kb_publish": ["Logs", "Tables", "LinkSecret"],  # a help article's scheduled publishing (and its index)
    "start_escalations": ["Logs", "Tables", "TicketsStream", "EmergencyTopic", "StartEscalations", "Timers",
                          "DeadLetters", "LinkSecret"],
}


def policy(function: str, stage: str, region: str, account: str) -> dict:
    statements = []
    for sid in FUNCTIONS[function]:
        actions, resources = STATEMENTS[sid]
        statements.append({"Sid": sid, "Effect": "Allow", "Action": actions,
                           "Resource": [r.format(stage=stage, region=region, account=account) for r in resources]})
    return {"Version": "2012-10-17", "Statement": statements}


def file_name(stage: str, function: str) -> str:
    return f"policy-{stage}-{function.replace('_', '-')}.json"


def render(stage: str, region: str, account: str) -> dict[str, dict]:
    return {file_name(stage, f): policy(f, stage, region, account) for f in FUNCTIONS}


def write(stage: str, region: str, account: str) -> None:
    chalice = ROOT / ".chalice"
    for name, document in render(stage, region, account).items():
        (chalice / name).write_text(json.dumps(document, indent=2) + "\n")
    config_path = chalice / "config.json"
    config = json.loads(config_path.read_text())
    config["stages"].setdefault(stage, {})["layers"] = [layers.powertools(region)]  # the region's own copy
    functions = config["stages"][stage].setdefault("lambda_functions", {})
    for function in FUNCTIONS:
        functions.setdefault(function, {})["iam_policy_file"] = file_name(stage, function)
    config_path.write_text(json.dumps(config, indent=2) + "\n")


MAX_INLINE_POLICY = 10_240  # characters of a role's inline policies, without whitespace (IAM's limit)


def check() -> list[str]:
    """The committed files match this table and each fits IAM's inline policy limit."""
    problems = []
    for name, document in render(**EXAMPLE).items():
        path = ROOT / ".chalice" / name
        if not path.exists() or json.loads(path.read_text()) != document:
            problems.append(f"{name} is not this table's rendering: run python -m infra.policies")
        size = len(json.dumps(document, separators=(",", ":")))
        if size > MAX_INLINE_POLICY:
            problems.append(f"{name} is {size} characters, over IAM's {MAX_INLINE_POLICY}")
    return problems


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in EXAMPLE.items():
        args.add_argument(f"--{name}", default=default)
    args.add_argument("--check", action="store_true", help="only check the committed files")
    ns = args.parse_args()
    if ns.check:
        problems = check()
        print("\n".join(problems) or f"policies: {len(FUNCTIONS)} functions, each within IAM's size limit")
        raise SystemExit(1 if problems else 0)
    write(ns.stage, ns.region, ns.account)


if __name__ == "__main__":
    main()
