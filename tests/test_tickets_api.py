"""The CSR ticket API through the real routes on the in-process twin."""
import json
import threading
from datetime import timedelta

import pytest

from tests.conftest import NOW, chat

pytestmark = pytest.mark.integration



def post(client, path, body, headers):
    response = client.http.post(path, body=json.dumps(body), headers=headers)
    return response.status_code, response.json_body


def test_every_staff_route_needs_a_valid_token(client, csr_headers):
    ticket, _ = chat(client, "The oven doesn't heat")
    tid = ticket["ticket_id"]
    from chalicelib.core import signing
    forged = signing.sign({"cognito:username": "eve", "cognito:groups": ["admin"]}, "not-the-secret", 3600)
    expired = signing.sign({"cognito:username": "old", "cognito:groups": ["csr"]}, "tenantline-test-dev-secret", -5)
    for headers in ({}, {"Authorization": "Bearer garbage"}, {"Authorization": f"Bearer {forged}"},
                    {"Authorization": f"Bearer {expired}"}):
        for method, path in (("get", "/tickets"), ("get", f"/tickets/{tid}"), ("post", f"/tickets/{tid}/reply"),
                             ("post", f"/tickets/{tid}/status"), ("post", f"/tickets/{tid}/assign"),
                             ("post", f"/tickets/{tid}/tier")):
            response = getattr(client.http, method)(path, headers={"Content-Type": "application/json", **headers},
                                                    **({"body": "{}"} if method == "post" else {}))
            assert response.status_code == 401, (path, headers, response.json_body)
    assert client.http.get("/tickets", headers=csr_headers).status_code == 200


def test_queue_puts_emergencies_first_then_oldest(client, csr_headers):
    routine, _ = chat(client, "The closet door came off the track", at=NOW)
    urgent, _ = chat(client, "No hot water since yesterday", at=NOW + timedelta(minutes=1))
    emergency, _ = chat(client, "Water is pouring through my ceiling", at=NOW + timedelta(minutes=2))
    other, _ = chat(client, "There is a gas leak in unit 4", property_id="sunset-villas", at=NOW + timedelta(minutes=3))
    older_routine, _ = chat(client, "Blinds are broken", at=NOW - timedelta(days=1))
    refs = [t["ref"] for t in client.http.get("/tickets", headers=csr_headers).json_body["tickets"]]
    assert refs == [emergency["ref"], other["ref"], urgent["ref"], older_routine["ref"], routine["ref"]]
    only = client.http.get("/tickets?property=sunset-villas", headers=csr_headers).json_body["tickets"]
    assert [t["ref"] for t in only] == [other["ref"]]
    urgent_only = client.http.get("/tickets?urgency=urgent", headers=csr_headers).json_body["tickets"]
    assert [t["ref"] for t in urgent_only] == [urgent["ref"]]


def test_queue_pages_without_gaps_or_repeats(client, csr_headers):
    made = [chat(client, f"Cabinet hinge {i} is loose", at=NOW + timedelta(minutes=i))[0]["ref"] for i in range(5)]
    made.insert(0, chat(client, "No hot water at all", at=NOW + timedelta(minutes=9))[0]["ref"])
    seen, cursor = [], None
    while True:
        page = client.http.get("/tickets?limit=2" + (f"&cursor={cursor}" if cursor else ""), headers=csr_headers)
        seen += [t["ref"] for t in page.json_body["tickets"]]
        cursor = page.json_body["next_cursor"]
        if not cursor:
            break
    assert seen == made


def test_status_lifecycle_is_enforced_and_audited(client, csr_headers):
    ticket, _ = chat(client, "Dishwasher leaks a little")
    path = f"/tickets/{ticket['ref']}/status"  # the short reference works as an id
    assert post(client, path, {"status": "in_progress"}, csr_headers)[0] == 200
    assert post(client, path, {"status": "resolved"}, csr_headers)[1]["resolved_at"]
    code, body = post(client, path, {"status": "waiting_on_resident"}, csr_headers)
    assert code == 400 and "cannot become" in body["Message"]
    code, body = post(client, path, {"status": "in_progress", "note": "resident says it drips again"}, csr_headers)
    assert code == 200 and body["resolved_at"] is None  # reopened
    assert post(client, path, {"status": "done"}, csr_headers)[0] == 400
    full = client.http.get(f"/tickets/{ticket['ticket_id']}", headers=csr_headers).json_body
    trail = [(a["action"], a["detail"].get("to")) for a in full["audit"] if a["action"] in ("status", "reopened")]
    assert trail == [("status", "in_progress"), ("status", "resolved"), ("reopened", "in_progress")]
    assert all(a["actor"] == "dev-csr" for a in full["audit"] if a["action"] in ("status", "reopened"))
    closed = post(client, path, {"status": "closed"}, csr_headers)[1]
    queue = client.http.get("/tickets", headers=csr_headers).json_body["tickets"]
    assert closed["status"] == "closed" and ticket["ref"] not in [t["ref"] for t in queue]
    listed = client.http.get("/tickets?status=closed", headers=csr_headers).json_body["tickets"]
    assert [t["ref"] for t in listed] == [ticket["ref"]]


def test_stale_version_gets_a_conflict_not_a_lost_write(client, csr_headers):
    ticket, _ = chat(client, "Garbage disposal is jammed")
    tid = ticket["ticket_id"]
    version = client.http.get(f"/tickets/{tid}", headers=csr_headers).json_body["version"]
    assert post(client, f"/tickets/{tid}/assign", {"assignee": "ana", "version": version}, csr_headers)[0] == 200
    code, body = post(client, f"/tickets/{tid}/tier", {"tier": 2, "version": version}, csr_headers)
    assert code == 409 and "reload" in body["Message"]
    final = client.http.get(f"/tickets/{tid}", headers=csr_headers).json_body
    assert final["assignee"] == "ana" and final["tier"] == 1


def test_concurrent_updates_never_lose_a_write(aws):
    """Two CSRs act on the same ticket at once: both succeed in turn, or the loser is told."""
    from chalicelib.core.errors import Conflict
    from chalicelib.rules.triage import triage
    from chalicelib.tickets import store as tickets
    ticket, _ = tickets.create_ticket(property_id="maple-court", channel="chat", text="Loose railing",
                                      result=triage("Loose railing"), contact=tickets.Requester(), author="r", now=NOW)
    outcomes, barrier = [], threading.Barrier(8)

    def act(i):
        barrier.wait()
        try:
            tickets.assign(ticket.ticket_id, f"tech-{i}", f"csr-{i}", NOW, expected_version=ticket.version)
            outcomes.append(("ok", i))
        except Conflict:
            outcomes.append(("conflict", i))

    threads = [threading.Thread(target=act, args=(i,)) for i in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    winners = [i for result, i in outcomes if result == "ok"]
    assert len(winners) == 1 and len(outcomes) == 8
    final = tickets.get_ticket(ticket.ticket_id)
    assert final.assignee == f"tech-{winners[0]}" and final.version == ticket.version + 1
    assert [a.actor for a in tickets.audit_trail(ticket.ticket_id) if a.action == "assigned"] == [f"csr-{winners[0]}"]


def test_reply_reaches_the_chat_widget_and_acknowledges(client, csr_headers):
    ticket, session = chat(client, "The bathroom fan is noisy")
    code, body = post(client, f"/tickets/{ticket['ticket_id']}/reply", {"body": "We'll fix it Thursday."}, csr_headers)
    assert code == 200 and body["ticket"]["status"] == "acknowledged" and body["ticket"]["first_response_at"]
    listed = client.http.get(f"/chat/sessions/{session.session_id}/messages",
                             headers={"X-Session-Token": session.token}).json_body["messages"]
    assert listed[-1]["body"] == "We'll fix it Thursday." and listed[-1]["author"] == "dev-csr"
    assert post(client, f"/tickets/{ticket['ticket_id']}/reply", {"body": "  "}, csr_headers)[0] == 400


def test_assignment_and_tier_are_recorded(client, csr_headers):
    ticket, _ = chat(client, "Mold on the bathroom ceiling")
    tid = ticket["ticket_id"]
    assert post(client, f"/tickets/{tid}/assign", {"assignee": "ben"}, csr_headers)[1]["assignee"] == "ben"
    assert post(client, f"/tickets/{tid}/tier", {"tier": 2}, csr_headers)[1]["tier"] == 2
    assert post(client, f"/tickets/{tid}/tier", {"tier": 3}, csr_headers)[0] == 400
    audit = client.http.get(f"/tickets/{tid}", headers=csr_headers).json_body["audit"]
    assert {"action": "assigned", "detail": {"from": None, "to": "ben"}}.items() <= \
        {k: v for a in audit if a["action"] == "assigned" for k, v in a.items()}.items()
    assert [a["detail"] for a in audit if a["action"] == "tier"] == [{"from": 1, "to": 2}]


def test_bad_queries_get_a_clear_4xx(client, csr_headers):
    for query, words in (("status=open", "status must be"), ("urgency=high", "urgency must be"),
                         ("limit=0", "limit"), ("limit=abc", "limit"), ("property=nowhere", "unknown property"),
                         ("cursor=%%%", "cursor")):
        response = client.http.get(f"/tickets?{query}", headers=csr_headers)
        assert response.status_code == 400 and words in response.json_body["Message"], query
    assert client.http.get("/tickets/TL-ZZZZ", headers=csr_headers).status_code == 404
    assert client.http.get("/tickets/01NOTATICKET", headers=csr_headers).status_code == 404
