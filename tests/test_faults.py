"""The 30-minute promise under faults, on the in-process twin: with Step Functions or SNS gone, a resident
reporting a fire still gets the 911 advice and a ticket at once; when the service is back (recreated from the
template, same name and definition), the escalation starts by itself and pages go out exactly once."""
import json

import pytest

from tests.conftest import chat, emergency_notifications, sent_sms, wait_for

pytestmark = pytest.mark.integration
NIGHT = "2026-11-26T07:13:00+00:00"  # 02:13 in New York on Thanksgiving
FIRE = "There is a fire in the trash room"
BEN = "+12125550112"


def ticket_of(client, csr_headers, ticket_id):
    return client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body


def pages_for(aws, ref):
    return [text for number, text in sent_sms(aws) if number == BEN and ref in text]


def escalation_executions(aws, ticket_id):
    sfn = aws.client("stepfunctions")
    machine = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]
                   if m["name"].endswith("-escalation"))
    return [e for e in sfn.list_executions(stateMachineArn=machine)["executions"] if e["name"].endswith(ticket_id)]


def restore(aws):
    from twin import provision
    provision.provision(aws, "test")  # creates what is missing, with the template's names and definitions


def test_with_step_functions_down_the_resident_is_answered_and_paging_starts_when_it_is_back(aws, client,
                                                                                           csr_headers):
    sfn = aws.client("stepfunctions")
    machine = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]
                   if m["name"].endswith("-escalation"))
    sfn.delete_state_machine(stateMachineArn=machine)
    answer, _ = chat(client, FIRE, at=NIGHT)
    assert answer["urgency"] == "emergency" and answer["refer"] == "emergency_services"
    assert "911" in answer["messages"][1]["body"]
    # The feed is told; the chain cannot start while the machine is gone (the record keeps failing).
    wait_for(lambda: ticket_of(client, csr_headers, answer["ticket_id"])["escalation"] == "flagged")
    assert not pages_for(aws, answer["ref"])
    restore(aws)
    page = wait_for(lambda: pages_for(aws, answer["ref"]), seconds=60)
    assert answer["ref"] in page[0] and "Acknowledge: http" in page[0]
    ticket = wait_for(lambda: (t := ticket_of(client, csr_headers, answer["ticket_id"]))["escalation"] == "paging"
                      and t)
    assert len(escalation_executions(aws, answer["ticket_id"])) == 1
    assert sum(answer["ref"] in n for n in emergency_notifications(aws)) == 1  # announced once
    assert [a["action"] for a in ticket["audit"]].count("escalation_started") == 1


def test_with_the_emergencies_topic_gone_nothing_is_lost(aws, client, csr_headers):
    sns = aws.client("sns")
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith("-emergencies"))
    sns.delete_topic(TopicArn=topic)
    answer, session = chat(client, FIRE, at=NIGHT)
    assert "911" in answer["messages"][1]["body"]
    again, _ = chat(client, "the smoke is getting worse", at=NIGHT, session=session)  # same conversation
    assert again["ticket_id"] == answer["ticket_id"]
    assert ticket_of(client, csr_headers, answer["ticket_id"])["escalation"] == "pending"
    restore(aws)
    wait_for(lambda: pages_for(aws, answer["ref"]), seconds=60)
    assert sum(answer["ref"] in n for n in emergency_notifications(aws)) == 1
    ticket = wait_for(lambda: (t := ticket_of(client, csr_headers, answer["ticket_id"]))["escalation"] == "paging"
                      and t)
    assert len(escalation_executions(aws, answer["ticket_id"])) == 1
    inbound = [m["body"] for m in ticket["messages"] if m["direction"] == "inbound"]
    assert inbound == [FIRE, "the smoke is getting worse"]  # nothing stored twice


def test_concurrent_first_messages_in_one_chat_make_one_ticket_and_one_escalation(aws, client, csr_headers):
    from concurrent.futures import ThreadPoolExecutor
    made = client.http.post("/chat/sessions", body=json.dumps({"property_id": "maple-court"}),
                            headers={"Content-Type": "application/json"}).json_body
    headers = {"Content-Type": "application/json", "X-Tenantline-Time": NIGHT, "X-Session-Token": made["token"]}

    def post(n):
        return client.http.post(f"/chat/sessions/{made['session_id']}/messages",
                                body=json.dumps({"text": f"I smell gas in the hallway ({n})"}), headers=headers)
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(post, range(6)))
    assert all(a.status_code == 200 for a in answers), [a.json_body for a in answers if a.status_code != 200]
    assert len({a.json_body["ticket_id"] for a in answers}) == 1
    ticket_id = answers[0].json_body["ticket_id"]
    wait_for(lambda: ticket_of(client, csr_headers, ticket_id)["escalation"] == "paging")
    assert len(escalation_executions(aws, ticket_id)) == 1
    inbound = [m for m in ticket_of(client, csr_headers, ticket_id)["messages"] if m["direction"] == "inbound"]
    assert len(inbound) == 6


def test_with_ses_refusing_to_send_the_mail_becomes_a_ticket_once_and_is_acknowledged_on_redelivery(
        aws, client, csr_headers):
    from pathlib import Path

    from twin import ses_inbound
    ses = aws.client("ses")
    ses.delete_identity(Identity="maplecourt.example")  # sending from the property inbox is refused
    raw = (Path(__file__).parent / "emails" / "android_photo.eml").read_bytes()
    notification = ses_inbound.store(aws, raw, "help@maplecourt.example")
    try:
        ses_inbound.announce(aws, notification)
    except Exception:  # noqa: S110 - the Lambda failed (no acknowledgement could be sent); SNS will retry
        pass
    queue = client.http.get("/tickets", headers=csr_headers).json_body["tickets"]
    assert len(queue) == 1 and queue[0]["urgency"] == "emergency"  # accepted before the acknowledgement failed
    ses.verify_domain_identity(Domain="maplecourt.example")
    ses_inbound.announce(aws, notification)  # SNS/Lambda deliver the same notification again
    queue = client.http.get("/tickets", headers=csr_headers).json_body["tickets"]
    assert len(queue) == 1
    ticket = ticket_of(client, csr_headers, queue[0]["id"])
    assert [m["direction"] for m in ticket["messages"]] == ["inbound", "outbound"]  # the mail once, then the ack
    assert ticket["messages"][1]["automated"] and ticket["ref"] in ticket["messages"][1]["body"]


def test_a_deployed_stage_refuses_to_run_on_a_placeholder_secret(aws, client, monkeypatch):
    from aws_lambda_powertools.utilities import parameters

    from chalicelib.core import secrets
    aws.client("ssm").put_parameter(Name="tenantline-test-link-secret", Type="SecureString", Overwrite=True,
                                    Value="REPLACE-with-a-long-random-secret-please")
    parameters.clear_caches()
    monkeypatch.setattr("chalicelib.core.settings.demo_mode", lambda: False)  # as in a deployed stage
    with pytest.raises(secrets.MissingSecret, match="placeholder"):
        secrets.link_secret()
    answer = client.http.post("/chat/sessions", body=json.dumps({"property_id": "maple-court"}),
                              headers={"Content-Type": "application/json"})
    assert answer.status_code == 500  # refused, rather than signing links anyone could forge
    parameters.clear_caches()


def test_dynamodb_throttling_is_absorbed_and_a_refused_message_is_stored_once_on_retry(aws, client, csr_headers,
                                                                                         monkeypatch):
    from moto.dynamodb.exceptions import DynamodbException
    from moto.dynamodb.models import DynamoDBBackend

    real, throttled = DynamoDBBackend.transact_write_items, {"left": 2}

    def throttling(self, items):
        if throttled["left"] > 0:
            throttled["left"] -= 1
            raise DynamodbException("ProvisionedThroughputExceededException", "The level of configured provisioned "
                                    "throughput for the table was exceeded")
        return real(self, items)
    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", throttling)
    answer, session = chat(client, FIRE, at=NIGHT)  # two throttled writes: retried by the client, unseen
    assert throttled["left"] == 0 and "911" in answer["messages"][1]["body"]
    throttled["left"] = 1000  # now DynamoDB refuses for good: the resident is told to retry, nothing is half-kept
    headers = {"Content-Type": "application/json", "X-Tenantline-Time": NIGHT, "X-Session-Token": session.token}
    body = json.dumps({"text": "it is spreading to the hallway", "client_message_id": "m-2"})
    refused = client.http.post(f"/chat/sessions/{session.session_id}/messages", body=body, headers=headers)
    assert refused.status_code >= 500
    throttled["left"] = 0  # back to normal: the widget's retry with the same client_message_id goes through once
    for _ in range(2):
        retried = client.http.post(f"/chat/sessions/{session.session_id}/messages", body=body, headers=headers)
        assert retried.status_code == 200
    ticket = ticket_of(client, csr_headers, answer["ticket_id"])
    inbound = [m["body"] for m in ticket["messages"] if m["direction"] == "inbound"]
    assert inbound == [FIRE, "it is spreading to the hallway"]
