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
    pages = wait_for(lambda: [t for t in sms.outbox(aws) if ticket["ref"] in t["body"] and t["to"] != MARIA])
    page = pages[0]  # the on-call page, as for chat
    assert page["from"] == MAPLE and page["context"]["kind"] == "page"  # one texting path for pages and residents


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


def test_a_csr_reply_on_an_sms_ticket_reaches_the_resident_by_text(aws, client, csr_headers):
    payload = text(aws, "my kitchen sink is leaking under the cabinet")
    ticket_id = claim_result(payload["inboundMessageId"])["ticket_id"]
    posted = client.http.post(f"/tickets/{ticket_id}/reply", headers=csr_headers,
                              body=json.dumps({"body": "Ana will come by at 3 pm today to fix it."}))
    assert posted.status_code == 200, posted.json_body
    wait_for(lambda: len(texts_to(aws, MARIA)) == 2)  # sent by the texting function, not the HTTP one
    assert texts_to(aws, MARIA)[1]["body"] == "Ana will come by at 3 pm today to fix it."
    assert texts_to(aws, MARIA)[1]["from"] == MAPLE
    ticket = client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body
    wait_for(lambda: client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body["messages"][-1]
             ["delivery"] == "sent")
    assert ticket["status"] == "acknowledged"


UNSURE = "what am I supposed to do if I smell gas, is there a number I call? I'm new here"
NIGHT = datetime(2026, 11, 19, 7, 10, tzinfo=timezone.utc)  # Thursday 02:10 in New York: office closed


def test_the_safety_question_is_answered_by_replying_1_to_the_text_that_asked_it(aws, client, csr_headers,
                                                                                  monkeypatch):
    monkeypatch.setattr("chalicelib.rules.service_levels.SAFETY_ANSWER_WAIT", timedelta(days=1))
    payload = text(aws, UNSURE, sender=JAMES, at=NIGHT)
    asked = texts_to(aws, JAMES)[0]
    assert asked["body"].startswith("Do you smell gas") and "Reply 1 for yes, 2 for no" in asked["body"]
    assert texting.segments(asked["body"])[1] <= 2
    ticket_id = claim_result(payload["inboundMessageId"])["ticket_id"]
    text(aws, "1", sender=JAMES, at=NIGHT + timedelta(minutes=1), answers=asked["message_id"])
    ticket = client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body
    assert (ticket["urgency"], ticket["refer"], ticket["safety_answer"]) == ("emergency", "emergency_services", "yes")
    assert "911" in texts_to(aws, JAMES)[1]["body"]
    wait_for(lambda: [t for n, t in sent_sms(aws) if ticket["ref"] in t])


def test_a_2_keeps_the_ticket_as_it_was(aws, client, csr_headers, monkeypatch):
    monkeypatch.setattr("chalicelib.rules.service_levels.SAFETY_ANSWER_WAIT", timedelta(days=1))
    payload = text(aws, UNSURE, sender=JAMES)
    text(aws, "2", sender=JAMES, at=NOW + timedelta(minutes=1))  # no previousPublishedMessageId: the pending one
    ticket = client.http.get(f"/tickets/{claim_result(payload['inboundMessageId'])['ticket_id']}",
                             headers=csr_headers).json_body
    assert (ticket["urgency"], ticket["safety_answer"]) == ("urgent", "no")
    assert "regular request" in texts_to(aws, JAMES)[1]["body"]


def proactive_text(aws, phone):
    """A proactive text (what surveys, reminders and visit notices use) on the resident's latest SMS ticket."""
    from chalicelib.lifecycle import delivery
    from chalicelib.models import Ticket
    ticket = next(iter(Ticket.by_phone.query(phone, scan_index_forward=False, limit=1)))
    return delivery.text(ticket, "tenantline", "Reminder: your repair visit is tomorrow 9-11.", NOW,
                         automated=True, proactive=True)


def test_stop_stops_every_further_text_and_start_restores_them(aws, client, csr_headers):
    text(aws, "my kitchen sink is leaking under the cabinet", sender=STRANGER)
    assert proactive_text(aws, STRANGER).delivery == "sent"  # the first text recorded consent
    stop = text(aws, "Stop", sender=STRANGER, at=NOW + timedelta(minutes=5))
    assert claim_result(stop["inboundMessageId"])["keyword"] == "stop"
    assert "START" in texts_to(aws, STRANGER)[-1]["body"]  # the one confirmation
    before = len(texts_to(aws, STRANGER))
    held = proactive_text(aws, STRANGER)
    assert held.delivery == "not_sent" and "opted out" in held.delivery_detail
    text(aws, "it is still dripping", sender=STRANGER, at=NOW + timedelta(minutes=6))  # no automatic answer either
    assert len(texts_to(aws, STRANGER)) == before
    start = text(aws, "START", sender=STRANGER, at=NOW + timedelta(minutes=7))
    assert claim_result(start["inboundMessageId"])["keyword"] == "start"
    assert proactive_text(aws, STRANGER).delivery == "sent"
    assert len(texts_to(aws, STRANGER)) == before + 2


def test_spanish_opt_out_words_and_help(aws):
    text(aws, "ALTO", sender=JAMES)
    from chalicelib.tickets import texts
    assert texts.opted_out(JAMES)
    text(aws, "parar", sender=MARIA)
    assert texts.opted_out(MARIA)
    text(aws, "HELP", sender="+13105550142")
    help_text = texts_to(aws, "+13105550142")[-1]["body"]
    assert "Maple Court Apartments" in help_text and "+12125550100" in help_text and "STOP" in help_text


def test_no_proactive_text_without_consent_on_record(aws):
    import pytest

    from chalicelib.tickets import texts
    with pytest.raises(texts.NotTexted):
        texts.check("maple-court", JAMES, proactive=True)  # on the resident list, no consent recorded
    texts.check("maple-court", MARIA, proactive=True)  # the office recorded Maria's consent
    texts.check("maple-court", JAMES, proactive=False)  # answering a conversation he started needs none


def test_delivery_events_are_recorded_on_the_message_and_a_failure_shows_on_the_ticket(aws, client, csr_headers):
    payload = text(aws, "my kitchen sink is leaking under the cabinet")
    ticket_id = claim_result(payload["inboundMessageId"])["ticket_id"]
    answer = texts_to(aws, MARIA)[0]
    sms.publish_event(answer["message_id"], "TEXT_DELIVERED", MARIA, MAPLE, session=aws)
    sms.publish_event(answer["message_id"], "TEXT_QUEUED", MARIA, MAPLE, session=aws)  # late: never overwrites
    ticket = client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body
    assert ticket["messages"][1]["delivery"] == "delivered"
    client.http.post(f"/tickets/{ticket_id}/reply", headers=csr_headers, body=json.dumps({"body": "On our way."}))
    wait_for(lambda: len(texts_to(aws, MARIA)) == 2)
    sms.publish_event(texts_to(aws, MARIA)[1]["message_id"], "TEXT_CARRIER_UNREACHABLE", MARIA, MAPLE, session=aws)
    ticket = client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body
    failed = [m for m in ticket["messages"] if m["body"] == "On our way."][0]
    assert failed["delivery"] == "failed" and "TEXT_CARRIER_UNREACHABLE" in failed["delivery_detail"]
    trail = client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body.get("audit", [])
    assert any(a["action"] == "sms_failed" for a in trail)


def test_a_failed_page_is_on_the_ticket_and_counts_for_the_alarm(aws, client, csr_headers, capsys):
    payload = text(aws, "I smell gas in the hallway", at=datetime(2026, 11, 26, 7, 0, tzinfo=timezone.utc))
    ticket_id = claim_result(payload["inboundMessageId"])["ticket_id"]
    page = wait_for(lambda: [t for t in sms.outbox(aws) if t["to"] != MARIA and t["context"].get("kind") == "page"])[0]
    sms.publish_event(page["message_id"], "TEXT_BLOCKED", page["to"], page["from"], session=aws,
                      context=page["context"])
    failed = wait_for(lambda: [a for a in client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body["audit"]
                               if a["action"] == "sms_failed"])
    assert failed[0]["detail"]["kind"] == "page" and failed[0]["detail"]["to"] == page["to"]
    assert "sms_page_failed" in capsys.readouterr().out  # the metric the sms-success-rate alarm watches


def test_a_proactive_text_waits_for_texting_hours_and_an_urgent_one_does_not(aws):
    from chalicelib.lifecycle import delivery
    from chalicelib.models import Ticket
    text(aws, "my kitchen sink is leaking under the cabinet")
    ticket = next(iter(Ticket.by_phone.query(MARIA, scan_index_forward=False, limit=1)))
    late = datetime(2026, 11, 19, 3, 30, tzinfo=timezone.utc)  # 22:30 in New York
    held = delivery.text(ticket, "tenantline", "Reminder: your visit is tomorrow 9-11.", late, automated=True,
                         proactive=True)
    urgent = delivery.text(ticket, "tenantline", "The technician is on the way.", late, automated=True,
                           proactive=True, urgent=True)
    assert held.delivery == "queued" and urgent.delivery == "sent"
    executions = aws.client("stepfunctions").list_executions(
        stateMachineArn=next(m["stateMachineArn"] for m in aws.client("stepfunctions").list_state_machines()
                             ["stateMachines"] if m["name"].endswith("-timer")))["executions"]
    timer = next(e for e in executions if e["name"] == f"text-{held.message_id}")
    described = aws.client("stepfunctions").describe_execution(executionArn=timer["executionArn"])
    assert json.loads(described["input"])["due"] == "2026-11-19T13:00:00.000Z"  # 08:00 in New York


def test_a_question_the_help_center_answers_gets_the_articles_link_by_text(aws, client, csr_headers):
    payload = text(aws, "how do I pay my rent online?", sender=JAMES)
    result = claim_result(payload["inboundMessageId"])
    (answer,) = texts_to(aws, JAMES)
    assert "/articles/" in answer["body"] and result["ref"] in answer["body"]
    assert texting.segments(answer["body"])[1] <= texting.AUTOMATIC_MAX_SEGMENTS
    trail = client.http.get(f"/tickets/{result['ticket_id']}", headers=csr_headers).json_body["audit"]
    assert any(a["action"] == "kb_link" for a in trail)


def test_a_keyword_answer_is_a_text_the_real_client_accepts(aws):
    """STOP's answer belongs to no ticket; its Context must still be valid for SendTextMessage."""
    text(aws, "STOP", sender=STRANGER)
    (answer,) = texts_to(aws, STRANGER)
    assert answer["body"] and answer["status"] == "sent"
