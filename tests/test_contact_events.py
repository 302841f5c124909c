"""Connect contact events in any order, twice, or with gaps: the call's figures come out the same."""
import json
import random
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.channels.voice import contact_events
from chalicelib.models import ContactRecord, Rejected
from chalicelib.rules.triage import Triage
from chalicelib.tickets import store as tickets

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 18, 15, 0, tzinfo=timezone.utc)
INSTANCE = "arn:aws:connect:us-east-1:123456789012:instance/abc"
QUEUE = f"{INSTANCE}/queue/maintenance"
AGENT = f"{INSTANCE}/agent/ana"


def z(seconds):
    return tickets.iso(T0 + timedelta(seconds=seconds))


def event(event_type, contact_id, at, **detail):
    body = {"eventType": event_type, "contactId": contact_id, "initialContactId": contact_id, "channel": "VOICE",
            "instanceArn": INSTANCE, "initiationMethod": "INBOUND", "initiationTimestamp": z(0), **detail}
    return {"version": "0", "id": f"{contact_id}-{event_type}", "detail-type": "Amazon Connect Contact Event",
            "source": "aws.connect", "account": "123456789012", "time": z(at), "region": "us-east-1",
            "resources": [f"{INSTANCE}/contact/{contact_id}"], "detail": body}


def answered_call(contact_id, wait=45, talk=300):
    queue = {"queueArn": QUEUE, "enqueueTimestamp": z(20), "queueType": "STANDARD"}
    agent = {"agentArn": AGENT, "connectedToAgentTimestamp": z(20 + wait)}
    return [event("INITIATED", contact_id, 0),
            event("QUEUED", contact_id, 20, queueInfo=queue),
            event("CONNECTED_TO_AGENT", contact_id, 20 + wait, queueInfo=queue, agentInfo=agent),
            event("DISCONNECTED", contact_id, 20 + wait + talk, queueInfo=queue, agentInfo=agent,
                  disconnectTimestamp=z(20 + wait + talk), disconnectReason="CUSTOMER_DISCONNECT")]


def new_ticket(contact_id=None):
    ticket, _ = tickets.create_ticket(property_id="maple-court", channel="voice", text="the dishwasher will not drain",
                                      result=Triage("maintenance", "routine", "none", "en", ["test"]),
                                      contact=tickets.Requester(phone="+12125550177"), author="caller", now=T0)
    if contact_id:
        contact_events.link(contact_id, ticket.ticket_id, T0)
    return ticket


def deliver(events):
    for e in events:
        contact_events.handle(json.loads(json.dumps(e)), T0)


def call_of(ticket, contact_id):
    return tickets.get_ticket(ticket.ticket_id).calls[contact_id]


def test_in_order_the_call_has_its_queue_wait_and_handle_time(aws):
    ticket = new_ticket("c-in-order")
    deliver(answered_call("c-in-order"))
    call = call_of(ticket, "c-in-order")
    assert (call["outcome"], call["queue_wait_seconds"], call["handle_seconds"]) == ("completed", 45, 300)
    timeline = [(a.action, a.at) for a in tickets.audit_trail(ticket.ticket_id) if a.actor == "connect"]
    assert timeline == [("call_queued", z(20)), ("call_answered", z(65)), ("call_ended", z(365))]


def test_any_order_with_duplicates_gives_the_same_answer(aws):
    rng = random.Random(7)
    for n in range(6):
        contact_id = f"c-shuffled-{n}"
        ticket = new_ticket(contact_id)
        events = answered_call(contact_id) + rng.sample(answered_call(contact_id), 2)
        rng.shuffle(events)
        if n == 0:
            events = list(reversed(answered_call(contact_id))) * 2
        deliver(events)
        call = call_of(ticket, contact_id)
        entries = [a for a in tickets.audit_trail(ticket.ticket_id) if a.actor == "connect"]
        assert [a.action for a in entries] == ["call_queued", "call_answered", "call_ended"], events
        assert [a.at for a in entries] == [z(20), z(65), z(365)], events  # the events' own times, not arrival's
        assert (call["outcome"], call["queue_wait_seconds"], call["handle_seconds"]) == ("completed", 45, 300), events


def test_gaps_leave_figures_unknown_never_wrong(aws):
    ticket = new_ticket("c-gaps")
    initiated, queued, connected, disconnected = answered_call("c-gaps")
    deliver([queued, connected])  # the call is still going: no handle time yet
    call = call_of(ticket, "c-gaps")
    assert (call["outcome"], call["queue_wait_seconds"], call["handle_seconds"]) == ("connected", 45, None)
    deliver([disconnected])
    assert call_of(ticket, "c-gaps")["handle_seconds"] == 300

    # Only the last event arrives: it carries the earlier timestamps itself.
    other = new_ticket("c-last-only")
    deliver(answered_call("c-last-only")[-1:])
    call = call_of(other, "c-last-only")
    assert (call["outcome"], call["queue_wait_seconds"], call["handle_seconds"]) == ("completed", 45, 300)


def test_an_abandoned_call_then_its_late_answer_event_corrects_the_timeline(aws):
    ticket = new_ticket("c-late")
    initiated, queued, connected, disconnected = answered_call("c-late")
    hung_up = event("DISCONNECTED", "c-late", 365, queueInfo=queued["detail"]["queueInfo"],
                    disconnectTimestamp=z(365), disconnectReason="CUSTOMER_DISCONNECT")
    deliver([initiated, queued, hung_up])
    assert call_of(ticket, "c-late")["outcome"] == "abandoned"
    assert "call_abandoned" in [a.action for a in tickets.audit_trail(ticket.ticket_id)]
    deliver([connected])
    assert call_of(ticket, "c-late")["outcome"] == "completed"
    actions = [a.action for a in tickets.audit_trail(ticket.ticket_id) if a.actor == "connect"]
    assert actions == ["call_queued", "call_answered", "call_ended"]


def test_events_before_the_ticket_exists_reach_it_once_linked(aws):
    deliver(answered_call("c-early")[:2])
    record = ContactRecord.get("CONTACT#c-early", "CONTACT")
    assert record.ticket_id is None and "enqueued" in record.milestones
    ticket = new_ticket("c-early")
    assert call_of(ticket, "c-early")["outcome"] == "in_queue"


def test_a_callback_contact_lands_on_the_original_ticket(aws):
    ticket = new_ticket("c-original")
    callback = [dict(e, detail=dict(e["detail"], initiationMethod="CALLBACK", previousContactId="c-original"))
                for e in answered_call("c-callback", wait=10, talk=120)]
    deliver(callback)
    call = call_of(ticket, "c-callback")
    assert call["callback_of"] == "c-original" and call["handle_seconds"] == 120
    assert "callback_started" in [a.action for a in tickets.audit_trail(ticket.ticket_id)]


def test_malformed_events_are_kept_as_rejections(aws):
    assert contact_events.handle({"source": "aws.connect", "detail": {}}, T0)["rejected"]
    assert contact_events.handle({"source": "aws.s3", "detail": {"contactId": "x"}}, T0)["rejected"]
    assert [r.reason for r in Rejected.query("REJECTED")] == ["the contact event has no contactId",
                                                             "unexpected source 'aws.s3'"]


def test_events_arrive_through_the_eventbridge_rule(aws):
    ticket = new_ticket("c-bus")
    bus = aws.client("events")
    for e in answered_call("c-bus", wait=12, talk=90):
        bus.put_events(Entries=[{"Source": e["source"], "DetailType": e["detail-type"], "Time": T0,
                                 "Resources": e["resources"], "Detail": json.dumps(e["detail"])}])
    call = call_of(ticket, "c-bus")
    assert (call["queue_wait_seconds"], call["handle_seconds"]) == (12, 90)


def test_the_calls_report_gives_asa_aht_and_abandons(aws, client, csr_headers):
    for n, (wait, talk) in enumerate([(30, 200), (90, 400)]):
        new_ticket(f"c-rep-{n}")
        deliver(answered_call(f"c-rep-{n}", wait, talk))
    new_ticket("c-rep-gone")
    deliver([event("QUEUED", "c-rep-gone", 20, queueInfo={"queueArn": QUEUE, "enqueueTimestamp": z(20)}),
             event("DISCONNECTED", "c-rep-gone", 80, disconnectTimestamp=z(80), disconnectReason="CUSTOMER_DISCONNECT")])
    report = client.http.get("/reports/calls?from=2026-11-01&to=2026-11-30", headers=csr_headers).json_body
    assert (report["count"], report["answered"], report["abandoned"]) == (3, 2, 1)
    assert (report["asa_seconds"], report["aht_seconds"], report["abandon_rate"]) == (60.0, 300.0, 0.333)
    bad = client.http.get("/reports/calls?from=2026-12-01&to=2026-11-01", headers=csr_headers)
    assert bad.status_code == 400
