"""Create the template's resources through the service APIs (moto's CloudFormation skips or
misplaces several of them; see DESIGN.md), so the twin's tables, topics, buckets and state machines
are exactly those declared in infra/."""
from __future__ import annotations

import json
from pathlib import Path

from cfnlint.decode import decode

from infra import link_secret
from twin import asl_check
from twin.stage import ROOT

TEMPLATES = [ROOT / "infra" / "template.yaml"]
# Deployed after `chalice deploy`: its event source mappings are made by twin/lambdas.register.
AFTER_DEPLOY = ROOT / "infra" / "reliability.yaml"
ACCOUNT = "123456789012"


def load_template(path: Path) -> dict:
    template, problems = decode(str(path))
    if problems:
        raise ValueError(f"{path}: {problems}")
    return template


def resolve(value, params: dict):
    """Resolve the intrinsic functions the template uses for names (Sub, Ref, GetAtt of names)."""
    if isinstance(value, dict) and len(value) == 1:
        (fn, arg), = value.items()
        if fn == "Ref":  # resources the twin does not create (user pools...) resolve to their logical id
            return params.get(arg, arg)
        if fn == "Fn::Sub":
            text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
            for key, val in {**params, **{k: resolve(v, params) for k, v in extra.items()}}.items():
                text = text.replace("${" + key + "}", str(val))
            return text
        if fn == "Fn::ImportValue":  # another stack's export, by its name
            return {"export": resolve(arg, params)}
        if fn == "Fn::GetAtt":
            key = ".".join(arg) if isinstance(arg, list) else arg
            return params.get(key, key)
    if isinstance(value, dict):
        return {k: resolve(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, params) for v in value]
    return value


def resources(stage: str, region: str, templates: list[Path] = TEMPLATES) -> list[tuple[str, str, dict]]:
    params = {"Stage": stage, "AWS::AccountId": ACCOUNT, "AWS::Region": region, "AWS::Partition": "aws"}
    found, origins = [], []
    for path in templates:
        template = load_template(path)
        for name, spec in template.get("Parameters", {}).items():
            if name not in params and "Default" in spec:
                default = spec["Default"]
                params[name] = default.split(",") if spec["Type"] == "CommaDelimitedList" else default
        for logical, res in template["Resources"].items():
            found.append((logical, res["Type"], res.get("Properties", {})))
            origins.append(path)
    # Names first, so later resources can refer to earlier ones.
    for logical, kind, props in found:
        name = props.get("TableName") or props.get("TopicName") or props.get("BucketName") or \
            props.get("StateMachineName") or (props.get("RuleSetName") if kind.endswith("ReceiptRuleSet") else None) or \
            (props.get("Name") if kind.endswith("StateMachine") else None)
        if name is None:
            continue
        name = resolve(name, params)
        # Ref gives a topic's ARN and a state machine's ARN, but other resources' names.
        if kind == "AWS::SNS::Topic":
            name = f"arn:aws:sns:{region}:{ACCOUNT}:{name}"
        elif kind.endswith("::StateMachine"):
            name = f"arn:aws:states:{region}:{ACCOUNT}:stateMachine:{name}"
        params[logical] = name
    resolved = []
    for (logical, kind, props), path in zip(found, origins, strict=True):
        props = resolve(props, params)
        if "DefinitionUri" in props and isinstance(props["DefinitionUri"], str):
            props["Definition"] = json.loads((path.parent / props.pop("DefinitionUri")).read_text())
        resolved.append((logical, kind, props))
    return resolved


def stream_mappings(stage: str, region: str) -> list[dict]:
    """The event source mappings of the after-deploy template, resolved (the stream by its export name)."""
    return [props for _logical, kind, props in resources(stage, region, [AFTER_DEPLOY])
            if kind == "AWS::Lambda::EventSourceMapping"]


def provision(session, stage: str) -> dict:
    """Create every supported resource that does not exist yet; returns logical id -> name/ARN."""
    from twin import dynamo_tx  # moto copies whole tables per transaction: the twin copies the items named
    dynamo_tx.install()
    region = session.region_name
    created = {}
    for logical, kind, props in resources(stage, region):
        handler = HANDLERS.get(kind)
        if handler:
            created[logical] = handler(session, props)
    link_secret.ensure(session.client("ssm"), stage)  # as `make deploy` does: CloudFormation cannot
    created["LinkSecret"] = link_secret.name(stage)
    from twin import sms  # End User Messaging has no moto backend: the twin's stand-in (twin/sms.py)
    sms.install(session, stage)
    return created


def _table(session, props: dict) -> str:
    ddb = session.client("dynamodb")
    name = props["TableName"]
    if name in ddb.list_tables()["TableNames"]:
        return name
    kwargs = {k: props[k] for k in ("TableName", "KeySchema", "AttributeDefinitions", "BillingMode") if k in props}
    if props.get("GlobalSecondaryIndexes"):
        kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    if props.get("StreamSpecification"):
        kwargs["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    ddb.create_table(**kwargs)
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    return name


def _topic(session, props: dict) -> str:
    return session.client("sns").create_topic(Name=props["TopicName"])["TopicArn"]


def _bucket(session, props: dict) -> str:
    s3 = session.client("s3")
    name = props["BucketName"]
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if name not in existing:
        s3.create_bucket(Bucket=name)
    return name


def _state_machine(session, props: dict) -> str:
    sfn = session.client("stepfunctions")
    definition = asl_check.substituted(props)
    name = props.get("StateMachineName") or props["Name"]
    asl_check.validate(definition, name)  # moto would accept what Step Functions refuses
    for machine in sfn.list_state_machines()["stateMachines"]:
        if machine["name"] == name:
            sfn.update_state_machine(stateMachineArn=machine["stateMachineArn"], definition=json.dumps(definition))
            return machine["stateMachineArn"]
    return sfn.create_state_machine(name=name, definition=json.dumps(definition),
                                    roleArn=f"arn:aws:iam::{ACCOUNT}:role/tenantline-states")["stateMachineArn"]


def _rule_set(session, props: dict) -> str:
    ses = session.client("ses")
    name = props["RuleSetName"]
    if name not in {r["Name"] for r in ses.list_receipt_rule_sets().get("RuleSets", [])}:
        ses.create_receipt_rule_set(RuleSetName=name)
    ses.set_active_receipt_rule_set(RuleSetName=name)  # done by hand after a real deploy (see the template)
    return name


def _rule(session, props: dict) -> str:
    ses = session.client("ses")
    rule = props["Rule"]
    existing = ses.describe_receipt_rule_set(RuleSetName=props["RuleSetName"]).get("Rules", [])
    if rule["Name"] not in {r["Name"] for r in existing}:
        ses.create_receipt_rule(RuleSetName=props["RuleSetName"], Rule=rule)
    return rule["Name"]


HANDLERS = {
    "AWS::DynamoDB::Table": _table,
    "AWS::SNS::Topic": _topic,
    "AWS::S3::Bucket": _bucket,
    "AWS::StepFunctions::StateMachine": _state_machine,
    "AWS::Serverless::StateMachine": _state_machine,
    "AWS::SES::ReceiptRuleSet": _rule_set,
    "AWS::SES::ReceiptRule": _rule,
}
