"""Website chat through the real Chalice routes on the in-process twin."""
import json
import threading

import pytest

from tests.conftest import NOW, emergency_notifications, wait_for

pytestmark = pytest.mark.integration
AT = {"X-Tenantline-Time": NOW.isoformat()}


def post(client, path, body, headers=None):
    response = client.http.post(path, body=json.dumps(body),
                                headers={"Content-Type": "application/json", **AT, **(headers or {})})
    return response.status_code, response.json_body


def start(client, **fields):
    status, body = post(client, "/chat/sessions", {"property_id": "maple-court", **fields})
    assert status == 200, body
    return body["session_id"], {"X-Session-Token": body["token"]}


def say(client, text, session=None, **extra):
    session_id, token = session or start(client)
    status, body = post(client, f"/chat/sessions/{session_id}/messages", {"text": text, **extra}, token)
    assert status == 200, body
    return body


def test_first_message_creates_a_triaged_ticket_with_an_acknowledgement(client, csr_headers):
    body = say(client, "The dishwasher doesn't drain")
    assert body["ref"].startswith("TL-") and body["urgency"] == "routine" and body["category"] == "maintenance"
    inbound, reply = body["messages"]
    assert inbound["direction"] == "inbound" and inbound["body"] == "The dishwasher doesn't drain"
    assert reply["automated"] and body["ref"] in reply["body"] and "office is open" in reply["body"]
    ticket = client.http.get(f"/tickets/{body['ticket_id']}", headers=csr_headers).json_body
    assert ticket["channel"] == "chat" and ticket["status"] == "new" and len(ticket["messages"]) == 2
    assert [a["action"] for a in ticket["audit"]][:1] == ["created"]


def test_after_hours_acknowledgement_says_when_the_office_opens(client):
    session = start(client)
    late = {"X-Tenantline-Time": "2026-11-21T03:00:00+00:00"}  # Friday 22:00 in New York
    status, body = post(client, f"/chat/sessions/{session[0]}/messages", {"text": "The closet door is off its track"},
                        {**session[1], **late})
    assert status == 200
    assert "closed" in body["messages"][1]["body"] and "Sat 10:00" in body["messages"][1]["body"]


def test_emergency_gets_a_safety_reply_and_pages_on_call(client, aws):
    body = say(client, "Water is pouring through my ceiling")
    assert body["urgency"] == "emergency"
    assert "on-call" in body["messages"][1]["body"] and "30 minutes" in body["messages"][1]["body"]
    pages = wait_for(lambda: emergency_notifications(aws))  # paging starts from the ticket's record
    assert len(pages) == 1 and body["ref"] in pages[0] and "Water is pouring" in pages[0]


def test_one_message_reads_its_property_once(client):
    """Triage, the ticket, its clocks, the escalation and the reply all need the property: one read serves them."""
    from chalicelib.models import Property
    session = start(client)
    reads = []

    def count(params, **_):
        if threading.current_thread() is not threading.main_thread():
            return  # another invocation (the escalation starting from the ticket's record)
        if params.get("TableName") == Property.Meta.table_name and params["Key"]["pk"] == {"S": "PORTFOLIO"}:
            reads.append(params["Key"]["sk"]["S"])
    events = Property._get_connection().connection.client.meta.events
    events.register("provide-client-params.dynamodb.GetItem", count)
    try:
        assert say(client, "Water is pouring through my ceiling", session)["urgency"] == "emergency"
    finally:
        events.unregister("provide-client-params.dynamodb.GetItem", count)
    assert reads == ["maple-court"]


def test_gas_is_referred_to_911(client):
    body = say(client, "I smell gas in the kitchen")
    assert body["refer"] == "emergency_services" and "911" in body["messages"][1]["body"]


def test_spanish_conversation_gets_spanish_replies(client):
    session = start(client, language="es")
    body = say(client, "Hay agua cayendo del techo de mi cocina", session)
    assert body["language"] == "es" and "emergencia" in body["messages"][1]["body"]
    body = say(client, "¿Cuál es el horario de la oficina?", start(client))  # detected without a widget language
    assert body["language"] == "es" and "lunes a viernes" in body["messages"][1]["body"]


def test_knowledge_base_answer_is_recorded_on_the_ticket(client, csr_headers):
    body = say(client, "Where do I pick up packages?")
    assert "parcel lockers" in body["messages"][1]["body"]
    ticket = client.http.get(f"/tickets/{body['ticket_id']}", headers=csr_headers).json_body
    assert any(a["action"] == "kb_answer" and a["detail"]["article"] == "packages-en" for a in ticket["audit"])


def test_later_messages_append_and_can_raise_urgency(client, aws):
    session = start(client)
    first = say(client, "The bathroom sink drains slowly", session)
    assert first["urgency"] == "routine" and not emergency_notifications(aws)
    second = say(client, "Now the pipe burst and water is spraying everywhere", session)
    assert second["ticket_id"] == first["ticket_id"] and second["urgency"] == "emergency"
    assert len(wait_for(lambda: emergency_notifications(aws))) == 1  # paging starts from the raised ticket
    listed = client.http.get(f"/chat/sessions/{session[0]}/messages", headers=session[1]).json_body
    assert [m["direction"] for m in listed["messages"]] == ["inbound", "outbound", "inbound", "outbound"]
    after = listed["messages"][1]["message_id"]
    newer = client.http.get(f"/chat/sessions/{session[0]}/messages?after={after}", headers=session[1]).json_body
    assert [m["body"] for m in newer["messages"]][0].startswith("Now the pipe burst")


def test_client_message_id_makes_retries_idempotent(client, csr_headers, aws):
    session = start(client)
    once = say(client, "There is a gas smell in the hallway", session, client_message_id="m-1")
    again = say(client, "There is a gas smell in the hallway", session, client_message_id="m-1")
    assert again["replayed"] and again["ticket_id"] == once["ticket_id"] and again["messages"] == once["messages"]
    ticket = client.http.get(f"/tickets/{once['ticket_id']}", headers=csr_headers).json_body
    assert len(ticket["messages"]) == 2
    assert len(wait_for(lambda: emergency_notifications(aws))) == 1
    wait_for(lambda: client.http.get(f"/tickets/{once['ticket_id']}", headers=csr_headers).json_body["escalation"]
             == "paging")
    assert len(emergency_notifications(aws)) == 1  # announced once, whoever delivered what twice


def test_a_session_token_reads_only_its_own_session(client):
    mine, other = start(client), start(client)
    say(client, "hello", mine)
    response = client.http.get(f"/chat/sessions/{mine[0]}/messages", headers=other[1])
    assert response.status_code == 403 and "another chat session" in response.json_body["Message"]
    response = client.http.get(f"/chat/sessions/{mine[0]}/messages")
    assert response.status_code == 401


@pytest.mark.parametrize("body, status, words", [
    ({}, 400, "property_id"),
    ({"property_id": 7}, 400, "property_id"),
    ({"property_id": "nowhere"}, 400, "unknown property"),
    ({"property_id": "maple-court", "language": "fr"}, 400, "language"),
    ({"property_id": "maple-court", "phone": "12"}, 400, "phone number"),
    ({"property_id": "maple-court", "email": "not-an-email"}, 400, "email"),
])
def test_bad_session_requests_get_a_json_4xx(client, body, status, words):
    code, answer = post(client, "/chat/sessions", body)
    assert code == status and words in answer["Message"]


def test_bad_messages_get_a_json_4xx_and_nothing_is_stored(client):
    session_id, token = start(client)
    path = f"/chat/sessions/{session_id}/messages"
    assert post(client, path, {"text": ""}, token)[0] == 400
    assert post(client, path, {"text": 42}, token)[0] == 400
    assert post(client, path, {}, token)[0] == 400
    code, answer = post(client, path, {"text": "é" * 2049}, token)  # 4098 bytes
    assert code == 413 and "4096" in answer["Message"]
    raw = client.http.post(path, body="{not json", headers={"Content-Type": "application/json", **token})
    assert raw.status_code == 400 and "Code" in raw.json_body
    assert post(client, "/chat/sessions/NOPE/messages", {"text": "hi"}, token)[0] == 404
    listed = client.http.get(path, headers=token).json_body
    assert listed["messages"] == []
    assert post(client, path, {"text": "x" * 4096}, token)[0] == 200  # exactly at the limit is fine


def test_a_failed_attempt_does_not_block_the_retry(client, monkeypatch):
    session = start(client)
    from chalicelib.channels import chat as chat_module
    real = chat_module._handle

    def broken(*args, **kwargs):
        raise RuntimeError("DynamoDB had a bad moment")
    monkeypatch.setattr(chat_module, "_handle", broken)
    code, _ = post(client, f"/chat/sessions/{session[0]}/messages", {"text": "Blinds broken", "client_message_id": "r1"},
                   session[1])
    assert code == 500
    monkeypatch.setattr(chat_module, "_handle", real)
    retried = say(client, "Blinds broken", session, client_message_id="r1")
    assert retried["ref"].startswith("TL-") and not retried["replayed"]


def test_a_property_website_may_send_the_session_token(client):
    """The widget on a property's own site calls the chat routes cross-origin with X-Session-Token."""
    made = client.http.post("/chat/sessions", body=json.dumps({"property_id": "maple-court"}),
                            headers={"Content-Type": "application/json", "Origin": "https://maplecourt.example"})
    allowed = made.headers.get("Access-Control-Allow-Headers", "")
    assert "X-Session-Token" in allowed and made.headers.get("Access-Control-Allow-Origin") == "*"


def test_an_emergency_written_into_a_resolved_chat_reopens_it_into_the_open_queue(client, csr_headers):
    session = start(client)
    first = say(client, "The bathroom fan is noisy", session)
    path = f"/tickets/{first['ticket_id']}/status"
    assert post(client, path, {"status": "in_progress"}, csr_headers)[0] == 200
    assert post(client, path, {"status": "resolved"}, csr_headers)[0] == 200
    later = say(client, "Now water is pouring through the ceiling onto the floor", session)
    assert later["ticket_id"] == first["ticket_id"] and later["urgency"] == "emergency"
    ticket = client.http.get(f"/tickets/{first['ticket_id']}", headers=csr_headers).json_body
    assert (ticket["status"], ticket["urgency"]) == ("in_progress", "emergency")
    queue = client.http.get("/tickets", headers={**csr_headers, **AT}).json_body["tickets"]
    assert first["ticket_id"] in [t["id"] for t in queue]  # reopened and raised: in the open queue, not lost


def test_a_first_message_whose_attempt_died_half_way_is_finished_by_its_retry(client, csr_headers, aws, monkeypatch):
    """The widget retries with the same client_message_id: the ticket the dead attempt wrote is finished (its
    clocks started, its answer returned), not opened twice, and the message is not added again."""
    from chalicelib.core import settings
    from chalicelib.lifecycle import intake
    real, calls = intake.opened, []

    def dies_once(ticket, now):
        calls.append(ticket.ticket_id)
        if len(calls) == 1:
            raise RuntimeError("the Lambda was stopped here")
        return real(ticket, now)
    monkeypatch.setattr(intake, "opened", dies_once)
    session = start(client)
    body = {"text": "The kitchen faucet drips all night", "client_message_id": "m-1"}
    code, _ = post(client, f"/chat/sessions/{session[0]}/messages", body, session[1])
    assert code == 500
    code, answer = post(client, f"/chat/sessions/{session[0]}/messages", body, session[1])
    assert code == 200 and answer["ticket_id"] == calls[0]
    assert [m["direction"] for m in answer["messages"]] == ["inbound", "outbound"]
    ticket = client.http.get(f"/tickets/{answer['ticket_id']}", headers=csr_headers).json_body
    assert [m["direction"] for m in ticket["messages"]] == ["inbound", "outbound"]  # said once, answered once
    sfn = aws.client("stepfunctions")
    names = [e["name"] for e in sfn.list_executions(stateMachineArn=settings.state_machine_arn("timer"))["executions"]]
    assert any(n.startswith("sla-") and n.endswith(answer["ticket_id"]) for n in names)  # its clocks run
    assert post(client, f"/chat/sessions/{session[0]}/messages", body, session[1])[1]["replayed"] is True
