"""Escalation on the in-process twin: the real state machine runs in moto (waits scaled from input),
pages go out through SNS, acknowledgements stop it, and the ticket keeps the proof."""
import json
import re

import pytest

from tests.conftest import chat, sent_sms, wait_for

pytestmark = pytest.mark.integration
THANKSGIVING_0213 = "2026-11-26T07:13:00+00:00"  # 02:13 in New York on a public holiday
BEN, CHEN, DANA = "+12125550112", "+12125550113", "+12125550114"
PEOPLE = {BEN: "tech-ben", CHEN: "tech-chen", DANA: "mgr-dana"}


def emergency(client, text="Water is pouring through my ceiling", at=THANKSGIVING_0213):
    return chat(client, text, at=at)[0]


def execution_status(sfn, arn):
    return sfn.describe_execution(executionArn=arn)["status"]


def stopped(sfn, arn) -> bool:
    """Ended by StopExecution. AWS reports ABORTED; moto's engine, stopped during a Wait, aborts the running
    iteration and then reports FAILED. Either way it did not run on to finish by itself (SUCCEEDED)."""
    events = [e["type"] for e in sfn.get_execution_history(executionArn=arn)["events"]]
    return execution_status(sfn, arn) == "ABORTED" or ("ExecutionSucceeded" not in events and
                                                       any(t.endswith("Aborted") for t in events))


def pages_to(aws, phone):
    """SMS pages sent to `phone` that the escalation has recorded too: a person's link works once the
    state machine has written that it paged them (a moment after sending)."""
    from chalicelib.core.errors import NotFound
    from chalicelib.tickets import store

    texts = [text for number, text in sent_sms(aws) if number == phone]
    recorded = {}
    for ref in {re.search(r"(TL-[0-9A-Z]+)", t).group(1) for t in texts}:
        try:
            ticket_id = store.resolve_ticket_id(ref)
        except NotFound:  # an earlier test's execution, stopped at its end, finishing a page it had begun
            continue
        recorded[ref] = sum(1 for a in store.audit_trail(ticket_id) if a.action == "paged"
                            and a.detail.get("person_id") == PEOPLE[phone] and a.detail.get("channel") == "sms")
    kept = []
    for text in texts:
        ref = re.search(r"(TL-[0-9A-Z]+)", text).group(1)
        if recorded.get(ref, 0) > 0:
            recorded[ref] -= 1
            kept.append(text)
    return kept


def ack_path(text):
    return re.search(r"(/ack/[A-Za-z0-9_\-.]+)", text).group(1)


def press(client, path, accept="application/json"):
    """The "I'm on it" button on the link's page: a plain HTML form post."""
    return client.http.post(path, body="", headers={"Content-Type": "application/x-www-form-urlencoded",
                                                    "Accept": accept})


def reencoded(path):
    """The same link written differently (explicit base64 padding): it names the same ticket and person."""
    token = path.split("/")[-1]
    body, signature = token.split(".")
    return f"/ack/{body}{'=' * (-len(body) % 4)}.{signature}"


def admin_headers():
    from chalicelib.core import auth
    return {"Authorization": f"Bearer {auth.dev_token('admin')}", "Content-Type": "application/json"}


def test_emergency_pages_tier_one_then_tier_two_and_the_ack_stops_it(aws, client, csr_headers, monkeypatch):
    # Tier 2's window is long enough (8 real seconds) for the test to answer it on a busy machine.
    monkeypatch.setattr("chalicelib.core.settings.time_scale", lambda: 0.005)
    policy = {"tiers": [
        {"name": "On call", "targets": [{"rotation": "primary"}], "channels": ["sms", "email"], "window_minutes": 2},
        {"name": "Backup", "targets": [{"rotation": "backup"}], "channels": ["sms"], "window_minutes": 27},
        {"name": "Manager", "targets": [{"person": "mgr-dana"}], "channels": ["sms"], "window_minutes": 10,
         "guaranteed": True}], "repeat": 1, "managers": ["mgr-dana"]}
    assert client.http.put("/admin/properties/maple-court/policies/emergency", body=json.dumps(policy),
                           headers=admin_headers()).status_code == 200
    ticket = emergency(client)
    first = wait_for(lambda: pages_to(aws, BEN))  # Ben's week on the primary rotation
    assert ticket["ref"] in first[0] and "Acknowledge: http" in first[0]
    second = wait_for(lambda: pages_to(aws, CHEN))  # tier 2 after tier 1's (scaled) window
    numbers = [number for number, _text in sent_sms(aws)]
    assert numbers.index(BEN) < numbers.index(CHEN)
    ack = press(client, ack_path(second[0]))
    assert ack.status_code == 200 and ack.json_body["acknowledged"] and ack.json_body["by"] == "Chen Li"
    assert ack.json_body["target_met"] is True
    detail = client.http.get(f"/tickets/{ticket['ticket_id']}", headers=csr_headers).json_body
    sfn = aws.client("stepfunctions")
    arn = next(a["detail"]["execution"] for a in detail["audit"] if a["action"] == "escalation_started")
    # Acknowledging stops the execution itself (ABORTED), rather than leaving it to notice at its next wake-up.
    # Acknowledging stops the execution itself, rather than leaving it to notice at its next wake-up.
    wait_for(lambda: execution_status(sfn, arn) != "RUNNING")
    assert stopped(sfn, arn)
    assert not pages_to(aws, DANA)  # the execution has ended: nothing more can be sent
    detail = client.http.get(f"/tickets/{ticket['ticket_id']}", headers=csr_headers).json_body
    assert detail["escalation"] == "acknowledged" and detail["escalation_proof"]["acknowledged_by"] == "Chen Li"
    assert detail["escalation_proof"]["target_met"] is True
    paged = [a["detail"] for a in detail["audit"] if a["action"] == "paged"]
    assert {(p["tier"], p["name"], p["channel"]) for p in paged} >= {(1, "Ben Okafor", "sms"), (2, "Chen Li", "sms")}
    assert [a["action"] for a in detail["audit"]].count("acknowledged") == 1


def test_later_acks_are_no_ops_and_bad_links_are_refused(aws, client):
    emergency(client)
    ben_page = wait_for(lambda: pages_to(aws, BEN))[0]
    chen_page = wait_for(lambda: pages_to(aws, CHEN))[0]
    assert press(client, ack_path(chen_page)).json_body["acknowledged"]
    later = press(client, ack_path(ben_page)).json_body
    assert later == {**later, "acknowledged": False, "already_acknowledged_by": "Chen Li"}
    for replay in (ack_path(chen_page), reencoded(ack_path(chen_page))):
        reused = press(client, replay)
        assert reused.status_code == 409 and "already used" in reused.json_body["Message"], replay
    token = ack_path(chen_page).split("/")[-1]
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert press(client, f"/ack/{forged}").status_code == 401
    assert client.http.get(f"/ack/{forged}").status_code == 401
    assert press(client, "/ack/not-a-token").status_code == 401
    page = press(client, ack_path(ben_page), accept="text/html")
    assert page.status_code == 409 and b"already used" in page.body


CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def test_opening_a_link_acknowledges_nothing_the_button_does(aws, client, csr_headers):
    """Mail scanners (Safe Links, Proofpoint, Mimecast) and previews open links like a browser: only the
    button on the page acknowledges."""
    ticket = emergency(client)
    link = ack_path(wait_for(lambda: pages_to(aws, BEN))[0])
    for _ in range(2):
        page = client.http.get(link, headers={"User-Agent": CHROME, "Accept": "text/html"})
        assert page.status_code == 200 and b"I'm on it" in page.body and b"<form method=post>" in page.body
        assert ticket["ref"].encode() in page.body
    assert client.http.get(link, headers={"Accept": "application/json"}).json_body["you"] == "Ben Okafor"
    # Opening acknowledged nothing: paging goes on (its start may be recorded a moment after the first SMS).
    wait_for(lambda: client.http.get(f"/tickets/{ticket['ticket_id']}", headers=csr_headers).json_body["escalation"]
             == "paging")
    done = press(client, link, accept="text/html")
    assert done.status_code == 200 and b"Thanks Ben Okafor" in done.body
    detail = client.http.get(f"/tickets/{ticket['ticket_id']}", headers=csr_headers).json_body
    assert detail["escalation"] == "acknowledged" and detail["escalation_proof"]["acknowledged_by"] == "Ben Okafor"


def test_only_someone_already_paged_can_acknowledge_by_link(aws, client, csr_headers):
    from chalicelib.escalation import runner
    ticket = emergency(client)
    wait_for(lambda: pages_to(aws, BEN))
    not_yet = runner.ack_link(ticket["ticket_id"], "tech-chen")  # tier 2: not paged yet
    path = not_yet[not_yet.index("/ack/"):]
    refused = press(client, path)
    assert refused.status_code == 403 and "not been paged" in refused.json_body["Message"]
    assert client.http.get(path, headers={"Accept": "application/json"}).status_code == 403
    # Paging goes on. (The first SMS can go out before the start is recorded on the ticket: wait for it.)
    wait_for(lambda: client.http.get(f"/tickets/{ticket['ticket_id']}", headers=csr_headers).json_body["escalation"]
             == "paging")


def test_repeat_from_the_top_alerts_managers_then_gives_up(aws, client, csr_headers):
    admin = admin_headers()
    policy = {"tiers": [{"name": "Tech", "targets": [{"rotation": "primary"}], "channels": ["sms"], "window_minutes": 1},
                        {"name": "Manager", "targets": [{"person": "mgr-dana"}], "channels": ["sms"],
                         "window_minutes": 1, "guaranteed": True}],
              "repeat": 1, "managers": ["mgr-dana"]}
    saved = client.http.put("/admin/properties/maple-court/policies/emergency", body=json.dumps(policy), headers=admin)
    assert saved.status_code == 200 and saved.json_body["policy"]["guaranteed_within_minutes"] == 1
    ticket = emergency(client)
    wait_for(lambda: client.http.get(f"/tickets/{ticket['ticket_id']}", headers=csr_headers)
             .json_body["escalation"] == "exhausted", seconds=30)
    assert len(pages_to(aws, BEN)) == 2  # round one and round two
    dana = pages_to(aws, DANA)
    assert len(dana) == 3 and sum("STILL UNACKNOWLEDGED" in p for p in dana) == 1
    audit = client.http.get(f"/tickets/{ticket['ticket_id']}", headers=csr_headers).json_body["audit"]
    exhausted = [a for a in audit if a["action"] == "escalation_exhausted"]
    assert len(exhausted) == 1 and exhausted[0]["detail"] == {"rounds": 2}


def test_policy_that_misses_the_target_is_refused_on_save(client):
    admin = admin_headers()
    slow = {"tiers": [{"name": "Tech", "targets": [{"rotation": "primary"}], "channels": ["sms"], "window_minutes": 40},
                      {"name": "Manager", "targets": [{"person": "mgr-dana"}], "channels": ["sms"],
                       "window_minutes": 10, "guaranteed": True}]}
    refused = client.http.put("/admin/properties/maple-court/policies/emergency", body=json.dumps(slow),
                              headers=admin)
    assert refused.status_code == 400 and "after 40 minutes" in refused.json_body["Message"]
    from chalicelib.core import auth as a
    csr = {"Authorization": f"Bearer {a.dev_token('csr')}", "Content-Type": "application/json"}
    assert client.http.put("/admin/properties/maple-court/policies/emergency", body=json.dumps(slow),
                           headers=csr).status_code == 403


def test_who_is_on_call_now_and_at_a_time(client, admin_headers, csr_headers):
    at = "/admin/properties/maple-court/oncall?at=2026-11-26T07:13:00Z"
    assert client.http.get(at, headers=csr_headers).status_code == 403  # the rota is an admin's page
    view = client.http.get(at, headers=admin_headers)
    primary = next(r for r in view.json_body["rotations"] if r["id"] == "primary")
    assert primary["on_call_name"] == "Ben Okafor"
    assert view.json_body["policy"]["now"][0]["people"] == ["Ben Okafor"]


def test_console_ack_and_the_report(aws, client, csr_headers):
    ticket = emergency(client, at="2026-11-20T07:00:00+00:00")
    wait_for(lambda: sent_sms(aws))
    acked = client.http.post(f"/tickets/{ticket['ticket_id']}/ack", headers=csr_headers).json_body
    assert acked["acknowledged"] and acked["by"] == "dev-csr"

    def report():  # the start is recorded a moment after the first SMS can go out: wait until it is
        found = client.http.get("/reports/escalations?from=2026-11-01&to=2026-11-30", headers=csr_headers).json_body
        return found if found["count"] else None
    report = wait_for(report)
    assert report["count"] == 1 and report["met"] == 1 and report["escalations"][0]["ref"] == ticket["ref"]
    assert client.http.get("/reports/escalations?from=2026-12-01&to=2026-11-01", headers=csr_headers).status_code == 400


def test_an_acknowledgement_after_30_minutes_is_reported_as_a_breach(aws, client, csr_headers, monkeypatch):
    monkeypatch.setattr("chalicelib.core.settings.time_scale", lambda: 0.002)  # round one lasts ~4 s (whole seconds)
    policy = {"tiers": [
        {"name": "On call", "targets": [{"rotation": "primary"}], "channels": ["sms"], "window_minutes": 20},
        {"name": "Backup", "targets": [{"person": "tech-chen"}], "channels": ["sms"], "window_minutes": 10,
         "guaranteed": True},
        {"name": "Manager", "targets": [{"person": "mgr-dana"}], "channels": ["sms"], "window_minutes": 10}],
        "repeat": 1, "managers": ["mgr-dana"]}
    assert client.http.put("/admin/properties/maple-court/policies/emergency", body=json.dumps(policy),
                           headers=admin_headers()).status_code == 200
    ticket = emergency(client)
    # Nobody answers round one (40 policy minutes); Ben acknowledges the second round's page.
    second_round = wait_for(lambda: pages_to(aws, BEN)[1:])
    acked = press(client, ack_path(second_round[0])).json_body
    assert acked["acknowledged"] and acked["by"] == "Ben Okafor"
    assert acked["target_met"] is False and acked["reached_seconds"] > 30 * 60
    proof = client.http.get(f"/tickets/{ticket['ticket_id']}", headers=csr_headers).json_body["escalation_proof"]
    assert proof["target_met"] is False and proof["reached_seconds"] > 30 * 60 and proof["target_seconds"] == 1800
    report = client.http.get("/reports/escalations?from=2026-11-01&to=2026-11-30", headers=csr_headers).json_body
    assert (report["count"], report["met"], report["breached"]) == (1, 0, 1)
    assert report["escalations"][0]["ref"] == ticket["ref"] and report["escalations"][0]["target_met"] is False


def test_an_ack_the_moment_paging_starts_still_leaves_the_proof_in_the_report(aws, client, csr_headers):
    """A CSR acknowledges between Step Functions starting the execution and the ticket recording it."""
    from chalicelib.core import aws as clients
    from chalicelib.escalation import ack
    from tests.conftest import NOW

    def acknowledge_at_once(parsed, **_):
        name = parsed.get("executionArn", "").rsplit(":", 1)[-1]
        if name.startswith("escalation-"):
            ack.acknowledge(name.removeprefix("escalation-"), "dev-csr", "console", NOW)
    events = clients.client("stepfunctions").meta.events
    events.register("after-call.sfn.StartExecution", acknowledge_at_once)
    try:
        ticket = emergency(client, at="2026-11-20T07:00:00+00:00")
        detail = wait_for(lambda: (d := client.http.get(f"/tickets/{ticket['ticket_id']}", headers=csr_headers)
                                   .json_body)["escalation_proof"] and d)
    finally:
        events.unregister("after-call.sfn.StartExecution", acknowledge_at_once)
    assert detail["escalation"] == "acknowledged" and detail["escalation_proof"]["acknowledged_by"] == "dev-csr"
    report = client.http.get("/reports/escalations?from=2026-11-01&to=2026-11-30", headers=csr_headers).json_body
    assert [r["ref"] for r in report["escalations"]] == [ticket["ref"]]
