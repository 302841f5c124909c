"""Run the real Chalice handlers where AWS would invoke a Lambda.

moto without Docker only echoes Lambda invocations. The twin registers each Chalice function with
moto's Lambda service under its deployed name (tenantline-<stage>-<name>) and routes invocations —
from Step Functions tasks, SNS subscriptions, EventBridge rules and direct Invoke calls — to the
handler in this process. (moto's EventBridge has no Lambda targets; the rule's own pattern matching
decides, as in AWS.)"""
from __future__ import annotations

import io
import json
import traceback
import uuid
import zipfile
from datetime import datetime, timezone

from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.events.models import Rule

from twin.streams import StreamPoller

ACCOUNT = "123456789012"
_handlers: dict = {}
_original_invoke = LambdaSimpleBackend.invoke
_original_send_to_targets = Rule.send_to_targets
streams = StreamPoller()


class LambdaContext:
    def __init__(self, function_name: str, region: str = "us-east-1"):
        self.function_name = function_name
        self.aws_request_id = str(uuid.uuid4())
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:{function_name}"
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "twin"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def _name(function_name: str) -> str:
    if function_name.startswith("arn:"):
        function_name = function_name.split(":function:", 1)[1]
    return function_name.split(":", 1)[0]


def _invoke(self, function_name, qualifier, body, headers, response_headers):
    handler = _handlers.get(_name(function_name))
    if handler is None:
        return _original_invoke(self, function_name, qualifier, body, headers, response_headers)
    event = json.loads(body) if body else {}
    try:
        result = handler(event, LambdaContext(_name(function_name)))
    except Exception as exc:  # reported the way Lambda reports an unhandled error
        response_headers["x-amz-function-error"] = "Unhandled"
        return json.dumps({"errorType": type(exc).__name__, "errorMessage": str(exc),
                           "stackTrace": traceback.format_exc().splitlines()}).encode()
    return json.dumps(result).encode()


def sns_event(topic_arn: str, message: str, subject: str | None = None, attributes: dict | None = None) -> dict:
    """The event Lambda receives from an SNS subscription."""
    return {"Records": [{
        "EventVersion": "1.0", "EventSource": "aws:sns",
        "EventSubscriptionArn": f"{topic_arn}:{uuid.uuid4()}",
        "Sns": {"Type": "Notification", "MessageId": str(uuid.uuid4()), "TopicArn": topic_arn,
                "Subject": subject, "Message": message,
                "Timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "SignatureVersion": "1", "Signature": "twin", "SigningCertUrl": "", "UnsubscribeUrl": "",
                "MessageAttributes": attributes or {}}}]}


def _send_sns_message(self, function_name, message, subject=None, qualifier=None):
    handler = _handlers.get(_name(function_name))
    if handler is not None:
        handler(sns_event(f"arn:aws:sns:{self.region_name}:{ACCOUNT}:unknown", message, subject),
                LambdaContext(_name(function_name)))


def _as_delivered(event: dict) -> dict:
    """The event as EventBridge hands it to a Lambda (moto keeps its time as epoch seconds)."""
    delivered = {k: v for k, v in event.items() if k != "ingestion-time"}
    if isinstance(delivered.get("time"), (int, float)):
        delivered["time"] = datetime.fromtimestamp(delivered["time"], timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return delivered


def _send_to_targets(self, original_event, transform_input=True):
    mine = [t for t in self.targets if _handlers.get(_name(t["Arn"])) and ":lambda:" in t["Arn"]]
    if mine and self.event_pattern.matches_event(original_event):
        for target in mine:
            name = _name(target["Arn"])
            try:
                _handlers[name](_as_delivered(original_event), LambdaContext(name))
            except Exception:  # an asynchronous invocation: AWS would retry and log; the twin logs
                traceback.print_exc()
    others = [t for t in self.targets if t not in mine]
    if others:
        saved, self.targets = self.targets, others
        try:
            _original_send_to_targets(self, original_event, transform_input)
        finally:
            self.targets = saved


def _send_dynamodb_items(self, function_arn, items, source):
    """moto hands a table's changes to a mapped function synchronously, once, inside the write; Lambda's
    poller delivers them later and retries. The twin queues them for its poller (twin/streams.py)."""
    name = _name(function_arn)
    if name not in _handlers:
        return b"no handler"
    for item in items:
        record = item.to_json()
        # moto calls this inside the write (mid-transaction); a stream record exists only after the commit.
        streams.offer(name, source, {"eventID": record["eventID"], "eventName": record["eventName"],
                                     "eventVersion": record["eventVersion"], "eventSource": "aws:dynamodb",
                                     "awsRegion": self.region_name, "eventSourceARN": source,
                                     "dynamodb": _stream_body(record["dynamodb"])})
    return b"queued"


def _stream_body(dynamodb: dict) -> dict:
    body = dict(dynamodb)
    when = body.get("ApproximateCreationDateTime")
    if isinstance(when, datetime):
        body["ApproximateCreationDateTime"] = when.timestamp()
    return body


def _no_docker(self):
    raise AttributeError("the twin runs Lambda handlers in-process, without Docker")


def install(app, stage: str) -> dict:
    """Route invocations of this app's functions to its handlers; returns deployed name -> handler."""
    from moto.utilities.docker_utilities import DockerModel

    # moto's /moto-api/data.json reads every property of every model; without this one, a registered
    # function makes it try to reach a Docker daemon and fail.
    DockerModel.docker_client = property(_no_docker)
    _handlers.clear()
    # Event handlers and plain Lambda functions deploy as functions of their own; routes share the API's.
    names = [s.name for s in app.event_sources] + [f.name for f in app.pure_lambda_functions]
    for name in names:
        _handlers[f"{app.app_name}-{stage}-{name}"] = app.handler_map[name]
    LambdaSimpleBackend.invoke = _invoke
    LambdaSimpleBackend.send_sns_message = _send_sns_message
    LambdaSimpleBackend.send_dynamodb_items = _send_dynamodb_items
    Rule.send_to_targets = _send_to_targets
    streams.start(lambda name, event: _handlers[name](event, LambdaContext(name)))
    return dict(_handlers)


def register(session, app, stage: str) -> dict:
    """Create the functions in moto's Lambda service, subscribe SNS handlers to their topics and point
    EventBridge rules (Chalice's on_cw_event) at theirs."""
    iam, lam, sns = session.client("iam"), session.client("lambda"), session.client("sns")
    events = session.client("events")
    try:
        role = iam.get_role(RoleName="tenantline-lambda")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role = iam.create_role(RoleName="tenantline-lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("app.py", "# the twin runs the handler in-process\n")
    existing = {f["FunctionName"]: f["FunctionArn"] for f in lam.list_functions()["Functions"]}
    arns = {}
    for name in _handlers:
        arns[name] = existing.get(name) or lam.create_function(
            FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
            Code={"ZipFile": code.getvalue()})["FunctionArn"]
    for source in getattr(app, "event_sources", []):
        function = f"{app.app_name}-{stage}-{source.name}"
        topic, pattern = getattr(source, "topic", None), getattr(source, "event_pattern", None)
        if topic is not None:
            topic_arn = topic if topic.startswith("arn:") else sns.create_topic(Name=topic)["TopicArn"]
            sns.subscribe(TopicArn=topic_arn, Protocol="lambda", Endpoint=arns[function])
        elif pattern is not None:
            events.put_rule(Name=function, EventPattern=json.dumps(pattern), State="ENABLED")
            events.put_targets(Rule=function, Targets=[{"Id": source.name, "Arn": arns[function]}])
    _map_streams(session, stage, arns)
    return arns


def _map_streams(session, stage: str, arns: dict) -> None:
    """The after-deploy template's stream mappings (infra/reliability.yaml), made through moto's API."""
    from twin.provision import stream_mappings

    ddb, lam = session.client("dynamodb"), session.client("lambda")
    existing = {m["FunctionArn"] for m in lam.list_event_source_mappings()["EventSourceMappings"]}
    for mapping in stream_mappings(stage, session.region_name):
        function = mapping["FunctionName"]
        table = mapping["EventSourceArn"]["export"].removesuffix("-stream-arn")  # tenantline-<stage>-tickets
        stream = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
        if arns[function] not in existing:
            lam.create_event_source_mapping(FunctionName=function, EventSourceArn=stream,
                                            StartingPosition=mapping["StartingPosition"],
                                            BatchSize=int(mapping.get("BatchSize", 10)))
        streams.configure(function, [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]],
                          max_age_seconds=int(mapping.get("MaximumRecordAgeInSeconds", 86400)))
