"""Repair visits (issue #21) through the real entry points: staff routes on the Chalice test client, the
resident's answers through the inbound_sms Lambda, reminders through the timer's sla_clock Lambda."""
import json
from datetime import datetime, timedelta, timezone

from tests.conftest import NOW, wait_for
from tests.test_sms import MAPLE, MARIA, STRANGER, claim_result, text, texts_to
from twin import sms

# NOW is Wednesday 18 Nov 2026, 10:30 in New York; Thursday 9:00-11:00 there is inside office hours.
THURSDAY_9 = datetime(2026, 11, 19, 14, 0, tzinfo=timezone.utc)


def sms_ticket(aws, sender=MARIA):
    return claim_result(text(aws, "my kitchen sink is leaking under the cabinet", sender=sender)["inboundMessageId"])


def propose(client, csr_headers, ticket_id, start=THURSDAY_9, hours=2):
    return client.http.post(f"/tickets/{ticket_id}/visits", headers={**csr_headers, "X-Tenantline-Time": NOW.isoformat()},
                            body=json.dumps({"start": start.isoformat(), "end": (start + timedelta(hours=hours)).isoformat(),
                                             "technician": "Ana Ruiz", "note": "kitchen sink"}))


def visit_of(client, csr_headers, ticket_id):
    return client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body["visits"][0]


def test_a_visit_proposed_on_an_sms_ticket_is_texted_and_a_1_confirms_it(aws, client, csr_headers):
    ticket = sms_ticket(aws)
    made = propose(client, csr_headers, ticket["ticket_id"])
    assert made.status_code == 201 and made.json_body["status"] == "proposed" and made.json_body["visit_id"]
    notice = wait_for(lambda: [t for t in texts_to(aws, MARIA) if "Reply 1 to confirm" in t["body"]])[0]
    assert "Thu 11/19 9:00-11:00" in notice["body"] and notice["from"] == MAPLE
    text(aws, "1", at=NOW + timedelta(minutes=5), answers=notice["message_id"])
    visit = visit_of(client, csr_headers, ticket["ticket_id"])
    assert visit["status"] == "confirmed" and visit["technician"] == "Ana Ruiz"
    assert "Confirmed: Thu 11/19 9:00-11:00" in texts_to(aws, MARIA)[-1]["body"]
    sfn = aws.client("stepfunctions")
    timer = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"] if m["name"].endswith("-timer"))
    names = {e["name"] for e in sfn.list_executions(stateMachineArn=timer)["executions"]}
    assert {f"visit-evening_before-{visit['visit_id']}-v1", f"visit-hour_before-{visit['visit_id']}-v1"} <= names


def test_a_2_offers_three_other_windows_and_a_number_picks_one(aws, client, csr_headers):
    ticket = sms_ticket(aws)
    propose(client, csr_headers, ticket["ticket_id"])
    wait_for(lambda: [t for t in texts_to(aws, MARIA) if "Reply 1 to confirm" in t["body"]])
    text(aws, "2", at=NOW + timedelta(minutes=5))
    offer = texts_to(aws, MARIA)[-1]["body"]
    assert offer.startswith("Other times: 1 Fri 11/20 9:00-11:00, 2 Sat 11/21 10:00-12:00, 3 Mon 11/23 9:00-11:00")
    assert visit_of(client, csr_headers, ticket["ticket_id"])["status"] == "reschedule_requested"
    text(aws, "3", at=NOW + timedelta(minutes=6))
    visit = visit_of(client, csr_headers, ticket["ticket_id"])
    assert visit["status"] == "confirmed" and visit["start"] == "2026-11-23T14:00:00.000Z"


def test_when_no_window_fits_it_becomes_a_task_for_a_csr(aws, client, csr_headers):
    ticket = sms_ticket(aws)
    propose(client, csr_headers, ticket["ticket_id"])
    wait_for(lambda: [t for t in texts_to(aws, MARIA) if "Reply 1 to confirm" in t["body"]])
    text(aws, "2", at=NOW + timedelta(minutes=5))
    text(aws, "0", at=NOW + timedelta(minutes=6))
    trail = client.http.get(f"/tickets/{ticket['ticket_id']}", headers=csr_headers).json_body["audit"]
    assert any(a["action"] == "visit_task" for a in trail)
    assert "office will contact you" in texts_to(aws, MARIA)[-1]["body"]


def test_a_window_must_be_1_to_4_hours_inside_maintenance_hours(aws, client, csr_headers):
    ticket = sms_ticket(aws)
    assert propose(client, csr_headers, ticket["ticket_id"], hours=5).status_code == 400
    late = datetime(2026, 11, 19, 23, 0, tzinfo=timezone.utc)  # 18:00 in New York: the office has closed
    refused = propose(client, csr_headers, ticket["ticket_id"], start=late)
    assert refused.status_code == 400 and "maintenance hours" in refused.json_body["Message"]


def remind(client, ticket_id, visit_id, kind, version=1):
    return client.lambda_.invoke("sla_clock", {"clock": "visit_reminder", "ticket_id": ticket_id,
                                               "visit_id": visit_id, "kind": kind, "version": version}).payload


def test_reminders_go_for_a_confirmed_visit_and_not_after_it_is_cancelled(aws, client, csr_headers):
    ticket = sms_ticket(aws)
    visit_id = propose(client, csr_headers, ticket["ticket_id"]).json_body["visit_id"]
    wait_for(lambda: [t for t in texts_to(aws, MARIA) if "Reply 1 to confirm" in t["body"]])
    text(aws, "1", at=NOW + timedelta(minutes=5))
    assert remind(client, ticket["ticket_id"], visit_id, "hour_before")["reminded"]
    assert "in about an hour" in texts_to(aws, MARIA)[-1]["body"]
    client.http.post(f"/tickets/{ticket['ticket_id']}/visits/{visit_id}/status", headers=csr_headers,
                     body=json.dumps({"status": "cancelled"}))
    assert not remind(client, ticket["ticket_id"], visit_id, "evening_before")["reminded"]


def test_on_my_way_then_completed_and_a_no_reopens_the_ticket(aws, client, csr_headers):
    ticket = sms_ticket(aws)
    visit_id = propose(client, csr_headers, ticket["ticket_id"]).json_body["visit_id"]
    wait_for(lambda: [t for t in texts_to(aws, MARIA) if "Reply 1 to confirm" in t["body"]])
    text(aws, "1", at=NOW + timedelta(minutes=5))
    status = f"/tickets/{ticket['ticket_id']}/visits/{visit_id}/status"
    client.http.post(status, headers=csr_headers, body=json.dumps({"status": "en_route"}))
    wait_for(lambda: "Ana Ruiz is on the way" in texts_to(aws, MARIA)[-1]["body"])
    done = client.http.post(status, headers=csr_headers,
                            body=json.dumps({"status": "completed", "arrived_at": (THURSDAY_9 + timedelta(minutes=40))
                                             .isoformat()}))
    assert done.json_body["status"] == "completed" and done.json_body["in_window"] is True
    client.http.post(f"/tickets/{ticket['ticket_id']}/status", headers=csr_headers,
                     body=json.dumps({"status": "resolved"}))
    wait_for(lambda: "Was it fixed?" in texts_to(aws, MARIA)[-1]["body"])
    text(aws, "2", at=NOW + timedelta(hours=30))
    after = client.http.get(f"/tickets/{ticket['ticket_id']}", headers=csr_headers).json_body
    assert after["status"] == "in_progress" and after["visits"][0]["fixed"] is False
    assert "reopened" in texts_to(aws, MARIA)[-1]["body"]


def test_stop_stops_visit_notices_too(aws, client, csr_headers):
    ticket = sms_ticket(aws, sender=STRANGER)
    text(aws, "STOP", sender=STRANGER, at=NOW + timedelta(minutes=1))
    before = len(texts_to(aws, STRANGER))
    propose(client, csr_headers, ticket["ticket_id"])
    thread = client.http.get(f"/tickets/{ticket['ticket_id']}", headers=csr_headers).json_body["messages"]
    notice = next(m for m in thread if "a technician can come" in m["body"])  # the answer shares its instant
    assert notice["delivery"] == "not_sent" and "opted out" in notice["delivery_detail"]
    assert len(sms.outbox(aws)) and len(texts_to(aws, STRANGER)) == before


def test_arrival_in_the_window_and_first_time_fix_join_the_kpis():
    from chalicelib.rules import kpis
    def facts(ref, *visits):
        return kpis.TicketFacts(ticket_id=ref, ref=ref, property_id="maple-court", category="maintenance",
                                urgency="routine", status="resolved", created=NOW, visits=visits)
    cohort = [facts("TL-1", kpis.VisitFact("completed", True, True)),
              facts("TL-2", kpis.VisitFact("completed", False, False), kpis.VisitFact("completed", True, True)),
              facts("TL-3", kpis.VisitFact("completed", True, None)),
              facts("TL-4", kpis.VisitFact("no_access", True, None)), facts("TL-5")]
    results = {r.key: r for r in kpis.compute(cohort, cohort, None, NOW)}
    assert results["first_time_fix"].value == 66.7 and results["first_time_fix"].count == 3
    assert results["first_time_fix"].breaches == [{"ref": "TL-2", "why": "not fixed at the first visit"}]
    assert results["visit_arrival"].value == 80.0 and results["visit_arrival"].count == 5
    assert kpis.met(kpis.BY_KEY["first_time_fix"], 66.7) is False and kpis.met(kpis.BY_KEY["first_time_fix"], 70)


def test_on_an_email_ticket_the_notice_is_emailed_and_a_reply_of_1_confirms(aws, client, csr_headers):
    from email.message import EmailMessage

    from tests.conftest import sent_mail
    from tests.test_email import receive
    first = EmailMessage()
    first["From"], first["To"], first["Subject"] = "Ana Ruiz <ana@example.com>", "help@maplecourt.example", "sink"
    first["Message-ID"] = "<v1@example.com>"
    first.set_content("The kitchen sink drips all day.")
    opened = receive(aws, first.as_bytes(), at=NOW)
    assert propose(client, csr_headers, opened["ticket_id"]).status_code == 201
    notice = wait_for(lambda: [m for m in sent_mail(aws) if "Reply 1 to confirm" in m.get_body().get_content()])[0]
    answer = EmailMessage()
    answer["From"], answer["To"] = "Ana Ruiz <ana@example.com>", "help@maplecourt.example"
    answer["Subject"], answer["In-Reply-To"] = f"Re: {notice['Subject']}", notice["Message-ID"]
    answer["Message-ID"] = "<v2@example.com>"
    answer.set_content("1")
    receive(aws, answer.as_bytes(), at=NOW + timedelta(minutes=5))
    assert visit_of(client, csr_headers, opened["ticket_id"])["status"] == "confirmed"
    assert any("Confirmed: Thu 11/19 9:00-11:00" in m.get_body().get_content() for m in sent_mail(aws))


def test_the_visit_email_has_signed_links_a_get_changes_nothing_and_the_button_confirms(aws, client, csr_headers):
    import re
    from email.message import EmailMessage

    from tests.conftest import sent_mail
    from tests.test_email import receive
    first = EmailMessage()
    first["From"], first["To"], first["Subject"] = "Ana Ruiz <ana@example.com>", "help@maplecourt.example", "sink"
    first["Message-ID"] = "<l1@example.com>"
    first.set_content("The kitchen sink drips all day.")
    opened = receive(aws, first.as_bytes(), at=NOW)
    propose(client, csr_headers, opened["ticket_id"])
    notice = wait_for(lambda: [m for m in sent_mail(aws) if "Confirm this time" in m.get_body().get_content()])[0]
    confirm = re.search(r"Confirm this time: \S+(/visit-links/\S+)", notice.get_body().get_content()).group(1)
    at = {"X-Tenantline-Time": (NOW + timedelta(hours=1)).isoformat()}  # the links live until the day after
    page = client.http.get(confirm, headers=at)
    assert page.status_code == 200 and b"Confirm this time" in page.body
    assert visit_of(client, csr_headers, opened["ticket_id"])["status"] == "proposed"  # a scanner's GET: nothing
    done = client.http.post(confirm, headers={**at, "Content-Type": "application/x-www-form-urlencoded",
                                              "Accept": "application/json"}, body="")
    assert done.status_code == 200 and done.json_body["status"] == "confirmed"
    again = client.http.post(confirm, headers={**at, "Content-Type": "application/x-www-form-urlencoded",
                                               "Accept": "application/json"}, body="")
    assert again.status_code == 409
    forged = client.http.get(confirm[:-3] + "AAA", headers=at)
    assert forged.status_code == 401
