"""Residents texting a property (issue #21), through the real inbound_sms Lambda: End User Messaging's payload
published to the inbound topic of the in-process twin, answers read from the twin's SMS stand-in."""
import json
from datetime import datetime, timedelta, timezone

from chalicelib.rules import texting
from tests.conftest import NOW, sent_sms, wait_for
from twin import sms

MARIA, JAMES, STRANGER = "+12125550142", "+12125550143", "+12125550177"
MAPLE = "+12125550100"


def text(aws, body, sender=MARIA, at=NOW, **kwargs):
    return sms.receive(aws, body, sender, MAPLE, at=at, **kwargs)


def texts_to(aws, number):
    return [t for t in sms.outbox(aws) if t["to"] == number]


def ticket_of(client, csr_headers, phone):
    listed = client.http.get(f"/tickets?phone={phone.replace('+', '%2B')}", headers=csr_headers).json_body
    ticket_id = listed["tickets"][0]["id"]
    return client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body


def claim_result(inbound_id):
    from chalicelib.models import Guard, keys
    return Guard.get(keys.sms_inbound(inbound_id), keys.GUARD, consistent_read=True).data["result"]


def test_a_leak_text_makes_an_sms_ticket_answered_by_text_from_the_property(aws, client, csr_headers):
    payload = text(aws, "my kitchen sink is leaking under the cabinet")
    result = claim_result(payload["inboundMessageId"])
    ticket = client.http.get(f"/tickets/{result['ticket_id']}", headers=csr_headers).json_body
    assert ticket["channel"] == "sms" and ticket["category"] == "maintenance"
    assert ticket["contact"]["phone"] == MARIA and ticket["contact"]["name"] == "María López"
    answers = texts_to(aws, MARIA)
    assert len(answers) == 1 and answers[0]["from"] == MAPLE and ticket["ref"] in answers[0]["body"]
    assert texting.segments(answers[0]["body"])[1] <= 2
    assert result["replies"] == [answers[0]["body"]]
    inbound, outbound = ticket["messages"][:2]
    assert inbound["direction"] == "inbound" and inbound["channel"] == "sms"
    assert outbound["delivery"] == "sent" and outbound["body"] == answers[0]["body"]


def test_gas_at_2am_gets_the_911_answer_at_once_and_pages_on_call(aws, client, csr_headers):
    at = datetime(2026, 11, 26, 7, 0, tzinfo=timezone.utc)  # 2 a.m. in New York, Thanksgiving
    payload = text(aws, "I smell gas in the hallway", at=at)
    result = claim_result(payload["inboundMessageId"])
    answer = texts_to(aws, MARIA)[0]["body"]
    assert "911" in answer and texting.segments(answer)[1] <= 2
    ticket = client.http.get(f"/tickets/{result['ticket_id']}", headers=csr_headers).json_body
    assert ticket["urgency"] == "emergency" and ticket["refer"] == "emergency_services"
    wait_for(lambda: [t for n, t in sent_sms(aws) if ticket["ref"] in t])  # the on-call page, as for chat


def test_the_same_text_delivered_twice_is_stored_and_answered_once(aws, client, csr_headers):
    payload = text(aws, "the dishwasher will not drain", inbound_id="dup-1")
    text(aws, "the dishwasher will not drain", inbound_id="dup-1")
    ticket = client.http.get(f"/tickets/{claim_result('dup-1')['ticket_id']}", headers=csr_headers).json_body
    assert [m["direction"] for m in ticket["messages"]] == ["inbound", "outbound"]
    assert len(texts_to(aws, MARIA)) == 1 and payload["inboundMessageId"] == "dup-1"


def test_texts_arriving_in_reverse_order_are_threaded_in_the_order_they_were_sent(aws, client, csr_headers):
    text(aws, "the bathroom fan is broken", at=NOW, inbound_id="first")
    text(aws, "also it rattles at night", at=NOW + timedelta(minutes=3), inbound_id="third")
    text(aws, "it stopped working yesterday", at=NOW + timedelta(minutes=1), inbound_id="second")
    ticket = client.http.get(f"/tickets/{claim_result('first')['ticket_id']}", headers=csr_headers).json_body
    assert claim_result("second")["ticket_id"] == claim_result("third")["ticket_id"] == ticket["id"]
    residents = [m["body"] for m in ticket["messages"] if m["direction"] == "inbound"]
    assert residents == ["the bathroom fan is broken", "it stopped working yesterday", "also it rattles at night"]


def test_a_bad_event_is_kept_as_a_rejection(aws):
    from chalicelib.core import settings
    from chalicelib.models import Rejected
    aws.client("sns").publish(TopicArn=settings.topic_arn("inbound-sms"), Message=json.dumps({"messageBody": "hi"}))
    aws.client("sns").publish(TopicArn=settings.topic_arn("inbound-sms"), Message="not json")
    rejected = [r for r in Rejected.query("REJECTED") if r.source == "inbound_sms"]
    assert len(rejected) == 2 and "originationNumber" in rejected[0].reason
    assert sms.outbox(aws) == []
