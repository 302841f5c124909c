"""What SES does with a message it receives, done on the twin (moto has no inbound mail): find the
active receipt rule for the recipient, run its S3 action (raw MIME into the bucket under the rule's
prefix) and publish the S3 action's notification to the rule's topic, which invokes inbound_email."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from email import message_from_bytes, policy
from email.utils import getaddresses


def _rule_for(ses, recipient: str) -> dict:
    active = ses.describe_active_receipt_rule_set()
    domain = recipient.split("@")[-1].lower()
    for rule in active.get("Rules", []):
        wanted = [r.lower() for r in rule.get("Recipients", [])]
        if rule.get("Enabled", True) and (not wanted or recipient.lower() in wanted or domain in wanted):
            return rule
    raise LookupError(f"no active SES receipt rule accepts mail for {recipient}")


def _headers(raw: bytes) -> tuple[list[dict], dict]:
    msg = message_from_bytes(raw, policy=policy.compat32)
    headers = [{"name": k, "value": str(v)} for k, v in msg.items()]
    common = {"from": [str(msg.get("From", ""))], "to": [a for _, a in getaddresses([str(msg.get("To", ""))])],
              "subject": str(msg.get("Subject", "")), "messageId": str(msg.get("Message-ID", "")),
              "date": str(msg.get("Date", ""))}
    return headers, common


def receive(session, raw: bytes, recipient: str, *, spam: str = "PASS", virus: str = "PASS",
            spf: str = "PASS", dkim: str = "PASS", message_id: str | None = None,
            at: datetime | None = None) -> dict:
    """Store and announce one message as SES would; returns the notification that was published.
    `at`: when SES received it (the receipt timestamp; default now)."""
    notification = store(session, raw, recipient, spam=spam, virus=virus, spf=spf, dkim=dkim, message_id=message_id,
                         at=at)
    announce(session, notification)
    return notification


def announce(session, notification: dict) -> None:
    """The S3 action's notification on the rule's topic (SNS delivers it to inbound_email)."""
    session.client("sns").publish(TopicArn=notification["receipt"]["action"]["topicArn"],
                                  Message=json.dumps(notification), Subject="Amazon SES Email Receipt Notification")


def _dmarc(spf: str, dkim: str) -> str:
    """DMARC passes when SPF or DKIM passes (alignment assumed), fails when they fail, else has no verdict."""
    if "PASS" in (spf, dkim):
        return "PASS"
    return "FAIL" if "FAIL" in (spf, dkim) else "GRAY"


def store(session, raw: bytes, recipient: str, *, spam: str = "PASS", virus: str = "PASS", spf: str = "PASS",
          dkim: str = "PASS", message_id: str | None = None, at: datetime | None = None) -> dict:
    """The receipt rule's S3 action: the raw message into the bucket; returns the notification SES sends."""
    ses, s3 = session.client("ses"), session.client("s3")
    rule = _rule_for(ses, recipient)
    action = next(a["S3Action"] for a in rule["Actions"] if "S3Action" in a)
    message_id = message_id or uuid.uuid4().hex
    key = f"{action.get('ObjectKeyPrefix', '')}{message_id}"
    s3.put_object(Bucket=action["BucketName"], Key=key, Body=raw)
    now = (at or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="milliseconds") \
        .replace("+00:00", "Z")
    headers, common = _headers(raw)
    notification = {
        "notificationType": "Received",
        "mail": {"timestamp": now, "source": common["from"][0], "messageId": message_id, "destination": [recipient],
                 "headersTruncated": False, "headers": headers, "commonHeaders": common},
        "receipt": {"timestamp": now, "processingTimeMillis": 120, "recipients": [recipient],
                    "spamVerdict": {"status": spam}, "virusVerdict": {"status": virus},
                    "spfVerdict": {"status": spf}, "dkimVerdict": {"status": dkim},
                    "dmarcVerdict": {"status": _dmarc(spf, dkim)},
                    "action": {"type": "S3", "topicArn": action["TopicArn"], "bucketName": action["BucketName"],
                               "objectKeyPrefix": action.get("ObjectKeyPrefix", ""), "objectKey": key}},
    }
    return notification
