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
    assert role_for(triage(text).category, text, known_resident=False) == role


def test_a_known_resident_is_a_resident_whatever_they_ask():
    text = "Is the two-bedroom still available? Can I see it Saturday?"
    assert role_for(triage(text).category, text, known_resident=True) == "resident"
    assert role_for("maintenance", "My sink is leaking", known_resident=True) == "resident"


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
