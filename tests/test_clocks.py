"""SLA clocks and after-hours holding: the pure rules, then the timer state machine really waiting in
moto and invoking the real sla_clock / send_digest Lambdas through the twin's Lambda dispatch."""
import json
from datetime import datetime, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from chalicelib.rules import service_levels as clocks
from chalicelib.rules.calendar import Calendar
from tests.conftest import chat, sent_sms, wait_for

LA = ZoneInfo("America/Los_Angeles")
SUNSET = Calendar("America/Los_Angeles", {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                  "US", "CA")
DANA = "+12125550114"


def test_friday_night_before_a_monday_holiday_is_released_after_tuesdays_opening():
    arrived = datetime(2027, 1, 15, 23, 40, tzinfo=LA)  # Friday; Monday 18 January is MLK Day
    release = clocks.hold_until(SUNSET, arrived, "routine", 15)
    assert release == datetime(2027, 1, 19, 9, 15, tzinfo=LA)
    assert clocks.hold_until(SUNSET, arrived, "urgent", 15) is None  # urgent work is not held
    assert clocks.hold_until(SUNSET, datetime(2027, 1, 19, 10, tzinfo=LA), "routine", 15) is None  # open
    assert clocks.hold_until(SUNSET, arrived, "routine", 90) == datetime(2027, 1, 19, 9, 30, tzinfo=LA)  # capped


def test_release_moves_with_daylight_saving_time():
    release = clocks.hold_until(SUNSET, datetime(2026, 10, 31, 23, tzinfo=LA), "routine", 15)  # DST ends Sunday
    assert release == datetime(2026, 11, 2, 17, 15, tzinfo=timezone.utc)  # 09:15 PST, not PDT


def test_a_clock_on_a_ticket_that_moved_on_does_nothing():
    t = SimpleNamespace(status="resolved", first_response_at=None, tier=1, csat=None, review_done_at=None)
    assert not clocks.still_due("tier2", t) and not clocks.still_due("complaint_ack", t)
    assert clocks.still_due("follow_up", t)
    t.status = "in_progress"
    assert clocks.still_due("tier2", t) and clocks.still_due("safety_24h", t) and not clocks.still_due("follow_up", t)


def test_complaints_get_a_business_hour_clock_on_the_calendar():
    due = {c.name: c.due for c in clocks.for_new_ticket("complaint", "routine", SUNSET,
                                                          datetime(2027, 1, 15, 17, 30, tzinfo=LA))}
    assert due["complaint_ack"] == datetime(2027, 1, 19, 9, 30, tzinfo=LA)  # 30 min Friday + 30 min Tuesday
    assert due["tier2"] == datetime(2027, 1, 16, 17, 30, tzinfo=LA)


# --- on the twin ---


def get(client, csr_headers, ticket_id):
    return client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body


def timer_ended(aws, name: str) -> bool:
    """Whether the timer execution `name` has woken and finished (its Lambda ran)."""
    sfn = aws.client("stepfunctions")
    machine = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]
                   if m["name"].endswith("-timer"))
    status = {e["name"]: e["status"] for e in sfn.list_executions(stateMachineArn=machine)["executions"]}
    assert name in status, f"no timer {name} was started"
    return status[name] != "RUNNING"


def fired(detail):
    return [a["detail"]["clock"] for a in detail["audit"] if a["action"] == "sla_clock_fired"]


@pytest.mark.integration
def test_unanswered_complaint_pages_managers_after_one_business_hour(aws, client, csr_headers, monkeypatch):
    monkeypatch.setattr("chalicelib.core.settings.time_scale", lambda: 0.0025)  # one hour lasts 9 s
    answered, _ = chat(client, "I want to file a complaint about the rude leasing agent")
    client.http.post(f"/tickets/{answered['ticket_id']}/reply", body=json.dumps({"body": "Sorry, we're on it."}),
                     headers=csr_headers)  # well inside its hour, even on a busy machine
    ignored, _ = chat(client, "Complaint: my upstairs neighbour's music is unacceptable every night")
    assert get(client, csr_headers, ignored["ticket_id"])["clocks"]["complaint_ack"].startswith("2026-11-18T16:30")
    wait_for(lambda: "complaint_ack" in fired(get(client, csr_headers, ignored["ticket_id"])))
    wait_for(lambda: timer_ended(aws, f"sla-complaint_ack-{answered['ticket_id']}"))  # it woke, and...
    assert "complaint_ack" not in fired(get(client, csr_headers, answered["ticket_id"]))  # moved on: no-op
    to_dana = [text for number, text in sent_sms(aws) if number == DANA and "Complaint" in text]
    assert len(to_dana) == 1 and ignored["ref"] in to_dana[0]


@pytest.mark.integration
def test_unresolved_after_24_hours_moves_to_tier_two_and_resolved_tickets_stay(aws, client, csr_headers, monkeypatch):
    monkeypatch.setattr("chalicelib.core.settings.time_scale", lambda: 0.00008)  # a day lasts 7 s
    done, _ = chat(client, "The garbage disposal is jammed")
    client.http.post(f"/tickets/{done['ticket_id']}/status", body=json.dumps({"status": "resolved"}),
                     headers=csr_headers)  # well inside its day, even on a busy machine
    stuck, _ = chat(client, "The dishwasher doesn't drain")
    wait_for(lambda: get(client, csr_headers, stuck["ticket_id"])["tier"] == 2)
    wait_for(lambda: timer_ended(aws, f"sla-tier2-{done['ticket_id']}"))  # it woke, and...
    assert get(client, csr_headers, done["ticket_id"])["tier"] == 1
    audit = get(client, csr_headers, stuck["ticket_id"])["audit"]
    assert any(a["action"] == "tier" and a["actor"] == "sla" for a in audit)


@pytest.mark.integration
def test_a_resolution_gets_a_follow_up_a_week_later(aws, client, csr_headers, monkeypatch):
    monkeypatch.setattr("chalicelib.core.settings.time_scale", lambda: 0.000005)  # a week lasts 3 s
    ticket, session = chat(client, "The bathroom fan doesn't work")
    client.http.post(f"/tickets/{ticket['ticket_id']}/status", body=json.dumps({"status": "resolved"}),
                     headers=csr_headers)

    def follow_up():
        messages = client.http.get(f"/chat/sessions/{session.session_id}/messages",
                                   headers={"X-Session-Token": session.token}).json_body["messages"]
        return [m for m in messages if "following up" in m["body"]]
    (sent,) = wait_for(follow_up)
    assert sent["automated"] and ticket["ref"] in sent["body"]


@pytest.mark.integration
def test_low_satisfaction_asks_for_a_review_and_reminds_when_overdue(aws, client, csr_headers, monkeypatch):
    monkeypatch.setattr("chalicelib.core.settings.time_scale", lambda: 0.00001)  # 72 hours last 2.6 s
    ticket, session = chat(client, "The blinds in my bedroom are broken")
    rated = client.http.post(f"/chat/sessions/{session.session_id}/csat", body=json.dumps({"csat": 2}),
                             headers={"Content-Type": "application/json", "X-Session-Token": session.token})
    assert rated.json_body == {"ref": ticket["ref"], "csat": 2, "nps": None}
    bad = client.http.post(f"/chat/sessions/{session.session_id}/csat", body=json.dumps({"nps": 11}),
                           headers={"Content-Type": "application/json", "X-Session-Token": session.token})
    assert bad.status_code == 400
    wait_for(lambda: "csat_review" in fired(get(client, csr_headers, ticket["ticket_id"])))
    assert any(ticket["ref"] in text and "Review overdue" in text for number, text in sent_sms(aws) if number == DANA)


def ses_sent(aws):
    from moto.ses.models import ses_backends
    return [m for m in ses_backends["123456789012"]["us-east-1"].sent_messages if hasattr(m, "subject")]


@pytest.mark.integration
def test_after_hours_messages_wait_for_the_digest_and_go_to_the_right_people(aws, client, csr_headers, monkeypatch):
    monkeypatch.setattr("chalicelib.core.settings.time_scale", lambda: 0.00003)  # Friday night to Tuesday morning lasts 8.6 s
    friday = "2027-01-16T07:40:00+00:00"  # 23:40 Friday in Los Angeles, before MLK Day
    named, _ = chat(client, "Please tell Eli to call me back about the pool gate", "sunset-villas", friday)
    general, _ = chat(client, "The hallway light outside 12B is out", "sunset-villas", friday)
    urgent, _ = chat(client, "No hot water since this evening", "sunset-villas", friday)
    held = get(client, csr_headers, named["ticket_id"])
    assert held["held_for"] == "sunset-villas#2027-01-19" and held["for_person"] == "Eli"
    assert get(client, csr_headers, urgent["ticket_id"])["held_for"] is None
    digests = wait_for(lambda: [m for m in ses_sent(aws) if "after-hours" in m.subject] if len(
        [m for m in ses_sent(aws) if "after-hours" in m.subject]) == 2 else None)
    by_recipient = {m.destinations["ToAddresses"][0]: m.body for m in digests}
    assert set(by_recipient) == {"eli.navarro@sunsetvillas.example", "office@sunsetvillas.example"}
    assert named["ref"] in by_recipient["eli.navarro@sunsetvillas.example"]
    assert general["ref"] not in by_recipient["eli.navarro@sunsetvillas.example"]
    assert general["ref"] in by_recipient["office@sunsetvillas.example"]
    assert named["ref"] not in by_recipient["office@sunsetvillas.example"]
    assert get(client, csr_headers, named["ticket_id"])["held_for"] is None
    # One execution per property per business day, named after it: both messages shared it.
    sfn = aws.client("stepfunctions")
    machine = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]
                   if m["name"].endswith("-timer"))
    names = [e["name"] for e in sfn.list_executions(stateMachineArn=machine)["executions"]]
    assert names.count("digest-sunset-villas-2027-01-19") == 1
