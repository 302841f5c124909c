"""Mail built to stall, crash or overflow the inbound path, delivered as SES would on the in-process twin:
each one becomes a ticket or a quarantine entry with its reason, within bounded work, and once."""
import json
from email.message import EmailMessage

import pytest

from tests.conftest import NOW, sent_mail
from tests.test_email import INBOX, receive
from twin import ses_inbound

pytestmark = pytest.mark.integration


def headers(subject="Leak under the sink", sender="Ana Ruiz <ana@example.com>", msgid="<hostile@example.com>"):
    return (f"From: {sender}\r\nTo: {INBOX}\r\nSubject: {subject}\r\nMessage-ID: {msgid}\r\n"
            f"MIME-Version: 1.0\r\n").encode()


def nested(levels: int) -> bytes:
    raw = headers() + b"Content-Type: text/plain\r\n\r\nThe sink in 4B leaks.\r\n"
    for _ in range(levels):
        raw = headers() + b"Content-Type: message/rfc822\r\n\r\n" + raw
    return raw


def many_parts(count: int) -> bytes:
    parts = b"".join(b"--BB\r\nContent-Type: text/plain\r\n\r\nx\r\n" for _ in range(count))
    return (headers() + b"Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\nContent-Type: text/plain\r\n\r\n"
            b"The sink in 4B leaks.\r\n" + parts + b"--BB--\r\n")


def view(client, csr_headers, ticket_id):
    return client.http.get(f"/tickets/{ticket_id}", headers=csr_headers).json_body


def queue(client, csr_headers):
    return client.http.get("/tickets", headers=csr_headers).json_body["tickets"]


def test_forwards_nested_fifty_deep_become_a_ticket_read_to_a_bounded_depth(aws, client, csr_headers):
    result = receive(aws, nested(50))
    body = view(client, csr_headers, result["ticket_id"])["messages"][0]["body"]
    assert result["new"] and "forwarded more than 5 levels deep were not read" in body


def test_a_thousand_parts_are_read_to_a_bounded_count(aws, client, csr_headers):
    result = receive(aws, many_parts(1000))
    body = view(client, csr_headers, result["ticket_id"])["messages"][0]["body"]
    assert "The sink in 4B leaks." in body and "only the first 100 parts were read" in body


def test_a_five_megabyte_body_is_shown_cut_and_kept_whole_as_a_file(aws, client, csr_headers):
    line = "The kitchen sink in 4B leaks. " * 3 + "\r\n"
    raw = headers() + b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + (line * 55_000).encode()
    assert len(raw) > 5_000_000
    result = receive(aws, raw)
    t = view(client, csr_headers, result["ticket_id"])
    first = t["messages"][0]
    assert len(first["body"]) < 31_000 and "all of it is in message.txt" in first["body"]
    assert first["attachments"][0]["name"] == "message.txt"
    link = client.http.get(f"/tickets/{t['id']}/messages/{first['message_id']}/attachments/0", headers=csr_headers)
    assert link.status_code in (200, 302), link.body
    assert len(sent_mail(aws)) == 1  # acknowledged like any other


def test_a_message_over_the_size_limit_is_quarantined_with_its_reason(aws, client, csr_headers, monkeypatch):
    monkeypatch.setattr("chalicelib.core.settings.MAX_RAW_MAIL_BYTES", 100_000)
    raw = headers() + b"Content-Type: text/plain\r\n\r\n" + b"x" * 200_000
    result = receive(aws, raw)
    assert result["quarantined"] and "too large" in result["reason"]
    listed = client.http.get("/quarantine", headers=csr_headers).json_body["quarantine"]
    assert [q["id"] for q in listed] == [result["quarantine_id"]] and queue(client, csr_headers) == []


def test_a_three_thousand_character_from_is_quarantined_not_lost(aws, client, csr_headers):
    result = receive(aws, headers(sender="a" * 3000 + "@example.com") + b"Content-Type: text/plain\r\n\r\n"
                                                                        b"The sink in 4B leaks.\r\n")
    assert result["quarantined"] and "no sender address" in result["reason"]
    (listed,) = client.http.get("/quarantine", headers=csr_headers).json_body["quarantine"]
    assert listed["id"] == result["quarantine_id"] and listed["reason"] == result["reason"]


def test_a_subject_with_encoded_line_breaks_is_one_line_everywhere(aws, client, csr_headers):
    subject = "=?utf-8?q?Leak=0D=0ABcc:_victim@example.net=0D=0A=0D=0Abody?="
    notification = ses_inbound.receive(aws, headers(subject=subject) + b"Content-Type: text/plain\r\n\r\n"
                                                                       b"The sink in 4B leaks.\r\n", INBOX, at=NOW)
    ticket_id = queue(client, csr_headers)[0]["id"]
    stored = view(client, csr_headers, ticket_id)["messages"][0]["subject"]
    assert "\n" not in stored and "\r" not in stored and stored.startswith("Leak Bcc:")
    (ack,) = sent_mail(aws)
    assert ack["Bcc"] is None and "\n" not in str(ack["Subject"])
    reply = client.http.post(f"/tickets/{ticket_id}/reply", headers={**csr_headers, "Content-Type": "application/json"},
                             body=json.dumps({"body": "A plumber comes at 2 pm."}))
    assert reply.status_code == 200, reply.json_body
    ses_inbound.announce(aws, notification)  # delivered again: still one ticket, one acknowledgement
    assert len(queue(client, csr_headers)) == 1 and len(sent_mail(aws)) == 2


def test_a_card_number_in_an_attachment_name_is_not_kept(aws, client, csr_headers):
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "Ana Ruiz <ana@example.com>", INBOX, "receipt"
    mail.set_content("Receipt attached.")
    mail.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf",
                        filename="card 4111 1111 1111 1111 receipt.pdf")
    result = receive(aws, mail.as_bytes())
    t = json.dumps(view(client, csr_headers, result["ticket_id"]))
    assert "4111" not in t and "[card number removed]" in t


def test_an_unreadable_notification_is_quarantined_not_dropped(aws, client, csr_headers):
    from chalicelib.channels.mail import inbound
    result = inbound.handle({"notificationType": "Received", "mail": {}}, NOW)
    assert result["quarantined"] and "malformed" in result["reason"]
    assert client.http.get("/quarantine", headers=csr_headers).json_body["quarantine"][0]["id"] == \
        result["quarantine_id"]
