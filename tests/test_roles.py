"""Who is writing (rules/roles.py): prospects from leasing questions of people we do not know."""
import pytest

from chalicelib.rules.roles import role_for
from chalicelib.rules.triage import triage


@pytest.mark.parametrize("text, role", [
    ("Is the two-bedroom still available? Can I see it Saturday?", "prospect"),
    ("Do you have any apartments for rent?", "prospect"),
    ("I would like to schedule a tour", "prospect"),
    ("Any 1br vacancies for January?", "prospect"),
    ("¿Está disponible el departamento de dos recámaras? ¿Puedo verlo el sábado?", "prospect"),
    ("I want to renew my lease", "unknown"),  # a resident's leasing question
    ("I am moving out, how do I give notice to vacate?", "unknown"),
    ("Is the pool available on Saturday?", "unknown"),  # not a leasing question
    ("My kitchen sink is leaking", "unknown"),
])
def test_a_stranger_asking_a_prospects_leasing_question_is_a_prospect(text, role):
    assert role_for(triage(text).category, text, known=None) == role


def test_a_known_resident_is_a_resident_whatever_they_ask():
    text = "Is the two-bedroom still available? Can I see it Saturday?"
    assert role_for(triage(text).category, text, known="resident") == "resident"
    assert role_for("maintenance", "My sink is leaking", known="resident") == "resident"


@pytest.mark.integration
def test_prospects_have_their_own_queue_and_a_csr_can_correct_a_role(client, csr_headers):
    import json

    from tests.conftest import chat
    lead, _ = chat(client, "Is the two-bedroom still available? Can I see it Saturday?")
    repair, _ = chat(client, "The kitchen faucet drips all day")

    def queue(**params):
        query = "&".join(f"{k}={v}" for k, v in params.items())
        answer = client.http.get(f"/tickets?{query}", headers=csr_headers)
        assert answer.status_code == 200, answer.json_body
        return [t["id"] for t in answer.json_body["tickets"]]
    assert lead["ticket_id"] not in queue() and repair["ticket_id"] in queue()  # the working queue
    assert queue(role="prospect") == [lead["ticket_id"]]

    # a CSR reads the repair as written by a prospect after all: it moves queue, and the trail says who did it
    moved = client.http.post(f"/tickets/{repair['ticket_id']}/role", headers=csr_headers,
                             body=json.dumps({"role": "prospect"}))
    assert moved.status_code == 200 and moved.json_body["role"] == "prospect"
    assert repair["ticket_id"] not in queue() and repair["ticket_id"] in queue(role="prospect")
    trail = client.http.get(f"/tickets/{repair['ticket_id']}", headers=csr_headers).json_body["audit"]
    assert any(a["action"] == "role" and a["detail"] == {"from": "unknown", "to": "prospect"} for a in trail)

    bad = client.http.post(f"/tickets/{repair['ticket_id']}/role", headers=csr_headers, body=json.dumps({"role": "landlord"}))
    assert bad.status_code == 400 and "role must be one of" in bad.json_body["Message"]
    assert client.http.get("/tickets?role=landlord", headers=csr_headers).status_code == 400


@pytest.mark.integration
def test_every_channel_records_who_wrote_from_the_propertys_lists(aws, client, csr_headers):
    from email.message import EmailMessage

    from tests.test_email import receive
    from twin import sms

    def mail(sender, subject, body):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = sender, "help@maplecourt.example", subject
        message["Message-ID"] = f"<{subject.replace(' ', '-')}@example.com>"
        message.set_content(body)
        return receive(aws, message.as_bytes())["ticket_id"]

    def role(ticket_id):
        return client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body["role"]
    owner = mail("Ruth Okafor <Ruth.Okafor@harborholdings.example>", "June statement",
                 "Could you send me the owner statement for June? Thanks, Ruth")
    vendor = mail("Brightflow Plumbing <dispatch@brightflowplumbing.example>", "Invoice 2231",
                  "Invoice for the riser repair at Maple Court is attached to our portal.")
    stranger = mail("Sam <sam@example.com>", "Two bedroom", "Is the two-bedroom still available? Can I tour it?")
    assert (role(owner), role(vendor), role(stranger)) == ("owner", "vendor", "prospect")

    texted = sms.receive(aws, "my kitchen sink is leaking under the cabinet", "+12125550142", "+12125550100")
    from chalicelib.models import Guard, keys
    by_text = Guard.get(keys.sms_inbound(texted["inboundMessageId"]), keys.GUARD, consistent_read=True).data["result"]
    assert role(by_text["ticket_id"]) == "resident"  # María is on the resident list

    working = [t["id"] for t in client.http.get("/tickets", headers=csr_headers).json_body["tickets"]]
    assert owner not in working and stranger not in working and vendor in working
    owners = [t["id"] for t in client.http.get("/tickets?role=owner", headers=csr_headers).json_body["tickets"]]
    assert owners == [owner]
