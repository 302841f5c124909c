"""A burst main floods a building: many residents report it within minutes. On the in-process twin, through
the chat route and the real stream -> start_escalations path: one incident pages once, every report is
linked to it, and one update reaches every reporter."""
import json
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.rules.incidents import hazard
from chalicelib.rules.triage import triage
from tests.conftest import chat, emergency_notifications, wait_for
from tests.test_faults import escalation_executions

NIGHT = datetime(2026, 11, 26, 7, 13, tzinfo=timezone.utc)  # 02:13 in New York


def test_the_hazard_a_report_names():
    assert hazard(triage("Water is pouring through my ceiling").reasons) == "active water leak or flood"
    assert hazard(triage("hay agua cayendo del techo").reasons) == "active water leak or flood"
    assert hazard(triage("I smell gas in the kitchen").reasons) == "gas smell or leak"
    assert hazard(triage("The blinds in my bedroom are broken").reasons) is None
    assert hazard(["classifier: emergency 0.99"]) is None  # no named hazard: it pages on its own


def view(client, csr_headers, ticket_id):
    return client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body


@pytest.mark.integration
def test_many_reports_of_one_flood_page_once_and_one_update_reaches_all(aws, client, csr_headers):
    words = ["Water is pouring through my ceiling", "Water everywhere, a pipe burst upstairs",
             "hay agua cayendo del techo", "water is leaking from the ceiling light", "the hallway is flooding",
             "Water pouring down the walls of 3C"]
    reports = [chat(client, text, at=NIGHT + timedelta(minutes=2 * n))[0] for n, text in enumerate(words)]
    gas, _ = chat(client, "I smell gas in the kitchen", at=NIGHT + timedelta(minutes=3))
    ids = [r["ticket_id"] for r in reports]
    wait_for(lambda: all(view(client, csr_headers, i)["escalation"] in ("paging", "grouped") for i in ids + [gas["ticket_id"]]))
    states = {i: view(client, csr_headers, i) for i in ids}
    leads = [i for i, t in states.items() if t["escalation"] == "paging"]
    assert len(leads) == 1, {i: t["escalation"] for i, t in states.items()}
    lead = leads[0]
    assert all(t["incident_id"] == lead for i, t in states.items() if i != lead)
    assert sorted(view(client, csr_headers, lead)["incident"]["members"]) == sorted(set(ids) - {lead})
    assert len(escalation_executions(aws, lead)) == 1
    assert sum(len(escalation_executions(aws, i)) for i in ids) == 1  # the flood pages once
    assert len(escalation_executions(aws, gas["ticket_id"])) == 1  # another hazard pages on its own
    assert len(emergency_notifications(aws)) == 2
    member = next(i for i in ids if i != lead)
    assert view(client, csr_headers, member)["incident"]["lead_id"] == lead

    update = client.http.post(f"/tickets/{member}/incident/updates", headers=csr_headers, body=json.dumps(
        {"body": "The water main is shut off; plumbers are on site. We will update you within the hour."}))
    assert update.status_code == 200 and len(update.json_body["sent"]) == len(ids)
    for i in ids:
        thread = view(client, csr_headers, i)["messages"]
        assert thread[-1]["body"].startswith("The water main is shut off") and thread[-1]["direction"] == "outbound"
    assert "The water main" not in json.dumps(view(client, csr_headers, gas["ticket_id"])["messages"])


@pytest.mark.integration
def test_after_the_incident_is_resolved_a_new_report_pages_again(aws, client, csr_headers):
    first, _ = chat(client, "Water is pouring through my ceiling", at=NIGHT)
    wait_for(lambda: view(client, csr_headers, first["ticket_id"])["escalation"] == "paging")
    done = client.http.post(f"/tickets/{first['ticket_id']}/status", headers=csr_headers,
                            body=json.dumps({"status": "resolved"}))
    assert done.status_code == 200
    later, _ = chat(client, "Water is pouring from the ceiling again", at=NIGHT + timedelta(minutes=20))
    wait_for(lambda: view(client, csr_headers, later["ticket_id"])["escalation"] in ("paging", "grouped"))
    assert view(client, csr_headers, later["ticket_id"])["escalation"] == "paging"


@pytest.mark.integration
def test_a_report_from_days_before_an_incident_does_not_join_it(aws, client, csr_headers):
    later, _ = chat(client, "Water is pouring through my ceiling", at=NIGHT + timedelta(days=8))
    earlier, _ = chat(client, "Water is pouring through my ceiling", at=NIGHT)  # mail that arrived late, say
    for t in (later, earlier):
        wait_for(lambda t=t: view(client, csr_headers, t["ticket_id"])["escalation"] in ("paging", "grouped"))
    assert {view(client, csr_headers, t["ticket_id"])["escalation"] for t in (later, earlier)} == {"paging"}
