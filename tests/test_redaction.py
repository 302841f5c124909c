"""Card, SSN and bank numbers are removed at ingest: what the resident is told, and that no copy reaches the
ticket, the queue, the SMS and email pages or the escalation's execution input (on the in-process twin)."""
import json
from datetime import datetime, timezone

import pytest

from chalicelib.rules.redaction import luhn, redact
from tests.conftest import chat, sent_sms, wait_for

SECRETS = ("4111", "1111 1111", "12/28", "CVV 123", "123-45-6789", "021000021", "000123456789")
NIGHT = datetime(2026, 11, 19, 7, 10, tzinfo=timezone.utc)  # the office is closed: on call is paged


@pytest.mark.parametrize("text, kinds", [
    ("card 4111 1111 1111 1111 exp 12/28 CVV 123", ["card", "card_details"]),
    ("tarjeta 5500-0000-0000-0004 vence 03/27 código 456", ["card", "card_details"]),
    ("my SSN is 123 45 6789", ["ssn"]),
    ("SSN 123-45-6789", ["ssn"]),
    ("routing 021000021 account 000123456789", ["bank"]),
])
def test_what_is_removed(text, kinds):
    found = redact(text)
    assert found.kinds == kinds and not any(ch.isdigit() for ch in found.text.replace("[", "").split("removed")[-1])


@pytest.mark.parametrize("text", [
    "my phone is +12125550142, unit 4B", "it's 45 degrees, ticket TL-7KQ2", "order 1234567890123 arrived",
    "CVV 123 without any card is just a number", "the code is 1234 for the gate",
])
def test_what_is_left_alone(text):
    assert redact(text).text == text and redact(text).kinds == []


def test_luhn():
    assert luhn("4111111111111111") and not luhn("4111111111111112")


@pytest.mark.integration
def test_a_card_and_an_ssn_in_chat_leave_no_trace_anywhere(aws, client, csr_headers):
    text = ("Water is pouring through my ceiling!! also here is my card 4111 1111 1111 1111 exp 12/28 CVV 123 "
            "for the repair and my SSN 123-45-6789, bank routing 021000021 account 000123456789")
    answer, _ = chat(client, text, at=NIGHT)
    assert answer["urgency"] == "emergency"
    told = " ".join(m["body"] for m in answer["messages"] if m["direction"] == "outbound")
    assert "removed the card number, card details, Social Security number and bank account details" in told
    assert "resident portal" in told
    sfn = aws.client("stepfunctions")

    def execution_inputs():
        machine = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]
                       if m["name"].endswith("-escalation"))
        return [sfn.describe_execution(executionArn=e["executionArn"])["input"]
                for e in sfn.list_executions(stateMachineArn=machine)["executions"]]
    inputs = wait_for(execution_inputs)
    wait_for(lambda: sent_sms(aws))
    from tests.test_clocks import ses_sent
    places = {
        "ticket": json.dumps(client.http.get(f"/tickets/{answer['ticket_id']}", headers=csr_headers).json_body),
        "queue": json.dumps(client.http.get("/tickets", headers=csr_headers).json_body),
        "sms pages": json.dumps(sent_sms(aws)), "email pages": json.dumps([m.body for m in ses_sent(aws)]),
        "execution input": json.dumps(inputs), "chat answer": json.dumps(answer),
    }
    leaks = {where: [s for s in SECRETS if s in body] for where, body in places.items()}
    assert leaks == {where: [] for where in places}, leaks
    assert "[card number removed]" in places["ticket"] and "Water is pouring" in places["ticket"]


@pytest.mark.integration
def test_a_card_number_in_an_email_subject_and_body_is_not_stored_or_echoed(aws, client, csr_headers):
    from email.message import EmailMessage

    from tests.conftest import sent_mail
    from tests.test_email import receive
    mail = EmailMessage()
    mail["From"], mail["To"] = "Ana Ruiz <ana@example.com>", "help@maplecourt.example"
    mail["Subject"], mail["Message-ID"] = "rent paid with 4111-1111-1111-1111?", "<card@example.com>"
    mail.set_content("Hi, I paid rent with card 4111 1111 1111 1111 exp 12/28 CVV 123. Did it go through?")
    opened = receive(aws, mail.as_bytes())
    ticket = json.dumps(client.http.get(f"/tickets/{opened['ticket_id']}", headers=csr_headers).json_body)
    (ack,) = sent_mail(aws)
    leaks = [s for s in SECRETS if s in ticket or s in str(ack["Subject"]) or s in ack.get_content()]
    assert leaks == [] and "[card number removed]" in ticket


@pytest.mark.integration
def test_a_card_number_said_on_a_call_is_not_kept_or_whispered(aws, client, csr_headers):
    from tests.test_phone import MARIA, ring, ticket_of
    connect, contact, _ = ring(aws, ["1", "2"], "my sink leaks, charge card 4111 1111 1111 1111 for the repair",
                               caller=MARIA)
    ticket = client.http.get(f"/tickets/{ticket_of(contact).ticket_id}", headers=csr_headers).json_body
    said = json.dumps(ticket) + json.dumps(contact.attributes)
    assert "4111" not in said and "[card number removed]" in ticket["messages"][0]["body"]
    assert "sink leaks" in contact.attributes["whisper"]
