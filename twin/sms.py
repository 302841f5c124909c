"""End User Messaging SMS on the twin. moto has no `pinpoint-sms-voice-v2` backend, so the twin gives the real
boto3 client a stand-in, as it plays SES inbound and Connect: SendTextMessage records the text (in the twin's
outbox bucket, so `manage.py outbox --sms` can read it from another process) and answers with a message id;
the opt-out list refuses texts to numbers on it, as the service does. With `delivery_events` on (the running
twin), each text's TEXT_DELIVERED event follows on the configuration set's topic a moment later.

And the other direction: `receive` publishes a resident's text to the inbound topic with the payload End User
Messaging documents, so the real inbound_sms Lambda runs."""
from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime, timezone

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from chalicelib.core import settings
from twin import console

SERVICE = "pinpoint-sms-voice-v2"
_original_call = BaseClient._make_api_call
_state = {"stage": "local", "opted_out": set(), "delivery_events": False, "sequence": 0}
_lock = threading.Lock()


def bucket(stage: str | None = None) -> str:
    return f"tenantline-{stage or _state['stage']}-twin-sms-outbox"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _s3():
    from chalicelib.core import aws  # the twin's endpoint, as the Lambdas see it
    return aws.client("s3")


def _refuse(code: str, message: str, operation: str):
    raise ClientError({"Error": {"Code": code, "Message": message}}, operation)


def _send(params: dict) -> dict:
    to, origination = params["DestinationPhoneNumber"], params.get("OriginationIdentity")
    if to in _state["opted_out"]:
        _refuse("ConflictException", f"{to} is on the opt-out list (DESTINATION_PHONE_NUMBER_OPTED_OUT)",
                "SendTextMessage")
    message_id = str(uuid.uuid4())
    with _lock:
        _state["sequence"] += 1
        key = f"{_now()}-{_state['sequence']:06d}-{message_id}.json"
    record = {"to": to, "from": origination, "body": params["MessageBody"], "at": _now(), "status": "sent",
              "message_id": message_id, "configuration_set": params.get("ConfigurationSetName"),
              "context": params.get("Context") or {}}
    _s3().put_object(Bucket=bucket(), Key=key, Body=json.dumps(record).encode())
    # the terminal line the twin has always printed for a text (tests read acknowledgement links from it)
    console.line(f"[twin {datetime.now():%H:%M:%S}] SMS to {to}: {' '.join(record['body'].split())[:400]}")
    if _state["delivery_events"]:
        threading.Timer(0.5, _delivered, args=(key, record)).start()
    return {"MessageId": message_id}


def _delivered(key: str, record: dict) -> None:
    """The carrier's receipt, as the configuration set's event destination publishes it."""
    try:
        record = dict(record, status="delivered")
        _s3().put_object(Bucket=bucket(), Key=key, Body=json.dumps(record).encode())
        publish_event(record["message_id"], "TEXT_DELIVERED", record["to"], record["from"],
                      context=record.get("context"))
    except Exception as exc:  # the twin may be stopping
        console.line(f"[twin] delivery event not published: {exc}")


def publish_event(message_id: str, event_type: str, to: str, origination: str | None, session=None,
                  description: str | None = None, context: dict | None = None) -> None:
    """One delivery event on the sms-events topic, in End User Messaging's event shape."""
    import boto3
    sns = (session or boto3.Session(region_name=settings.REGION)).client("sns")
    stamp = int(datetime.now(timezone.utc).timestamp() * 1000)
    status = {"TEXT_DELIVERED": "DELIVERED", "TEXT_SUCCESSFUL": "SUCCESSFUL"}.get(event_type, "FAILED")
    event = {"eventType": event_type, "eventVersion": "1.0", "eventTimestamp": stamp, "isFinal": True,
             "originationPhoneNumber": origination, "destinationPhoneNumber": to, "isInternationalSend": False,
             "messageId": message_id, "messageRequestTimestamp": stamp, "messageEncoding": "GSM",
             "messageType": "TRANSACTIONAL", "messageStatus": status,
             "messageStatusDescription": description or ("Message has been accepted by phone"
                                                          if status != "FAILED" else "Carrier rejected the message"),
             "totalMessageParts": 1, "totalMessagePrice": 0.00581, "totalCarrierFee": 0.0, "context": context or {}}
    sns.publish(TopicArn=settings.topic_arn("sms-events"), Message=json.dumps(event))


def _opt(params: dict, add: bool) -> dict:
    number = params["OptedOutNumber"]
    if add:
        _state["opted_out"].add(number)
    elif number in _state["opted_out"]:
        _state["opted_out"].discard(number)
    else:
        _refuse("ResourceNotFoundException", f"{number} is not on the opt-out list", "DeleteOptedOutNumber")
    return {"OptOutListName": params["OptOutListName"], "OptedOutNumber": number, "EndUserOptedOut": add}


OPERATIONS = {"SendTextMessage": _send, "PutOptedOutNumber": lambda p: _opt(p, True),
              "DeleteOptedOutNumber": lambda p: _opt(p, False)}


def _make_api_call(self, operation_name, api_params):
    if self.meta.service_model.service_name != SERVICE:
        return _original_call(self, operation_name, api_params)
    operation = OPERATIONS.get(operation_name)
    if operation is None:
        _refuse("UnsupportedOperation", f"the twin does not play {operation_name}", operation_name)
    # botocore checks parameters against the API model before sending; replacing this call skipped that, and
    # the twin must refuse what the real client refuses (an empty Context value, say).
    from botocore.validate import validate_parameters  # noqa: PLC0415 - dev-only twin
    validate_parameters(api_params, self.meta.service_model.operation_model(operation_name).input_shape)
    return operation(api_params)


def install(session, stage: str, delivery_events: bool = False) -> None:
    """Give every client of this process the stand-in (a fresh outbox starts with an empty opt-out list), and
    teach moto's Step Functions engine the boto3 name of the service its aws-sdk tasks call."""
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (
        StateTaskService,
    )

    StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES["pinpointsmsvoicev2"] = SERVICE
    _state.update(stage=stage, delivery_events=delivery_events)
    s3 = session.client("s3")
    if bucket(stage) not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        s3.create_bucket(Bucket=bucket(stage))
        _state.update(opted_out=set(), sequence=0)
    BaseClient._make_api_call = _make_api_call


def outbox(session, stage: str | None = None) -> list[dict]:
    """Every text the stand-in sent, oldest first."""
    s3 = session.client("s3")
    name = bucket(stage)
    keys = sorted(o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name)
                  for o in page.get("Contents", []))
    return [json.loads(s3.get_object(Bucket=name, Key=k)["Body"].read()) for k in keys]


def receive(session, text: str, sender: str, to: str, *, inbound_id: str | None = None,
            answers: str | None = None, at: datetime | None = None) -> dict:
    """A resident's text as End User Messaging publishes it; `at` (the twin's demo clock) rides in the SNS
    subject, which the handler reads only in demo mode."""
    from chalicelib.rules import texting

    word = texting.keyword(text)
    payload = {"originationNumber": sender, "destinationNumber": to,
               "messageKeyword": text.strip().upper() if word else "", "messageBody": text,
               "inboundMessageId": inbound_id or str(uuid.uuid4()), "previousPublishedMessageId": answers or ""}
    subject = f"tenantline-time {at.astimezone(timezone.utc).isoformat()}" if at else None
    kwargs = {"Subject": subject} if subject else {}
    session.client("sns").publish(TopicArn=settings.topic_arn("inbound-sms"), Message=json.dumps(payload), **kwargs)
    return payload
